/** Run App commands: ask the server for the argv, start it in a terminal, report up or why it died. */

import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageServer } from './languageServer';
import { errorLog, infoLog } from './logging';
import { choosePort, probeUntilAnswer } from './ports';
import { type RunAppArgs, type RunCommand, type RunMode, childEnv, displayArgv, modePhrase, modeTitle, parseRunAppArgs, parseRunCommand } from './runCommand';
import { folderSettings } from './settings';
import { parseFailure } from './traceback';
import {
  activeEditor,
  createPtyTerminal,
  diagnosticsOf,
  executeCommand,
  folderOf,
  isTrusted,
  openExternal,
  showErrorMessage,
  showFileAt,
  showInformationMessage,
  showQuickPick,
  showWarningMessage,
} from './vscodeapi';

export const RUN_APP_COMMAND = 'flaskPreflight.runApp';
export const GET_RUN_COMMAND = 'flaskPreflight.getRunCommand';
const DIAGNOSTIC_SOURCE = 'Flask Preflight';
const OUTPUT_TAIL = 64 * 1024;
const STARTUP_TIMEOUT_MS = 60_000;

/** A running app: its process, its terminal, and the output kept for the failure report. */
class RunningApp implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private opened = false;
  private pending: string[] = [];
  output = '';
  exited = false;
  exitCode: number | null = null;
  private child: ChildProcess | undefined;
  readonly exit: Promise<void>;
  private resolveExit!: () => void;

  constructor(readonly command: RunCommand) {
    this.exit = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  start(): void {
    this.write(`$ ${displayArgv(this.command.argv)}\n(in ${this.command.cwd})\n\n`);
    const child = spawn(this.command.argv[0], this.command.argv.slice(1), {
      cwd: this.command.cwd,
      env: childEnv(process.env, this.command.env),
      windowsHide: true,
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.received(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.received(d.toString()));
    child.once('error', (err) => {
      this.received(`${err.message}\n`);
      this.finished(null);
    });
    child.once('close', (code) => this.finished(code));
  }

  private received(text: string): void {
    this.output = (this.output + text).slice(-OUTPUT_TAIL);
    this.write(text);
  }

  private finished(code: number | null): void {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    this.write(`\n[process exited with code ${code ?? 'unknown'}]\n`);
    this.resolveExit();
  }

  private write(text: string): void {
    const converted = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.writeEmitter.fire(converted);
    else this.pending.push(converted);
  }

  open(): void {
    this.opened = true;
    for (const text of this.pending) this.writeEmitter.fire(text);
    this.pending = [];
  }

  close(): void {
    this.kill();
  }

  handleInput(data: string): void {
    // Ctrl+C in the terminal stops the app, as it would in a shell.
    if (data === '\x03') this.kill();
  }

  kill(): void {
    if (this.child && !this.exited) this.child.kill('SIGTERM');
  }
}

export class AppRunner implements vscode.Disposable {
  /** One run per app and mode: running it again replaces the previous run. */
  private readonly running = new Map<string, { app: RunningApp; terminal: vscode.Terminal }>();

  constructor(private readonly server: LanguageServer) {}

  /** Palette / editor-title entry point: find the app through the server's code lenses. */
  async runFromEditor(mode: 'dev' | 'gunicorn'): Promise<void> {
    const effective: RunMode = mode === 'gunicorn' && process.platform === 'win32' ? 'waitress' : mode;
    if (!this.refuseUntrusted()) return;
    const editor = activeEditor();
    if (!editor || editor.document.languageId !== 'python') {
      void showErrorMessage('Flask Preflight: open the Python module that creates your Flask app, then run this command again.');
      return;
    }
    const lenses = (await executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri)) ?? [];
    const apps = new Map<string, RunAppArgs>();
    for (const lens of lenses) {
      if (lens.command?.command !== RUN_APP_COMMAND) continue;
      const args = parseRunAppArgs(lens.command.arguments?.[0]);
      if (args) apps.set(args.app, { ...args, mode: effective });
    }
    if (apps.size === 0) {
      void showErrorMessage(`Flask Preflight: no Flask app found in ${path.basename(editor.document.fileName)}.`);
      return;
    }
    let chosen = [...apps.values()][0];
    if (apps.size > 1) {
      const picked = await showQuickPick([...apps.keys()].map((label) => ({ label })), { placeHolder: 'Which app?' });
      if (!picked) return;
      chosen = apps.get(picked.label) ?? chosen;
    }
    await this.run(chosen);
  }

  /** The code lens command: `{uri, app, mode}`. */
  async run(raw: unknown): Promise<void> {
    const args = parseRunAppArgs(raw);
    if (!args) {
      void showErrorMessage('Flask Preflight: Run App needs {uri, app, mode}.');
      return;
    }
    if (!this.refuseUntrusted()) return;
    const uri = vscode.Uri.parse(args.uri);
    const folder = folderOf(uri);
    if (!(await this.confirmDespiteErrors(folder))) return;

    const key = `${args.uri}|${args.app}|${args.mode}`;
    const previous = this.running.get(key);
    if (previous) {
      infoLog(`stopping the previous run of ${args.app} first`);
      previous.app.kill();
      await Promise.race([previous.app.exit, new Promise((r) => setTimeout(r, 5000))]);
      previous.terminal.dispose();
    }

    const settings = folderSettings(folder);
    const preferred = args.mode === 'dev' ? settings.devServerPort : settings.gunicornPort;
    const { port, changed } = await choosePort(preferred);
    if (changed) {
      void showInformationMessage(`Flask Preflight: port ${preferred} is taken, so the app runs on port ${port}.`);
    }

    let command: RunCommand;
    try {
      command = parseRunCommand(await this.server.executeServerCommand(GET_RUN_COMMAND, [{ ...args, port }]));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errorLog(`getRunCommand failed: ${message}`);
      void showErrorMessage(`Flask Preflight: cannot run ${args.app}: ${message}`);
      return;
    }
    infoLog(`running ${displayArgv(command.argv)} in ${command.cwd}`);
    const app = new RunningApp(command);
    const terminal = createPtyTerminal(`Flask: ${command.target || args.app} (${modeTitle(args.mode)})`, app);
    this.running.set(key, { app, terminal });
    void app.exit.then(() => {
      if (this.running.get(key)?.app === app) this.running.delete(key);
    });
    terminal.show(true);
    app.start();

    const probe = await probeUntilAnswer(command.url, { timeoutMs: STARTUP_TIMEOUT_MS, stillRunning: () => !app.exited });
    if (probe.answered && probe.status >= 500) {
      // Flask's reloader keeps serving when the app failed to import: every request is a 500.
      await this.reportFailure(app, folder, `answers on ${command.url} but with HTTP ${probe.status}`);
      return;
    }
    if (probe.answered) {
      infoLog(`${command.url} answered with HTTP ${probe.status}`);
      const open = 'Open in Browser';
      const choice = await showInformationMessage(
        `Flask Preflight: ${command.target || args.app} is running with ${modePhrase(args.mode)} and answers on ${command.url}`,
        open,
      );
      if (choice === open) void openExternal(command.url);
      return;
    }
    if (probe.reason === 'exited' || app.exited) {
      await this.reportFailure(app, folder);
      return;
    }
    void showWarningMessage(`Flask Preflight: ${command.target || args.app} did not answer on ${command.url} within ${STARTUP_TIMEOUT_MS / 1000} s; see its terminal.`);
  }

  private async reportFailure(app: RunningApp, folder: vscode.WorkspaceFolder | undefined, answered?: string): Promise<void> {
    const failure = parseFailure(app.output, folder?.uri.fsPath ?? app.command.cwd);
    const what = failure?.message ?? (answered ? 'see its terminal' : `it exited with code ${app.exitCode ?? 'unknown'}`);
    const headline = answered ? `the app ${answered}: ${what}` : `the app stopped before answering: ${what}`;
    errorLog(headline);
    const location = failure?.location;
    const jump = location ? `Go to ${path.basename(location.file)}:${location.line}` : undefined;
    const choice = await showErrorMessage(
      `Flask Preflight: ${headline}`,
      ...(jump ? [jump] : []),
    );
    if (location && choice === jump) {
      const file = path.isAbsolute(location.file) ? location.file : path.join(app.command.cwd, location.file);
      await showFileAt(file, location.line);
    }
  }

  private refuseUntrusted(): boolean {
    if (isTrusted()) return true;
    void showErrorMessage('Flask Preflight: running the app is disabled until you trust this workspace (it runs code from it).');
    return false;
  }

  private async confirmDespiteErrors(folder: vscode.WorkspaceFolder | undefined): Promise<boolean> {
    let errors = 0;
    for (const [uri, diagnostics] of diagnosticsOf()) {
      if (folder && folderOf(uri)?.uri.toString() !== folder.uri.toString()) continue;
      errors += diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && d.severity === vscode.DiagnosticSeverity.Error).length;
    }
    if (errors === 0) return true;
    const runAnyway = 'Run anyway';
    const showProblems = 'Show problems';
    const choice = await showWarningMessage(
      `Flask Preflight found ${errors} error${errors === 1 ? '' : 's'} that will likely stop the app from running.`,
      runAnyway,
      showProblems,
    );
    if (choice === showProblems) void executeCommand('workbench.actions.view.problems');
    return choice === runAnyway;
  }

  dispose(): void {
    for (const { app } of this.running.values()) app.kill();
    this.running.clear();
  }
}
