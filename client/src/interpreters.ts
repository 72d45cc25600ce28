/** Chooses each folder's workspace interpreter: setting, Python extension, project venv, PATH. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { debugLog, errorLog } from './logging';
import { findProjectVenvs, venvPython } from './projectVenv';
import { folderSettings } from './settings';
import { workspaceFolders } from './vscodeapi';

export type InterpreterSource = 'explicit' | 'auto';

export interface ChosenInterpreter {
  path: string | null;
  source: InterpreterSource;
}

/** The Python extension's API, loaded lazily: the extension works without it. */
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
  resolveEnvironment(env: { path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath: vscode.Event<{ path: string; resource?: vscode.WorkspaceFolder | vscode.Uri }>;
}

function onPath(names: string[]): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return null;
}

export class WorkspaceInterpreters implements vscode.Disposable {
  private pythonApi: PythonEnvironmentsApi | undefined;
  private readonly last = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder; chosen: ChosenInterpreter }>();
  /** Fires only when a folder's choice really changed (the Python extension repeats events). */
  readonly onDidChange = this.changed.event;

  async initialize(): Promise<void> {
    const extension = vscode.extensions.getExtension('ms-python.python');
    if (!extension) {
      debugLog('Python extension not installed: using settings, project venvs and PATH');
      return;
    }
    try {
      const { PythonExtension } = await import('@vscode/python-extension');
      const api = (await PythonExtension.api()) as unknown as { environments: PythonEnvironmentsApi };
      this.pythonApi = api.environments;
      this.disposables.push(this.pythonApi.onDidChangeActiveEnvironmentPath(() => void this.refreshAll()));
    } catch (err) {
      errorLog(`Python extension API unavailable: ${String(err)}`);
    }
  }

  async choose(folder: vscode.WorkspaceFolder): Promise<ChosenInterpreter> {
    const settings = folderSettings(folder);
    if (settings.python) {
      return { path: path.isAbsolute(settings.python) ? settings.python : path.join(folder.uri.fsPath, settings.python), source: 'explicit' };
    }
    if (this.pythonApi) {
      try {
        const active = this.pythonApi.getActiveEnvironmentPath(folder.uri);
        const resolved = await this.pythonApi.resolveEnvironment(active);
        const exe = resolved?.executable.uri?.fsPath;
        if (exe) {
          return { path: exe, source: 'explicit' };
        }
      } catch (err) {
        debugLog(`Python extension could not resolve an environment: ${String(err)}`);
      }
    }
    const venvs = findProjectVenvs(folder.uri.fsPath);
    if (venvs.length > 0) {
      return { path: venvPython(venvs[0]), source: 'auto' };
    }
    return { path: onPath(process.platform === 'win32' ? ['python.exe'] : ['python3', 'python']), source: 'auto' };
  }

  /** The initializationOptions "interpreters" map, and remembers it as already sent. */
  async snapshot(): Promise<Record<string, ChosenInterpreter>> {
    const map: Record<string, ChosenInterpreter> = {};
    for (const folder of workspaceFolders()) {
      const chosen = await this.choose(folder);
      map[folder.uri.toString()] = chosen;
      this.last.set(folder.uri.toString(), JSON.stringify(chosen));
    }
    return map;
  }

  private paused = 0;

  /**
   * Holds back changes while `task` builds a venv: a half-made venv (pyvenv.cfg written, pip
   * still installing) sent to the server would be read before its packages exist.
   */
  async whilePaused<T>(task: () => Thenable<T>): Promise<T> {
    this.paused++;
    try {
      return await task();
    } finally {
      this.paused--;
    }
  }

  async refreshAll(): Promise<void> {
    if (this.paused > 0) {
      return;
    }
    for (const folder of workspaceFolders()) {
      const chosen = await this.choose(folder);
      const key = folder.uri.toString();
      const value = JSON.stringify(chosen);
      if (this.last.get(key) !== value) {
        this.last.set(key, value);
        this.changed.fire({ folder, chosen });
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
