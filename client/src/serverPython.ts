/** Finds the Python (3.9 or newer) that runs the language server itself. */

import { SERVER_MIN_PYTHON, VERSION_PROBE, atLeast, parseProbeOutput } from './pythonVersion';
import { debugLog, infoLog } from './logging';
import { runToCompletion } from './processes';

export interface ServerPython {
  command: string;
  version: string;
}

export interface ServerPythonSearch {
  found?: ServerPython;
  /** What was tried and why each was refused, for the notification and the log. */
  tried: string[];
}

/** Tries the setting first, then python3 and python on PATH (py -3 on Windows). */
export async function findServerPython(configured: string): Promise<ServerPythonSearch> {
  const candidates: string[][] = [];
  if (configured) {
    candidates.push([configured]);
  }
  candidates.push(['python3'], ['python']);
  if (process.platform === 'win32') {
    candidates.push(['py', '-3']);
  }
  const tried: string[] = [];
  for (const prefix of candidates) {
    const result = await runToCompletion([...prefix, '-I', '-c', VERSION_PROBE], { timeoutMs: 10000 });
    const probed = result.code === 0 ? parseProbeOutput(result.stdout) : undefined;
    const name = prefix.join(' ');
    if (!probed) {
      tried.push(`${name}: not runnable`);
      debugLog(`server python candidate ${name}: ${result.stderr.trim() || 'not found'}`);
      continue;
    }
    const version = probed.version.join('.');
    if (!atLeast(probed.version, SERVER_MIN_PYTHON)) {
      tried.push(`${name}: Python ${version} is too old`);
      continue;
    }
    const command = probed.executable || prefix[0];
    infoLog(`language server Python: ${command} (${version})`);
    return { found: { command, version }, tried };
  }
  return { tried };
}
