/** The run command the server returns: validation, display and environment merging (pure). */

export type RunMode = 'dev' | 'gunicorn' | 'waitress';

export interface RunAppArgs {
  uri: string;
  app: string;
  mode: RunMode;
}

export interface RunCommand {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
  url: string;
  target: string;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value as Record<string, unknown>).every((v) => typeof v === 'string')
  );
}

/** Checks the server's answer; throws with a message a user can read when it is malformed. */
export function parseRunCommand(value: unknown): RunCommand {
  if (typeof value !== 'object' || value === null) {
    throw new Error('the language server returned no run command');
  }
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.argv) || v.argv.length === 0 || !v.argv.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new Error('the run command has no program to start');
  }
  if (typeof v.cwd !== 'string' || v.cwd.length === 0) {
    throw new Error('the run command has no working directory');
  }
  const port = typeof v.port === 'number' ? v.port : Number.NaN;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error('the run command has no valid port');
  }
  const env = v.env === undefined || v.env === null ? {} : v.env;
  if (!isStringRecord(env)) {
    throw new Error('the run command has a malformed environment');
  }
  return {
    argv: v.argv as string[],
    cwd: v.cwd,
    env,
    port,
    url: typeof v.url === 'string' && v.url.length > 0 ? v.url : `http://127.0.0.1:${port}/`,
    target: typeof v.target === 'string' ? v.target : '',
  };
}

/** Quotes an argv for DISPLAY only (it is never handed to a shell). */
export function displayArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The child's environment: the editor's own, minus variables that would make the app's
 * interpreter load another environment's packages, plus what the server asked for.
 */
export function childEnv(base: NodeJS.ProcessEnv, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && key !== 'PYTHONHOME' && key !== 'PYTHONPATH') {
      env[key] = value;
    }
  }
  env.PYTHONUNBUFFERED = '1';
  return { ...env, ...extra };
}

export function isRunMode(value: unknown): value is RunMode {
  return value === 'dev' || value === 'gunicorn' || value === 'waitress';
}

export function parseRunAppArgs(value: unknown): RunAppArgs | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  if (typeof v.uri !== 'string' || typeof v.app !== 'string' || !isRunMode(v.mode)) {
    return undefined;
  }
  return { uri: v.uri, app: v.app, mode: v.mode };
}

/** "running with …" */
export function modePhrase(mode: RunMode): string {
  return mode === 'dev' ? 'the development server' : modeTitle(mode);
}

export function modeTitle(mode: RunMode): string {
  switch (mode) {
    case 'dev':
      return 'development server';
    case 'gunicorn':
      return 'Gunicorn';
    default:
      return 'Waitress';
  }
}
