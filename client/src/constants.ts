/** Wire ids shared with the language server (pinned against the server's by tests/test_wire_ids.py). */

/** Request: a command that ended in the terminal -> the engine's explanation (or null). */
export const EXPLAIN_TERMINAL_RUN_REQUEST = 'flaskPreflight/explainTerminalRun';
/** Notification: a command started in the terminal (a new start clears the last RUN001). */
export const TERMINAL_RUN_STARTED_NOTIFICATION = 'flaskPreflight/terminalRunStarted';
