/** Extension entry point: wires the server, interpreter choice, status bar, commands and trust. */

import * as vscode from 'vscode';
import { WorkspaceInterpreters } from './interpreters';
import { LanguageServer } from './languageServer';
import { createLogChannel, infoLog, logChannel, setLogLevel } from './logging';
import { AppRunner, RUN_APP_COMMAND } from './runApp';
import { SECTION, folderSettings, needsRestart } from './settings';
import { STATUS_ACTIONS_COMMAND, StatusBar } from './statusBar';
import { TerminalWatcher } from './terminalWatcher';
import { VenvCommands } from './venvCommands';
import {
  onDidChangeActiveTextEditor,
  onDidChangeConfiguration,
  onDidGrantWorkspaceTrust,
  registerCommand,
  workspaceFolders,
} from './vscodeapi';

let server: LanguageServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(createLogChannel());
  setLogLevel(folderSettings(workspaceFolders()[0]).logLevel);
  infoLog(`Flask Preflight ${String(context.extension.packageJSON.version)} activating`);

  const interpreters = new WorkspaceInterpreters();
  const statusBar = new StatusBar();
  server = new LanguageServer(context.extensionPath, interpreters);
  const runner = new AppRunner(server);
  const venvs = new VenvCommands(interpreters);
  const terminals = new TerminalWatcher(server, statusBar, context.environmentVariableCollection);
  context.subscriptions.push(interpreters, statusBar, server, runner, terminals);

  context.subscriptions.push(
    server.onStatus((params) => {
      interpreters.noteServerStatus(params);
      statusBar.update(params);
    }),
    server.onState((state) => statusBar.setServerState(state)),
    interpreters.onDidChange(({ folder, chosen, reread }) => {
      infoLog(`workspace interpreter for ${folder.name}: ${chosen.path ?? 'chosen by the server'} (${chosen.source})`);
      void server?.sendInterpreter(folder.uri.toString(), chosen, reread);
    }),
    onDidChangeActiveTextEditor(() => statusBar.render()),
    onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      setLogLevel(folderSettings(workspaceFolders()[0]).logLevel);
      server?.applyLogLevel();
      if (needsRestart(e)) {
        void server?.restart('flaskPreflight.serverPython changed');
      } else if (e.affectsConfiguration(`${SECTION}.python`)) {
        void interpreters.refreshAll();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void server?.restart('workspace folders changed')),
    // The server reads trust once, at initialize: a restart is what gives it full checks.
    onDidGrantWorkspaceTrust(() => void server?.restart('workspace trust granted')),
  );

  // A venv created or deleted outside the extension changes the automatic choice.
  const venvWatcher = vscode.workspace.createFileSystemWatcher('**/pyvenv.cfg');
  context.subscriptions.push(
    venvWatcher,
    venvWatcher.onDidCreate(() => void interpreters.refreshAll()),
    venvWatcher.onDidDelete(() => void interpreters.refreshAll()),
  );

  context.subscriptions.push(
    registerCommand('flaskPreflight.runDevServer', () => runner.runFromEditor('dev')),
    registerCommand('flaskPreflight.runGunicorn', () => runner.runFromEditor('gunicorn')),
    registerCommand(RUN_APP_COMMAND, (args: unknown) => runner.run(args)),
    registerCommand('flaskPreflight.createVenv', (root?: string, requirements?: string | null, existing?: string) =>
      venvs.createVenv(root, requirements, existing),
    ),
    registerCommand('flaskPreflight.selectProjectVenv', (venvDir?: string) => venvs.selectProjectVenv(venvDir)),
    registerCommand('flaskPreflight.selectInterpreter', (python?: string) => venvs.selectInterpreter(python)),
    registerCommand('flaskPreflight.installRequirements', (interpreter?: string, requirements?: string) =>
      venvs.installRequirements(interpreter, requirements),
    ),
    registerCommand('flaskPreflight.showOutput', () => logChannel().show()),
    registerCommand('flaskPreflight.restartServer', () => server?.restart('requested by the user')),
    registerCommand(STATUS_ACTIONS_COMMAND, () => statusBar.pickAction()),
  );

  await interpreters.initialize();
  await server.restart('activation');
  terminals.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}
