/** The status-bar item: the environment state of the active folder, and the fixes on click. */

import * as path from 'node:path';
import * as vscode from 'vscode';
import { type StatusAction, type StatusParams, statusActions, statusView } from './statusText';
import { activeEditor, createStatusBarItem, executeCommand, folderOf, showQuickPick, workspaceFolders } from './vscodeapi';

export const STATUS_ACTIONS_COMMAND = 'flaskPreflight.showStatusActions';

interface ActionItem extends vscode.QuickPickItem {
  action: StatusAction;
}

const LABELS: Record<StatusAction, (p: StatusParams) => ActionItem> = {
  selectProjectVenv: (p) => ({ action: 'selectProjectVenv', label: '$(check) Select the project virtualenv', detail: p.interpreter?.project_venv ?? undefined }),
  createVenv: () => ({ action: 'createVenv', label: '$(add) Create a virtualenv and install the requirements' }),
  recreateVenv: (p) => ({ action: 'recreateVenv', label: '$(refresh) Recreate the virtualenv and install the requirements', detail: p.interpreter?.reason ?? undefined }),
  showProblems: () => ({ action: 'showProblems', label: '$(warning) Show the problems' }),
  setInterpreter: () => ({ action: 'setInterpreter', label: '$(gear) Set the interpreter path (flaskPreflight.python)' }),
  showOutput: () => ({ action: 'showOutput', label: '$(output) Show the Flask Preflight output' }),
  dismissTerminalWarning: () => ({ action: 'dismissTerminalWarning', label: '$(close) Dismiss "terminal uses another Python"' }),
};

export class StatusBar implements vscode.Disposable {
  private readonly item = createStatusBarItem('flaskPreflight.status', 100);
  private readonly byFolder = new Map<string, StatusParams>();
  private serverState = 'starting';
  private terminalWarning: string | undefined;

  constructor() {
    this.item.name = 'Flask Preflight';
    this.item.command = STATUS_ACTIONS_COMMAND;
    this.render();
  }

  update(params: StatusParams): void {
    this.byFolder.set(params.folderUri, params);
    this.render();
  }

  /** The last "terminal uses another Python" explanation, or undefined once fixed/dismissed. */
  setTerminalWarning(summary: string | undefined): void {
    if (this.terminalWarning === summary) return;
    this.terminalWarning = summary;
    this.render();
  }

  setServerState(state: string): void {
    this.serverState = state;
    if (state !== 'running') {
      // A new server sends its own status; an old one's would be stale.
      this.byFolder.clear();
    }
    this.render();
  }

  current(): StatusParams | undefined {
    const editor = activeEditor();
    const folder = editor ? folderOf(editor.document.uri) : undefined;
    const key = (folder ?? workspaceFolders()[0])?.uri.toString();
    if (key !== undefined && this.byFolder.has(key)) {
      return this.byFolder.get(key);
    }
    // The server may spell folder URIs differently (trailing slash, escaping): compare paths.
    for (const [uri, params] of this.byFolder) {
      if (key !== undefined && vscode.Uri.parse(uri).fsPath === vscode.Uri.parse(key).fsPath) {
        return params;
      }
    }
    return this.byFolder.size === 1 ? [...this.byFolder.values()][0] : undefined;
  }

  render(): void {
    const params = this.current();
    if (!params) {
      if (this.serverState === 'failed' || this.serverState === 'stopped') {
        this.item.text = '$(error) Flask Preflight';
        this.item.tooltip = 'Flask Preflight: the language server is not running (see "Flask Preflight: Show Output"). Click for actions.';
      } else {
        this.item.text = '$(sync~spin) Flask Preflight';
        this.item.tooltip = 'Flask Preflight: checking the environment…';
      }
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const view = statusView(params, this.terminalWarning);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  async pickAction(): Promise<void> {
    const params = this.current();
    const actions: StatusAction[] = params ? statusActions(params, this.terminalWarning) : ['showOutput'];
    const items = actions.map((a) => (params ? LABELS[a](params) : LABELS[a]({ folderUri: '', trusted: false, interpreter: null, counts: { error: 0, warning: 0, information: 0, hint: 0 } })));
    const picked = await showQuickPick(items, { placeHolder: params ? statusView(params, this.terminalWarning).tooltip.split('\n')[1] : 'Flask Preflight' });
    if (!picked) {
      return;
    }
    const folderPath = params ? vscode.Uri.parse(params.folderUri).fsPath : workspaceFolders()[0]?.uri.fsPath;
    // The server names the project venv relative to the folder.
    const absolute = (p: string | null | undefined) =>
      p && folderPath && !path.isAbsolute(p) ? path.join(folderPath, p) : (p ?? undefined);
    switch (picked.action) {
      case 'selectProjectVenv':
        await executeCommand('flaskPreflight.selectProjectVenv', absolute(params?.interpreter?.project_venv));
        break;
      case 'createVenv':
        await executeCommand('flaskPreflight.createVenv', folderPath, null);
        break;
      case 'recreateVenv':
        await executeCommand('flaskPreflight.createVenv', folderPath, null, absolute(params?.interpreter?.venv_root ?? params?.interpreter?.project_venv));
        break;
      case 'showProblems':
        await executeCommand('workbench.actions.view.problems');
        break;
      case 'setInterpreter':
        await executeCommand('workbench.action.openSettings', 'flaskPreflight.python');
        break;
      case 'showOutput':
        await executeCommand('flaskPreflight.showOutput');
        break;
      case 'dismissTerminalWarning':
        this.setTerminalWarning(undefined);
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
