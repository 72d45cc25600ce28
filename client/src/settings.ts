/** The flaskPreflight.* settings, read in one typed place with ${workspaceFolder} substitution. */

import * as os from 'node:os';
import * as vscode from 'vscode';
import type { LogLevelSetting } from './logging';
import { getConfiguration, workspaceFolders } from './vscodeapi';

export const SECTION = 'flaskPreflight';

export type RuleSeverity = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface FolderSettings {
  python: string;
  rules: Record<string, RuleSeverity>;
  exclude: string[];
  devServerPort: number;
  gunicornPort: number;
  serverPython: string;
  logLevel: LogLevelSetting;
}

/** Replaces ${workspaceFolder}, ${workspaceFolderBasename}, ${userHome} and ${env:NAME}. */
export function resolveVariables(value: string, folder?: vscode.WorkspaceFolder): string {
  const home = os.homedir();
  let out = value.replace(/\$\{userHome\}/g, home);
  if (out.startsWith('~/')) {
    out = home + out.slice(1);
  }
  out = out.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => process.env[name] ?? '');
  const root = folder ?? workspaceFolders()[0];
  if (root) {
    out = out.replace(/\$\{workspaceFolder\}/g, root.uri.fsPath);
    out = out.replace(/\$\{workspaceFolderBasename\}/g, root.name);
  }
  return out;
}

function str(config: vscode.WorkspaceConfiguration, key: string): string {
  const value = config.get<unknown>(key);
  return typeof value === 'string' ? value.trim() : '';
}

function port(config: vscode.WorkspaceConfiguration, key: string, fallback: number): number {
  const value = config.get<unknown>(key);
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536 ? value : fallback;
}

export function folderSettings(folder?: vscode.WorkspaceFolder): FolderSettings {
  const config = getConfiguration(SECTION, folder?.uri);
  const rules = config.get<unknown>('rules');
  const exclude = config.get<unknown>('exclude');
  const python = str(config, 'python');
  const serverPython = str(config, 'serverPython');
  return {
    python: python ? resolveVariables(python, folder) : '',
    rules: typeof rules === 'object' && rules !== null ? (rules as Record<string, RuleSeverity>) : {},
    exclude: Array.isArray(exclude) ? exclude.filter((e): e is string => typeof e === 'string') : [],
    devServerPort: port(config, 'devServerPort', 5000),
    gunicornPort: port(config, 'gunicornPort', 8000),
    serverPython: serverPython ? resolveVariables(serverPython, folder) : '',
    logLevel: (str(config, 'logLevel') || 'info') as LogLevelSetting,
  };
}

/** Settings that only a server restart picks up. */
export function needsRestart(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.serverPython`);
}
