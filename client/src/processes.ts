/** Running a program from an argv list (never a shell string) and collecting its output. */

import { execFile, spawn } from 'node:child_process';

export interface Completed {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs argv to completion with a timeout; never rejects (a missing program gives code null). */
export function runToCompletion(argv: readonly string[], options: { timeoutMs: number; cwd?: string }): Promise<Completed> {
  return new Promise((resolve) => {
    execFile(
      argv[0],
      argv.slice(1),
      { timeout: options.timeoutMs, cwd: options.cwd, windowsHide: true, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Runs argv, streaming each output chunk to `onOutput`; resolves with the exit code. */
export function runStreaming(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; onOutput: (text: string) => void; signal?: AbortSignal },
): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: options.env, windowsHide: true, signal: options.signal });
    child.stdout.on('data', (d: Buffer) => options.onOutput(d.toString()));
    child.stderr.on('data', (d: Buffer) => options.onOutput(d.toString()));
    child.once('error', (err) => {
      options.onOutput(`${err.message}\n`);
      resolve(null);
    });
    child.once('close', (code) => resolve(code));
  });
}
