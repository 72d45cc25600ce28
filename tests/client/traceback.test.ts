import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFailure } from '../../client/src/traceback';

describe('traceback parsing', () => {
  test('the last line and the deepest project frame (gunicorn worker boot failure)', () => {
    const output = [
      '[2026-11-24 10:00:00 +0000] [10] [INFO] Booting worker with pid: 11',
      '[2026-11-24 10:00:00 +0000] [11] [ERROR] Exception in worker process',
      'Traceback (most recent call last):',
      '  File "/venv/lib/python3.11/site-packages/gunicorn/arbiter.py", line 608, in spawn_worker',
      '    worker.init_process()',
      '  File "/proj/app.py", line 3, in <module>',
      '    from helpers import thing',
      '  File "/proj/helpers.py", line 1, in <module>',
      '    import missing_package',
      '  File "/venv/lib/python3.11/site-packages/other.py", line 9, in <module>',
      '    raise X',
      "ModuleNotFoundError: No module named 'missing_package'",
      '[2026-11-24 10:00:00 +0000] [11] [INFO] Worker exiting (pid: 11)',
      'Reason: Worker failed to boot.',
    ].join('\n');
    const failure = parseFailure(output, '/proj');
    assert.equal(failure?.message, "ModuleNotFoundError: No module named 'missing_package'");
    assert.deepEqual(failure?.location, { file: '/proj/helpers.py', line: 1 });
  });

  test('without a project root the deepest frame wins', () => {
    const output = 'Traceback (most recent call last):\n  File "/a.py", line 1, in <module>\n  File "/b.py", line 7, in f\nValueError: bad\n';
    assert.deepEqual(parseFailure(output), { message: 'ValueError: bad', location: { file: '/b.py', line: 7 } });
  });

  test('the last traceback of several (chained exceptions)', () => {
    const output = [
      'Traceback (most recent call last):',
      '  File "/p/one.py", line 1, in <module>',
      'KeyError: 1',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/p/two.py", line 2, in <module>',
      'RuntimeError: second',
    ].join('\r\n');
    assert.deepEqual(parseFailure(output, '/p'), { message: 'RuntimeError: second', location: { file: '/p/two.py', line: 2 } });
  });

  test("flask's own error line, without a traceback", () => {
    const output = "Usage: python -m flask run [OPTIONS]\nTry 'python -m flask run --help' for help.\n\nError: Could not import 'nothere'.\n";
    assert.deepEqual(parseFailure(output), { message: "Error: Could not import 'nothere'." });
  });

  test('a syntax error reported by the compiler still has a location', () => {
    const output = '  File "/p/app.py", line 4\n    def f(:\n          ^\nSyntaxError: invalid syntax\n';
    assert.deepEqual(parseFailure(output, '/p'), { message: 'SyntaxError: invalid syntax', location: { file: '/p/app.py', line: 4 } });
  });

  test('ordinary output is not a failure', () => {
    assert.equal(parseFailure(' * Running on http://127.0.0.1:5000\nPress CTRL+C to quit\n'), undefined);
    assert.equal(parseFailure(''), undefined);
  });
});
