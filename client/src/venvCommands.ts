/** Commands that create, select and fill the project's virtualenv. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceInterpreters } from './interpreters';
import { errorLog, infoLog, logChannel } from './logging';
import { runStreaming } from './processes';
import { findRequirementFiles, pipInstallArgs, venvPython } from './projectVenv';
import { SECTION, folderSettings } from './settings';
import { findServerPython } from './serverPython';
import {
  activeEditor,
  folderOf,
  getConfiguration,
  isTrusted,
  showErrorMessage,
  showInformationMessage,
  showQuickPick,
  withProgress,
  workspaceFolders,
} from './vscodeapi';

function inside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function folderFor(fsPath: string | undefined): vscode.WorkspaceFolder | undefined {
  if (fsPath) {
    const folder = folderOf(vscode.Uri.file(fsPath));
    if (folder) return folder;
  }
  // An interpreter outside the workspace (a global Python, an external venv): the folder the
  // user is working in, which is where the diagnostic with this fix came from.
  const editor = activeEditor();
  return (editor && folderOf(editor.document.uri)) || workspaceFolders()[0];
}

function refuseUntrusted(what: string): boolean {
  if (isTrusted()) return false;
  void showErrorMessage(`Flask Preflight: ${what} runs programs, so it is disabled until you trust this workspace.`);
  return true;
}

export class VenvCommands {
  constructor(private readonly interpreters: WorkspaceInterpreters) {}

  /** Creates (or, with `existingVenv`, recreates) a venv inside `root` and installs requirements. */
  async createVenv(root?: string, requirementsRel?: string | null, existingVenv?: string): Promise<boolean> {
    if (refuseUntrusted('creating a virtualenv')) return false;
    const folder = folderFor(root);
    const rootPath = root ?? folder?.uri.fsPath;
    if (!rootPath) {
      void showErrorMessage('Flask Preflight: open a folder first: the virtualenv is created inside it.');
      return false;
    }
    const venvDir = existingVenv && inside(existingVenv, rootPath) ? existingVenv : path.join(rootPath, '.venv');
    if (!inside(venvDir, rootPath)) {
      void showErrorMessage(`Flask Preflight: ${venvDir} is outside the workspace; nothing was written.`);
      return false;
    }
    const requirements = requirementsRel ?? findRequirementFiles(rootPath)[0] ?? null;
    const base = await findServerPython(folderSettings(folder).serverPython);
    if (!base.found) {
      void showErrorMessage(`Flask Preflight: no Python 3.9+ found to create the virtualenv (${base.tried.join(', ')}).`);
      return false;
    }
    const basePython = base.found.command;
    const ok = await this.interpreters.whilePaused(() => withProgress(`Flask Preflight: creating ${path.basename(venvDir)}`, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const log = (text: string) => logChannel().append(text);
      progress.report({ message: `python -m venv ${path.basename(venvDir)}` });
      const exists = fs.existsSync(path.join(venvDir, 'pyvenv.cfg'));
      const venvArgv = [basePython, '-m', 'venv', ...(exists || existingVenv ? ['--clear'] : []), venvDir];
      infoLog(`running ${venvArgv.join(' ')}`);
      if ((await runStreaming(venvArgv, { cwd: rootPath, onOutput: log, signal: abort.signal })) !== 0) {
        return false;
      }
      if (requirements) {
        progress.report({ message: `pip install -r ${requirements}` });
        const pipArgv = [venvPython(venvDir), '-m', 'pip', 'install', '--disable-pip-version-check', ...pipInstallArgs(requirements)];
        infoLog(`running ${pipArgv.join(' ')}`);
        if ((await runStreaming(pipArgv, { cwd: rootPath, onOutput: log, signal: abort.signal })) !== 0) {
          return false;
        }
      }
      return true;
    }));
    if (!ok) {
      errorLog(`creating ${venvDir} failed`);
      const show = 'Show Output';
      if ((await showErrorMessage(`Flask Preflight: creating ${path.basename(venvDir)} failed.`, show)) === show) {
        logChannel().show();
      }
      return false;
    }
    await this.useVenvIfSelectionPointsElsewhere(folder, venvDir);
    await this.interpreters.refreshAll(true);
    void showInformationMessage(
      `Flask Preflight: ${path.basename(venvDir)} is ready${requirements ? ` with ${requirements} installed` : ''}.`,
    );
    return true;
  }

  /** Points flaskPreflight.python at a project venv (asks which one when there are several). */
  async selectProjectVenv(venvDir?: string): Promise<boolean> {
    let chosen = venvDir;
    if (!chosen) {
      // The venvs the server found (it scans; the client does not).
      const found = this.interpreters.projectVenvs();
      if (found.length === 0) {
        const create = 'Create Virtualenv';
        if ((await showInformationMessage('Flask Preflight: this project has no virtualenv yet.', create)) === create) {
          return this.createVenv();
        }
        return false;
      }
      if (found.length === 1) {
        chosen = found[0];
      } else {
        const picked = await showQuickPick(
          found.map((dir) => ({ label: path.basename(dir), detail: dir })),
          { placeHolder: 'Which virtualenv runs this project?' },
        );
        chosen = picked?.detail;
      }
    }
    if (!chosen) return false;
    const folder = folderFor(chosen);
    await this.writeInterpreterSetting(folder, venvPython(chosen));
    await this.interpreters.refreshAll();
    infoLog(`selected ${venvPython(chosen)}`);
    return true;
  }

  /** Makes `python` (a venv's or any other interpreter) the workspace interpreter. */
  async selectInterpreter(python?: string): Promise<boolean> {
    if (!python) return false;
    if (!fs.existsSync(python)) {
      void showErrorMessage(`Flask Preflight: ${python} does not exist (any more); nothing was selected.`);
      return false;
    }
    // The folder the diagnostic came from, not the one the interpreter lives in (often none).
    const editor = activeEditor();
    const folder = (editor && folderOf(editor.document.uri)) || folderFor(python);
    await this.writeInterpreterSetting(folder, python);
    await this.interpreters.refreshAll();
    infoLog(`selected ${python}`);
    return true;
  }

  async installRequirements(interpreter?: string, requirementsRel?: string): Promise<boolean> {
    if (refuseUntrusted('installing requirements')) return false;
    const folder = folderFor(interpreter);
    const root = folder?.uri.fsPath;
    const python = interpreter ?? this.interpreters.serverChoice(folder)?.path ?? null;
    const requirements = requirementsRel ?? (root ? findRequirementFiles(root)[0] : undefined);
    if (!python || !requirements || !root) {
      void showErrorMessage('Flask Preflight: no interpreter or no requirements file to install.');
      return false;
    }
    const ok = await withProgress(`Flask Preflight: installing ${requirements}`, async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const argv = [python, '-m', 'pip', 'install', '--disable-pip-version-check', ...pipInstallArgs(requirements)];
      infoLog(`running ${argv.join(' ')}`);
      return (await runStreaming(argv, { cwd: root, onOutput: (t) => logChannel().append(t), signal: abort.signal })) === 0;
    });
    if (ok) {
      void showInformationMessage(`Flask Preflight: installed ${requirements}.`);
    } else {
      const show = 'Show Output';
      if ((await showErrorMessage(`Flask Preflight: installing ${requirements} failed.`, show)) === show) logChannel().show();
    }
    await this.interpreters.refreshAll(true);
    return ok;
  }

  private async useVenvIfSelectionPointsElsewhere(folder: vscode.WorkspaceFolder | undefined, venvDir: string): Promise<void> {
    const current = folderSettings(folder).python;
    if (current && path.resolve(current) !== path.resolve(venvPython(venvDir))) {
      await this.writeInterpreterSetting(folder, venvPython(venvDir));
    }
  }

  private async writeInterpreterSetting(folder: vscode.WorkspaceFolder | undefined, python: string): Promise<void> {
    const config = getConfiguration(SECTION, folder?.uri);
    const root = folder?.uri.fsPath;
    const value = root && inside(python, root) ? `\${workspaceFolder}/${path.relative(root, python).split(path.sep).join('/')}` : python;
    const target = folder && workspaceFolders().length > 1 ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    await config.update('python', value, folder ? target : vscode.ConfigurationTarget.Global);
  }
}
