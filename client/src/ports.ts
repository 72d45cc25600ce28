/** Free-port selection and probing a port until an HTTP server answers on it (Node only, no VS Code). */

import * as http from 'node:http';
import * as net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** True when nothing listens on host:port (we can bind it ourselves). */
export function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** A port the OS reports free right now. */
export function freePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface PortChoice {
  port: number;
  /** True when the preferred port was taken and another one was picked. */
  changed: boolean;
}

export async function choosePort(preferred: number, host: string = LOOPBACK): Promise<PortChoice> {
  if (Number.isInteger(preferred) && preferred > 0 && preferred < 65536 && (await isPortFree(preferred, host))) {
    return { port: preferred, changed: false };
  }
  return { port: await freePort(host), changed: true };
}

/** One HTTP request; resolves to the status code, or undefined when nothing answered. */
export function httpStatus(url: string, timeoutMs = 2000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.once('timeout', () => {
      request.destroy();
      resolve(undefined);
    });
    request.once('error', () => resolve(undefined));
  });
}

export interface ProbeOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. */
  intervalMs?: number;
  /** Checked before every attempt: stop at once when the process died. */
  stillRunning?: () => boolean;
  signal?: AbortSignal;
}

export type ProbeResult = { answered: true; status: number } | { answered: false; reason: 'exited' | 'timeout' | 'aborted' };

/** Polls `url` until any HTTP response comes back (a 404 still means the app is up). */
export async function probeUntilAnswer(url: string, options: ProbeOptions): Promise<ProbeResult> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  for (;;) {
    if (options.signal?.aborted) {
      return { answered: false, reason: 'aborted' };
    }
    if (options.stillRunning && !options.stillRunning()) {
      return { answered: false, reason: 'exited' };
    }
    const status = await httpStatus(url, Math.min(2000, Math.max(100, deadline - Date.now())));
    if (status !== undefined) {
      return { answered: true, status };
    }
    if (Date.now() >= deadline) {
      return { answered: false, reason: 'timeout' };
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
