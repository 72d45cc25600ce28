/** Paths inside a project's virtualenv and requirement files (Node only). Which venv runs the
 * app is the server's choice (it scans; see interpreters.ts). */

import * as fs from 'node:fs';
import * as path from 'node:path';

export function venvPython(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

/** The venv directory an interpreter path belongs to (…/venv/bin/python -> …/venv), if any. */
export function venvOfInterpreter(interpreter: string): string | undefined {
  const dir = path.dirname(path.dirname(interpreter));
  return fs.existsSync(path.join(dir, 'pyvenv.cfg')) ? dir : undefined;
}

/** The requirement files at the top of a project, requirements.txt first. */
export function findRequirementFiles(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^requirements.*\.txt$/.test(n))
    .sort((a, b) => (a === 'requirements.txt' ? -1 : b === 'requirements.txt' ? 1 : a.localeCompare(b)));
}

/** pip's arguments for a requirements file, or for a project declared in pyproject.toml. */
export function pipInstallArgs(requirementsRel: string): string[] {
  if (requirementsRel.endsWith('.toml')) {
    const dir = path.posix.dirname(requirementsRel.split(path.sep).join('/'));
    return ['-e', dir === '' ? '.' : dir];
  }
  return ['-r', requirementsRel];
}
