"""The terminal-run wire ids are spelled the same in the client and in the server."""

from __future__ import annotations

import re

from flask_preflight.lsp.terminal_runs import EXPLAIN_TERMINAL_RUN, TERMINAL_RUN_STARTED
from tests.conftest import REPO


def _client_constants() -> dict[str, str]:
    text = (REPO / "client" / "src" / "constants.ts").read_text(encoding="utf-8")
    return dict(re.findall(r"export const (\w+) = '([^']+)';", text))


def test_terminal_run_ids_match() -> None:
    client = _client_constants()
    assert client["EXPLAIN_TERMINAL_RUN_REQUEST"] == EXPLAIN_TERMINAL_RUN
    assert client["TERMINAL_RUN_STARTED_NOTIFICATION"] == TERMINAL_RUN_STARTED


def test_the_watcher_uses_the_constants_not_literals() -> None:
    watcher = (REPO / "client" / "src" / "terminalWatcher.ts").read_text(encoding="utf-8")
    assert "flaskPreflight/" not in watcher
    assert (
        "EXPLAIN_TERMINAL_RUN_REQUEST" in watcher and "TERMINAL_RUN_STARTED_NOTIFICATION" in watcher
    )
