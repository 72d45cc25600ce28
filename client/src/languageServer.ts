/** Starts, stops and restarts the language server (serialized), and relays its notifications. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  Trace,
} from 'vscode-languageclient/node';
import { PROJECT_FILE_PATTERNS } from './fileKinds.generated';
import type { WorkspaceInterpreters } from './interpreters';
import { errorLog, getLogLevel, infoLog, logChannel } from './logging';
import { SECTION, folderSettings } from './settings';
import { SerialQueue } from './serialQueue';
import { findServerPython } from './serverPython';
import type { StatusParams } from './statusText';
import { executeCommand, isTrusted, onDidChangeConfiguration, showErrorMessage, workspaceFolders } from './vscodeapi';

export const STATUS_NOTIFICATION = 'flaskPreflight/status';
export const SET_INTERPRETER_NOTIFICATION = 'flaskPreflight/setInterpreter';

/** The server's PYTHONPATH: its bundled libraries, then its own package. */
export function serverPythonPath(extensionPath: string): string {
  return [path.join(extensionPath, 'bundled', 'libs'), path.join(extensionPath, 'server')].join(path.delimiter);
}

function traceFor(level: string): Trace {
  if (level === 'trace') return Trace.Verbose;
  if (level === 'debug') return Trace.Messages;
  return Trace.Off;
}

export class LanguageServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly queue = new SerialQueue();
  private noPythonShown = false;
  private traceKeeper: vscode.Disposable | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<StatusParams>();
  private readonly stateEmitter = new vscode.EventEmitter<'starting' | 'running' | 'stopped' | 'failed'>();
  readonly onStatus = this.statusEmitter.event;
  readonly onState = this.stateEmitter.event;

  constructor(
    private readonly extensionPath: string,
    private readonly interpreters: WorkspaceInterpreters,
  ) {}

  /** Every start/stop runs after the previous one finished, so restarts never overlap. */
  restart(reason: string): Promise<void> {
    return this.queue
      .run(async () => {
        infoLog(`(re)starting the language server: ${reason}`);
        await this.stopNow();
        await this.startNow();
      })
      .catch((err: unknown) => errorLog(`restart failed: ${String(err)}`));
  }

  stop(): Promise<void> {
    return this.queue.run(() => this.stopNow()).catch((err: unknown) => errorLog(`stop failed: ${String(err)}`));
  }

  get running(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  async executeServerCommand(command: string, args: unknown[]): Promise<unknown> {
    const client = this.running;
    if (!client) {
      throw new Error('the Flask Preflight language server is not running');
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  /** A custom request to the running server; undefined when it is not running. */
  async request<T>(method: string, params: unknown): Promise<T | undefined> {
    const client = this.running;
    return client ? client.sendRequest<T>(method, params) : undefined;
  }

  async notify(method: string, params: unknown): Promise<void> {
    const client = this.running;
    if (client) {
      await client.sendNotification(method, params);
    }
  }

  /** The editor's interpreter for a folder; `reread` asks the server to read it again. */
  async sendInterpreter(folderUri: string | null, chosen: { path: string | null; source: string }, reread = false): Promise<void> {
    const client = this.running;
    if (client) {
      await client.sendNotification(SET_INTERPRETER_NOTIFICATION, { folderUri, path: chosen.path, source: chosen.source, reread });
    }
  }

  applyLogLevel(): void {
    void this.client?.setTrace(traceFor(getLogLevel()));
  }

  private async startNow(): Promise<void> {
    this.stateEmitter.fire('starting');
    const settings = folderSettings(workspaceFolders()[0]);
    const search = await findServerPython(settings.serverPython);
    if (!search.found) {
      this.stateEmitter.fire('failed');
      errorLog(`no Python 3.9+ for the language server (${search.tried.join('; ')})`);
      if (!this.noPythonShown) {
        this.noPythonShown = true;
        const open = 'Open Settings';
        const choice = await showErrorMessage(
          'Flask Preflight needs Python 3.9 or newer to run its checks, and found none (tried: ' +
            `${search.tried.join(', ')}). Install Python 3, or set "flaskPreflight.serverPython" to its path, then run "Flask Preflight: Restart Server".`,
          open,
        );
        if (choice === open) {
          void executeCommand('workbench.action.openSettings', 'flaskPreflight.serverPython');
        }
      }
      return;
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && k !== 'PYTHONHOME') env[k] = v;
    }
    env.PYTHONPATH = serverPythonPath(this.extensionPath);
    env.PYTHONUNBUFFERED = '1';
    if (!fs.existsSync(path.join(this.extensionPath, 'bundled', 'libs'))) {
      infoLog('no bundled/libs next to the extension (development checkout?): pygls must be importable another way');
    }
    const serverOptions: ServerOptions = {
      command: search.found.command,
      args: ['-S', '-m', 'flask_preflight', 'lsp'],
      options: { cwd: this.extensionPath, env },
    };
    const interpreters = await this.interpreters.snapshot();
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
        ...PROJECT_FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
      ],
      outputChannel: logChannel(),
      traceOutputChannel: logChannel(),
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      synchronize: { configurationSection: SECTION },
      initializationOptions: {
        trusted: isTrusted(),
        interpreters,
        settings: folderSettings(workspaceFolders()[0]),
      },
      // A crash loop must not spam: VS Code's default handler gives up after five restarts.
    };
    const client = new LanguageClient('flaskPreflight', 'Flask Preflight', serverOptions, clientOptions);
    client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => this.statusEmitter.fire(params));
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) this.stateEmitter.fire('stopped');
      if (e.newState === State.Running) this.stateEmitter.fire('running');
    });
    this.client = client;
    try {
      await client.start();
      await client.setTrace(traceFor(getLogLevel()));
      // The language client resets its trace from \`flaskPreflight.trace.server\` (unset: off) on
      // every configuration change, ours or not: listening after it puts the logLevel's back.
      this.traceKeeper?.dispose();
      this.traceKeeper = onDidChangeConfiguration(() => void client.setTrace(traceFor(getLogLevel())));
      infoLog(`language server started with ${search.found.command} (Python ${search.found.version})`);
    } catch (err) {
      this.stateEmitter.fire('failed');
      errorLog(`language server failed to start: ${String(err)}`);
    }
  }

  private async stopNow(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.traceKeeper?.dispose();
    this.traceKeeper = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (err) {
        errorLog(`stopping the language server: ${String(err)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  dispose(): void {
    void this.stop();
    this.statusEmitter.dispose();
    this.stateEmitter.dispose();
  }
}
