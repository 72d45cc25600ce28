import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Explanation, activationFor, appendBounded, fixButtons, isCommandOfInterest, mismatchKey, programOf, showsSelectedInterpreter } from '../../client/src/terminalRuns';
import { TERMINAL_WARNING_TEXT, statusActions, statusView, type StatusParams } from '../../client/src/statusText';

function explanation(extra: Partial<Explanation> = {}, interpreter: Partial<Explanation['interpreter']> = {}): Explanation {
  return {
    kind: 'wrong-interpreter',
    summary: 'This terminal ran /usr/bin/python3, not .venv/bin/python (selected): Flask 3.1.3 is installed in .venv only.',
    command_line: 'python app.py',
    starts_app: true,
    exit_code: 1,
    interpreter: { ran: '/usr/bin/python3', evidence: 'named in the command', certain: true, selected: '/p/.venv/bin/python', mismatch: true, is_selected: false, ...interpreter },
    location: { path: '/p/app.py', line: 1 },
    fixes: [
      { kind: 'rerun', title: 'Re-run with .venv/bin/python', command: '.venv/bin/python app.py', argv: ['/p/.venv/bin/python', 'app.py'] },
      { kind: 'activate', title: 'Activate .venv in this terminal', command: 'source /p/.venv/bin/activate', argv: [] },
      { kind: 'activate-new-terminals', title: 'Activate .venv in every new terminal', command: null, argv: ['/p/.venv'] },
      { kind: 'install', title: 'Install', command: null, argv: [] },
    ],
    ...extra,
  };
}

describe('which terminal commands go to the server', () => {
  test('python, pip, flask, gunicorn, uv run, with paths, versions and env assignments', () => {
    for (const line of ['python app.py', 'python3.12 -m flask run', '.venv/bin/python app.py', 'FLASK_DEBUG=1 flask run', 'pip install flask', 'pip3 install -r requirements.txt', '/usr/bin/gunicorn app:app', 'waitress-serve app:app', 'uv run flask run', 'poetry run python app.py', 'C:\\p\\.venv\\Scripts\\python.exe app.py', 'env X=1 python app.py']) {
      assert.equal(isCommandOfInterest(line), true, line);
    }
  });

  test('everything else is left alone', () => {
    for (const line of ['ls -la', 'git status', 'uv pip list', 'pythonista', 'cat app.py', '', '   ']) {
      assert.equal(isCommandOfInterest(line), false, line);
    }
    assert.equal(programOf('FLASK_APP=x .venv/bin/python3 app.py'), 'python3');
  });
});

describe('what is said, and how often', () => {
  test('a mismatch is keyed by both interpreters; a match clears the warning', () => {
    assert.equal(mismatchKey(explanation()), 'wrong-interpreter: /usr/bin/python3 -> /p/.venv/bin/python');
    // pip into another environment is another thing to say, even for the same two interpreters.
    assert.notEqual(mismatchKey(explanation({ kind: 'pip-installed-elsewhere' })), mismatchKey(explanation()));
    assert.equal(mismatchKey(explanation({}, { mismatch: false })), undefined);
    assert.equal(showsSelectedInterpreter(explanation({ kind: 'none' }, { mismatch: false, is_selected: true })), true);
    assert.equal(showsSelectedInterpreter(explanation({}, { mismatch: false, is_selected: null })), false);
    assert.equal(showsSelectedInterpreter(explanation()), false);
  });

  test('buttons: fixes that type a command, plus the new-terminal activation; none without a command', () => {
    assert.deepEqual(
      fixButtons(explanation()).map((f) => f.kind),
      ['rerun', 'activate', 'activate-new-terminals'],
    );
  });

  test('output is kept from the end', () => {
    assert.equal(appendBounded('abc', 'def', 4), 'cdef');
    assert.equal(appendBounded('', 'x', 4), 'x');
  });

  test('activation for new terminals: bin (or Scripts) first on PATH, VIRTUAL_ENV', () => {
    assert.deepEqual(activationFor('/p/.venv/', false), { binDir: '/p/.venv/bin', virtualEnv: '/p/.venv' });
    assert.deepEqual(activationFor('C:\\p\\.venv', true), { binDir: 'C:\\p\\.venv\\Scripts', virtualEnv: 'C:\\p\\.venv' });
  });
});

describe('status bar while the terminal uses another Python', () => {
  const ok: StatusParams = {
    folderUri: 'file:///p',
    trusted: true,
    interpreter: { path: '/p/.venv/bin/python', version: '3.12.1', is_venv: true, venv_root: '/p/.venv', state: 'ok' },
    counts: { error: 0, warning: 0, information: 0, hint: 0 },
  };

  test('a healthy state turns into the warning, with the explanation in the tooltip', () => {
    const view = statusView(ok, 'This terminal ran /usr/bin/python3, not .venv/bin/python (selected)');
    assert.equal(view.text, TERMINAL_WARNING_TEXT);
    assert.equal(view.severity, 'warning');
    assert.match(view.tooltip, /Terminal: This terminal ran \/usr\/bin\/python3/);
    assert.deepEqual(statusActions(ok, 'x').slice(0, 1), ['dismissTerminalWarning']);
  });

  test('without a warning (fixed or dismissed) the environment state is back', () => {
    assert.equal(statusView(ok).text, '$(check) .venv · 3.12');
    assert.equal(statusActions(ok).includes('dismissTerminalWarning'), false);
  });

  test('a worse environment state keeps its own text', () => {
    const broken = statusView({ ...ok, interpreter: { ...ok.interpreter, state: 'venv-broken' } }, 'x');
    assert.equal(broken.text, '$(error) venv broken');
  });
});
