/**
 * Watches the integrated terminal through shell integration: commands of interest go to the
 * server's engine when they end; a mismatch between the terminal's Python and the selected one
 * is said once, with fixes that type into the terminal only when clicked.
 */

import * as vscode from 'vscode';
import { EXPLAIN_TERMINAL_RUN_REQUEST, TERMINAL_RUN_STARTED_NOTIFICATION } from './constants';
import type { LanguageServer } from './languageServer';
import { debugLog, errorLog, infoLog, warnLog } from './logging';
import type { StatusBar } from './statusBar';
import {
  type Explanation,
  type ExplanationFix,
  activationFor,
  appendBounded,
  fixButtons,
  isCommandOfInterest,
  mismatchKey,
  showsSelectedInterpreter,
} from './terminalRuns';
import { folderOf, isTrusted, onDidGrantWorkspaceTrust, showInformationMessage, showWarningMessage, workspaceFolders } from './vscodeapi';

/** How long a new terminal may take to report shell integration before we say it is off. */
const SHELL_INTEGRATION_GRACE_MS = 15_000;

interface Running {
  output: string;
  reading: Promise<void>;
}

export class TerminalWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly running = new Map<vscode.TerminalShellExecution, Running>();
  private readonly said = new Set<string>();
  private unavailableSaid = false;
  /** Terminals we activated a venv in (on the user's click): their VIRTUAL_ENV, for the server. */
  private readonly activated = new WeakMap<vscode.Terminal, string>();
  /** The venv new terminals activate (after "Activate in every new terminal"). */
  private newTerminalsVenv: string | undefined;
  private started = false;

  constructor(
    private readonly server: LanguageServer,
    private readonly statusBar: StatusBar,
    private readonly environment: vscode.GlobalEnvironmentVariableCollection,
  ) {}

  start(): void {
    if (!isTrusted()) {
      infoLog('terminal watching is off: the workspace is not trusted');
      this.disposables.push(onDidGrantWorkspaceTrust(() => this.start()));
      return;
    }
    if (this.started) return;
    if (vscode.workspace.getConfiguration('flaskPreflight').get<boolean>('watchTerminal', true) === false) {
      infoLog('terminal watching is off (flaskPreflight.watchTerminal)');
      return;
    }
    this.started = true;
    const window = vscode.window as Partial<typeof vscode.window>;
    if (typeof window.onDidEndTerminalShellExecution !== 'function' || typeof window.onDidStartTerminalShellExecution !== 'function') {
      this.sayUnavailable('this VS Code has no terminal shell-integration API');
      return;
    }
    if (vscode.workspace.getConfiguration('terminal.integrated').get<boolean>('shellIntegration.enabled') === false) {
      this.sayUnavailable('terminal.integrated.shellIntegration.enabled is off');
    }
    this.disposables.push(
      vscode.window.onDidStartTerminalShellExecution((e) => this.onStart(e)),
      vscode.window.onDidEndTerminalShellExecution((e) => void this.onEnd(e)),
      vscode.window.onDidOpenTerminal((t) => {
        if (this.newTerminalsVenv) this.activated.set(t, this.newTerminalsVenv);
        this.expectShellIntegration(t);
      }),
    );
    for (const terminal of vscode.window.terminals) this.expectShellIntegration(terminal);
    infoLog('watching the integrated terminal (shell integration) for python, pip, flask and gunicorn commands');
  }

  private sayUnavailable(why: string): void {
    if (this.unavailableSaid) return;
    this.unavailableSaid = true;
    warnLog(`terminal commands are not explained: shell integration is unavailable (${why})`);
  }

  /** Says once when a terminal never reports shell integration. */
  private expectShellIntegration(terminal: vscode.Terminal): void {
    if (terminal.shellIntegration || this.unavailableSaid) return;
    const timer = setTimeout(() => {
      if (!terminal.shellIntegration && terminal.exitStatus === undefined) {
        this.sayUnavailable(`terminal "${terminal.name}" did not activate it; its shell may not support it`);
      }
    }, SHELL_INTEGRATION_GRACE_MS);
    const listener = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal === terminal) {
        clearTimeout(timer);
        listener.dispose();
        infoLog(`shell integration active in terminal "${terminal.name}"`);
      }
    });
    this.disposables.push(listener, { dispose: () => clearTimeout(timer) });
  }

  private onStart(e: vscode.TerminalShellExecutionStartEvent): void {
    const commandLine = e.execution.commandLine.value;
    // The command line may be known only at the end (low confidence at the start): read then.
    if (commandLine.trim() && !isCommandOfInterest(commandLine)) return;
    const entry: Running = { output: '', reading: Promise.resolve() };
    // read() must be called at once: it yields only what is written after the call.
    const stream = e.execution.read();
    entry.reading = (async () => {
      for await (const data of stream) entry.output = appendBounded(entry.output, data);
    })().catch((err: unknown) => debugLog(`reading the terminal: ${String(err)}`));
    this.running.set(e.execution, entry);
    if (!commandLine.trim()) return;
    void this.server.notify(TERMINAL_RUN_STARTED_NOTIFICATION, { commandLine, cwd: e.execution.cwd?.fsPath ?? null, folderUri: this.folderUri(e.execution) });
  }

  private folderUri(execution: vscode.TerminalShellExecution): string | null {
    const folder = execution.cwd ? folderOf(execution.cwd) : undefined;
    return (folder ?? workspaceFolders()[0])?.uri.toString() ?? null;
  }

  private async onEnd(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const entry = this.running.get(e.execution);
    if (!entry) return;
    this.running.delete(e.execution);
    await entry.reading;
    if (!isCommandOfInterest(e.execution.commandLine.value)) return;
    const params = {
      commandLine: e.execution.commandLine.value,
      cwd: e.execution.cwd?.fsPath ?? null,
      exitCode: e.exitCode ?? null,
      output: entry.output,
      folderUri: this.folderUri(e.execution),
      // What we know of this terminal's environment: the venv we activated in it, if any.
      environ: this.activated.has(e.terminal) ? { VIRTUAL_ENV: this.activated.get(e.terminal) } : null,
    };
    let explanation: Explanation | null | undefined;
    try {
      explanation = await this.server.request<Explanation | null>(EXPLAIN_TERMINAL_RUN_REQUEST, params);
    } catch (err) {
      errorLog(`explaining "${params.commandLine}" failed: ${String(err)}`);
      return;
    }
    if (!explanation) return;
    debugLog(`terminal: "${params.commandLine}" -> ${explanation.kind}`);
    if (showsSelectedInterpreter(explanation)) {
      this.statusBar.setTerminalWarning(undefined);
    }
    if (explanation.kind === 'none') return;
    infoLog(`terminal: ${explanation.summary}`);
    await this.say(explanation, e.terminal);
  }

  private async say(explanation: Explanation, terminal: vscode.Terminal): Promise<void> {
    const key = mismatchKey(explanation);
    if (key !== undefined) {
      this.statusBar.setTerminalWarning(explanation.summary);
      if (this.said.has(key)) return; // a mismatch is said once
      this.said.add(key);
    } else if (this.said.has(explanation.summary)) {
      return;
    } else {
      this.said.add(explanation.summary);
    }
    const buttons = fixButtons(explanation);
    const show = key !== undefined ? showWarningMessage : showInformationMessage;
    const picked = await show(explanation.summary, ...buttons.map((b) => b.title));
    const fix = buttons.find((b) => b.title === picked);
    if (fix) await this.apply(fix, terminal);
  }

  /** Runs a fix the user clicked: typed into the terminal, or the new-terminal activation. */
  async apply(fix: ExplanationFix, terminal: vscode.Terminal): Promise<void> {
    if (fix.kind === 'activate-new-terminals') {
      const venvRoot = fix.argv[0];
      if (!venvRoot) return;
      const { binDir, virtualEnv } = activationFor(venvRoot, process.platform === 'win32');
      const sep = process.platform === 'win32' ? ';' : ':';
      // Also after the shell's rc files ran (shell integration): they often reset PATH.
      const when = { applyAtProcessCreation: true, applyAtShellIntegration: true };
      this.environment.prepend('PATH', `${binDir}${sep}`, when);
      this.environment.replace('VIRTUAL_ENV', virtualEnv, when);
      this.environment.description = `Flask Preflight: activates ${virtualEnv}`;
      this.newTerminalsVenv = virtualEnv;
      this.statusBar.setTerminalWarning(undefined);
      infoLog(`new terminals will activate ${virtualEnv} (PATH and VIRTUAL_ENV)`);
      void showInformationMessage(`New terminals in this workspace will use ${virtualEnv}. Open a new terminal, or relaunch this one.`);
      return;
    }
    if (!fix.command) return;
    terminal.show();
    terminal.sendText(fix.command, true);
    if (fix.kind === 'activate') {
      const venvRoot = fix.argv[0];
      if (venvRoot) this.activated.set(terminal, venvRoot);
      this.statusBar.setTerminalWarning(undefined);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.running.clear();
  }
}
