/** Parsing and comparing the Python version a candidate interpreter reports (pure). */

export const VERSION_PROBE = 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)';

export interface ProbedPython {
  version: [number, number, number];
  executable: string;
}

/** Reads the two lines printed by VERSION_PROBE; undefined for anything else. */
export function parseProbeOutput(stdout: string): ProbedPython | undefined {
  const [first, second] = stdout.trim().split(/\r?\n/);
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec((first ?? '').trim());
  if (!match) {
    return undefined;
  }
  return {
    version: [Number(match[1]), Number(match[2]), Number(match[3])],
    executable: (second ?? '').trim(),
  };
}

export function atLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    const a = version[i] ?? 0;
    if (a !== minimum[i]) {
      return a > minimum[i];
    }
  }
  return true;
}

export const SERVER_MIN_PYTHON: readonly number[] = [3, 9];
