/**
 * What the editor knows about each folder's interpreter: the flaskPreflight.python setting or
 * the Python extension's selection. Everything else (the project's venv, PATH) is the
 * server's choice, in the one order written in server/flask_preflight/analysis/interpreters.py;
 * the server says what it chose in the status notification, kept here for the commands.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import { debugLog, errorLog } from './logging';
import { folderSettings } from './settings';
import { type ServerChoice, type StatusParams, serverChoiceOf } from './statusText';
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

export class WorkspaceInterpreters implements vscode.Disposable {
  private pythonApi: PythonEnvironmentsApi | undefined;
  private readonly last = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder; chosen: ChosenInterpreter; reread: boolean }>();
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
    // Nothing chosen in the editor: the server picks (project venv, else PATH).
    return { path: null, source: 'auto' };
  }

  private readonly serverChoices = new Map<string, ServerChoice>();

  /** Remembers what the server chose (called for every status notification). */
  noteServerStatus(params: StatusParams): void {
    this.serverChoices.set(params.folderUri, serverChoiceOf(params));
  }

  /** The interpreter the server uses for `folder` (null until its first status). */
  serverChoice(folder: vscode.WorkspaceFolder | undefined): ServerChoice | undefined {
    if (!folder) return undefined;
    const key = folder.uri.toString();
    for (const [uri, choice] of this.serverChoices) {
      if (uri.replace(/\/$/, '') === key.replace(/\/$/, '')) return choice;
    }
    return undefined;
  }

  /** Every project venv the server found, over all folders, best first. */
  projectVenvs(): string[] {
    return [...this.serverChoices.values()].flatMap((choice) => choice.projectVenvs);
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

  /**
   * Tells the server about changed choices. `reread`: also when nothing changed, asking the
   * server to read the environments again (a venv was just created or filled: files written
   * before the server watched them sent no event).
   */
  async refreshAll(reread = false): Promise<void> {
    if (this.paused > 0) {
      return;
    }
    for (const folder of workspaceFolders()) {
      const chosen = await this.choose(folder);
      const key = folder.uri.toString();
      const value = JSON.stringify(chosen);
      if (reread || this.last.get(key) !== value) {
        this.last.set(key, value);
        this.changed.fire({ folder, chosen, reread });
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
