import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { findRequirementFiles, pipInstallArgs, venvOfInterpreter, venvPython } from '../../client/src/projectVenv';
import { atLeast, parseProbeOutput } from '../../client/src/pythonVersion';

describe('server Python version probe', () => {
  test('parses the two probe lines', () => {
    assert.deepEqual(parseProbeOutput('3.9.18\n/usr/bin/python3.9\n'), { version: [3, 9, 18], executable: '/usr/bin/python3.9' });
    assert.equal(parseProbeOutput('Python 2.7.18'), undefined);
    assert.equal(parseProbeOutput(''), undefined);
  });

  test('3.9 is the floor', () => {
    assert.equal(atLeast([3, 9, 0], [3, 9]), true);
    assert.equal(atLeast([3, 12, 1], [3, 9]), true);
    assert.equal(atLeast([3, 8, 19], [3, 9]), false);
    assert.equal(atLeast([2, 7, 18], [3, 9]), false);
  });
});

describe('project virtualenvs on disk', () => {
  test('the venv of an interpreter; requirement files, requirements.txt first', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-venvs-'));
    try {
      for (const name of ['zz-env', 'venv', '.venv', 'not-a-venv']) fs.mkdirSync(path.join(root, name));
      for (const name of ['zz-env', 'venv', '.venv']) fs.writeFileSync(path.join(root, name, 'pyvenv.cfg'), 'home = /usr/bin\n');
      fs.writeFileSync(path.join(root, 'requirements-dev.txt'), '');
      fs.writeFileSync(path.join(root, 'requirements.txt'), '');
      assert.equal(venvOfInterpreter(path.join(root, '.venv', 'bin', 'python')), path.join(root, '.venv'));
      assert.equal(venvOfInterpreter(path.join(root, 'not-a-venv', 'bin', 'python')), undefined);
      assert.deepEqual(findRequirementFiles(root), ['requirements.txt', 'requirements-dev.txt']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('pip arguments: -r for requirement files, -e for a pyproject project', () => {
    assert.deepEqual(pipInstallArgs('requirements.txt'), ['-r', 'requirements.txt']);
    assert.deepEqual(pipInstallArgs('pyproject.toml'), ['-e', '.']);
    assert.deepEqual(pipInstallArgs('svc/pyproject.toml'), ['-e', 'svc']);
  });

  test('interpreter path per platform', () => {
    assert.equal(venvPython('/p/.venv', 'linux'), path.join('/p/.venv', 'bin', 'python'));
    assert.equal(venvPython('/p/.venv', 'win32'), path.join('/p/.venv', 'Scripts', 'python.exe'));
  });
});
