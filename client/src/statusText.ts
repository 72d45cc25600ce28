/** What the status bar says for each environment state: pure, so it is unit-tested without VS Code. */

export type EnvState = 'ok' | 'no-venv' | 'venv-not-selected' | 'venv-broken' | 'no-interpreter';

export interface InterpreterSummary {
  path?: string | null;
  version?: string | null;
  is_venv?: boolean;
  venv_root?: string | null;
  healthy?: boolean;
  reason?: string | null;
  state?: string;
  project_venv?: string | null;
  /** Every project venv the server found (absolute, best first): offered by "select venv". */
  project_venvs?: string[];
  how_chosen?: string | null;
  source?: string | null;
}

export interface ProblemCounts {
  error: number;
  warning: number;
  information: number;
  hint: number;
}

export interface StatusParams {
  folderUri: string;
  trusted: boolean;
  interpreter: InterpreterSummary | null;
  counts: ProblemCounts;
}

/** What the server chose for a folder (from its status notification). */
export interface ServerChoice {
  path: string | null;
  projectVenvs: string[];
}

/** The server's choice in a status notification, read defensively (it is wire data). */
export function serverChoiceOf(params: StatusParams): ServerChoice {
  const interpreter = params.interpreter;
  const venvs = interpreter?.project_venvs;
  return {
    path: typeof interpreter?.path === 'string' ? interpreter.path : null,
    projectVenvs: Array.isArray(venvs) ? venvs.filter((v): v is string => typeof v === 'string') : [],
  };
}

export interface StatusView {
  text: string;
  tooltip: string;
  severity: 'ok' | 'warning' | 'error';
}

/** The fixes offered when the status item is clicked, in order; the client maps ids to commands. */
export type StatusAction =
  | 'selectProjectVenv'
  | 'createVenv'
  | 'recreateVenv'
  | 'showProblems'
  | 'setInterpreter'
  | 'showOutput'
  | 'dismissTerminalWarning';

const KNOWN_STATES: readonly string[] = ['ok', 'no-venv', 'venv-not-selected', 'venv-broken', 'no-interpreter'];

export function stateOf(params: StatusParams): EnvState {
  const state = params.interpreter?.state;
  if (state !== undefined && KNOWN_STATES.includes(state)) {
    return state as EnvState;
  }
  return params.interpreter?.path ? 'ok' : 'no-interpreter';
}

/** Last path component of a POSIX or Windows path. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const parts = trimmed.split(/[\\/]/);
  return parts[parts.length - 1] || trimmed;
}

/** "3.11.4" -> "3.11"; anything unparseable is returned as is. */
export function shortVersion(version: string | null | undefined): string | undefined {
  if (!version) {
    return undefined;
  }
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  return match ? `${match[1]}.${match[2]}` : version.trim();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function countsText(counts: ProblemCounts): string {
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  const others = counts.information + counts.hint;
  if (others > 0) {
    parts.push(`${others} info`);
  }
  return parts.join(', ');
}

function howChosenText(how: string | null | undefined): string | undefined {
  switch (how) {
    case 'explicit':
      return 'selected in settings';
    case 'python-extension':
      return 'selected in the Python extension';
    case 'project-venv':
    case 'auto':
      return 'picked automatically';
    case 'path':
      return 'first Python on PATH (picked automatically)';
    case undefined:
    case null:
    case '':
      return undefined;
    default:
      return how;
  }
}

/** The status-bar text while the terminal runs another Python than the selected one. */
export const TERMINAL_WARNING_TEXT = '$(warning) Terminal uses another Python';

/**
 * `terminalWarning` (the last mismatch said about a terminal) turns a healthy state into a
 * warning until it is fixed or dismissed; worse states keep their own text.
 */
export function statusView(params: StatusParams, terminalWarning?: string): StatusView {
  const view = environmentView(params);
  if (!terminalWarning) {
    return view;
  }
  const lines = view.tooltip.split('\n');
  lines.splice(lines.length - 1, 0, `Terminal: ${terminalWarning}`);
  if (view.severity !== 'ok') {
    return { ...view, tooltip: lines.join('\n') };
  }
  const text = params.trusted ? TERMINAL_WARNING_TEXT : `$(shield) ${TERMINAL_WARNING_TEXT}`;
  return { text, tooltip: lines.join('\n'), severity: 'warning' };
}

function environmentView(params: StatusParams): StatusView {
  const interp = params.interpreter ?? {};
  const state = stateOf(params);
  const version = shortVersion(interp.version);
  const venvName = interp.venv_root ? baseName(interp.venv_root) : undefined;
  const projectVenvName = interp.project_venv ? baseName(interp.project_venv) : undefined;
  let text: string;
  let severity: StatusView['severity'];
  switch (state) {
    case 'ok': {
      const name = venvName ?? 'Python';
      text = `$(check) ${version ? `${name} · ${version}` : name}`;
      severity = 'ok';
      break;
    }
    case 'no-venv':
      text = '$(warning) No virtualenv';
      severity = 'warning';
      break;
    case 'venv-not-selected':
      text = `$(warning) ${projectVenvName ?? 'venv'} not selected`;
      severity = 'warning';
      break;
    case 'venv-broken':
      text = '$(error) venv broken';
      severity = 'error';
      break;
    default:
      text = '$(error) No Python';
      severity = 'error';
      break;
  }
  if (!params.trusted) {
    text = `$(shield) ${text}`;
  }
  const lines: string[] = ['Flask Preflight'];
  lines.push(`Interpreter: ${interp.path ?? 'none found'}${version ? ` (Python ${version})` : ''}`);
  const how = howChosenText(interp.how_chosen);
  if (how) {
    const auto = interp.source === 'auto' && !how.includes('automatically') ? ' (picked automatically)' : '';
    lines.push(`Chosen: ${how}${auto}`);
  } else if (interp.source === 'auto') {
    lines.push('Chosen: picked automatically');
  }
  if (projectVenvName && state === 'venv-not-selected') {
    lines.push(`Project virtualenv: ${interp.project_venv}`);
  }
  if (interp.reason) {
    lines.push(`Problem: ${interp.reason}`);
  }
  lines.push(`Problems: ${countsText(params.counts)}`);
  if (!params.trusted) {
    lines.push('Restricted mode: nothing in the workspace is run until you trust it.');
  }
  lines.push('Click for actions.');
  return { text, tooltip: lines.join('\n'), severity };
}

export function statusActions(params: StatusParams, terminalWarning?: string): StatusAction[] {
  const actions: StatusAction[] = terminalWarning ? ['dismissTerminalWarning'] : [];
  switch (stateOf(params)) {
    case 'venv-not-selected':
      actions.push('selectProjectVenv');
      break;
    case 'no-venv':
    case 'no-interpreter':
      actions.push('createVenv');
      break;
    case 'venv-broken':
      actions.push('recreateVenv');
      break;
    default:
      break;
  }
  const c = params.counts;
  if (c.error + c.warning + c.information + c.hint > 0) {
    actions.push('showProblems');
  }
  actions.push('setInterpreter', 'showOutput');
  return actions;
}
