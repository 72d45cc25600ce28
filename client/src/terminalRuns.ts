/**
 * What the terminal watcher decides without VS Code: which commands to send to the server,
 * how an explanation's fixes become buttons, and when to say a mismatch (once). Pure, so it
 * is unit-tested; the explanation itself comes from the server's engine.
 */

export interface ExplanationFix {
  kind: string;
  title: string;
  command: string | null;
  argv: string[];
}

export interface Explanation {
  kind: string;
  summary: string;
  command_line: string;
  starts_app: boolean;
  exit_code: number | null;
  interpreter: { ran: string | null; evidence: string | null; certain: boolean; selected: string | null; mismatch: boolean; is_selected: boolean | null };
  location: { path: string; line: number } | null;
  fixes: ExplanationFix[];
  folderUri?: string;
}

/** Program names (without directory or .exe) whose commands are sent to the server. */
const PROGRAMS = new Set(['python', 'python3', 'py', 'pip', 'pip3', 'flask', 'gunicorn', 'uwsgi', 'waitress-serve', 'uv', 'poetry']);
const VERSIONED = /^(python|pip)\d+(\.\d+)?$/;

/** The first program word of a command line, after `VAR=value` assignments and `env`. */
export function programOf(commandLine: string): string | undefined {
  const words = commandLine.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || words[i] === 'env' || words[i] === 'time')) i++;
  const word = words[i];
  if (!word) return undefined;
  const name = word.replace(/^["']|["']$/g, '').split(/[\\/]/).pop() ?? '';
  return name.toLowerCase().replace(/\.exe$/, '');
}

/** Whether the server should see this command (python, pip, flask, gunicorn, uv run, ...). */
export function isCommandOfInterest(commandLine: string): boolean {
  const program = programOf(commandLine);
  if (!program) return false;
  if (program === 'uv' || program === 'poetry') return /\brun\b/.test(commandLine);
  return PROGRAMS.has(program) || VERSIONED.test(program);
}

/** Keeps the last `limit` characters: the end of the output holds the error. */
export function appendBounded(buffer: string, data: string, limit = 200_000): string {
  const joined = buffer + data;
  return joined.length > limit ? joined.slice(joined.length - limit) : joined;
}

/** The key under which a mismatch is said once: the same two interpreters are said once. */
export function mismatchKey(explanation: Explanation): string | undefined {
  if (!explanation.interpreter.mismatch) return undefined;
  return `${explanation.kind}: ${explanation.interpreter.ran ?? '?'} -> ${explanation.interpreter.selected ?? '?'}`;
}

/** Whether this run shows the terminal now runs the selected interpreter (the warning can go). */
export function showsSelectedInterpreter(explanation: Explanation): boolean {
  const { mismatch, is_selected: isSelected } = explanation.interpreter;
  return !mismatch && isSelected === true;
}

/** Fix kinds that type text into the terminal (only when the user clicks them). */
export const TYPED_FIXES = new Set(['rerun', 'activate', 'install', 'pin', 'use-port', 'name-app']);

/** At most `max` buttons for a notification, the terminal-typing ones needing a command. */
export function fixButtons(explanation: Explanation, max = 4): ExplanationFix[] {
  return explanation.fixes
    .filter((fix) => fix.kind === 'activate-new-terminals' || (TYPED_FIXES.has(fix.kind) && !!fix.command))
    .slice(0, max);
}

/** The PATH entry and VIRTUAL_ENV that activate a venv in new terminals. */
export function activationFor(venvRoot: string, windows: boolean): { binDir: string; virtualEnv: string } {
  const sep = windows ? '\\' : '/';
  const root = venvRoot.replace(/[\\/]+$/, '');
  return { binDir: `${root}${sep}${windows ? 'Scripts' : 'bin'}`, virtualEnv: root };
}
