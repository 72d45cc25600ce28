/** The extension's one LogOutputChannel, filtered by the flaskPreflight.logLevel setting. */

import * as vscode from 'vscode';

export type LogLevelSetting = 'off' | 'error' | 'warning' | 'info' | 'debug' | 'trace';

const ORDER: LogLevelSetting[] = ['off', 'error', 'warning', 'info', 'debug', 'trace'];

let channel: vscode.LogOutputChannel | undefined;
let level: LogLevelSetting = 'info';

export function createLogChannel(): vscode.LogOutputChannel {
  channel = vscode.window.createOutputChannel('Flask Preflight', { log: true });
  return channel;
}

export function logChannel(): vscode.LogOutputChannel {
  if (!channel) {
    throw new Error('log channel used before activation');
  }
  return channel;
}

export function setLogLevel(value: LogLevelSetting): void {
  level = ORDER.includes(value) ? value : 'info';
}

export function getLogLevel(): LogLevelSetting {
  return level;
}

function enabled(wanted: LogLevelSetting): boolean {
  return ORDER.indexOf(level) >= ORDER.indexOf(wanted);
}

export function traceLog(message: string): void {
  if (enabled('trace')) channel?.trace(message);
}
export function debugLog(message: string): void {
  if (enabled('debug')) channel?.debug(message);
}
export function infoLog(message: string): void {
  if (enabled('info')) channel?.info(message);
}
export function warnLog(message: string): void {
  if (enabled('warning')) channel?.warn(message);
}
export function errorLog(message: string): void {
  if (enabled('error')) channel?.error(message);
}
