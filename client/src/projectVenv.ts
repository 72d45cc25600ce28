/** Finds a project's own virtualenvs on disk: top-level dirs holding a pyvenv.cfg (Node only). */

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Conventional names first, so ".venv" wins over a stray "build-env". */
const PREFERRED = ['.venv', 'venv', 'env', '.env'];

export function venvPython(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

/** Absolute paths of the virtualenvs at the top of `root`, best candidate first. */
export function findProjectVenvs(root: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const found = entries
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'pyvenv.cfg')))
    .map((e) => e.name);
  found.sort((a, b) => {
    const ia = PREFERRED.indexOf(a);
    const ib = PREFERRED.indexOf(b);
    return (ia < 0 ? PREFERRED.length : ia) - (ib < 0 ? PREFERRED.length : ib) || a.localeCompare(b);
  });
  return found.map((name) => path.join(root, name));
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
