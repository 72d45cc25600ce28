import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { childEnv, displayArgv, parseRunAppArgs, parseRunCommand } from '../../client/src/runCommand';

const good = {
  argv: ['/p/.venv/bin/python', '-m', 'gunicorn', '--bind', '127.0.0.1:8000', 'app:app'],
  cwd: '/p',
  env: { FLASK_DEBUG: '1' },
  port: 8000,
  url: 'http://127.0.0.1:8000/',
  target: 'app:app',
};

describe('run command from the server', () => {
  test('a well-formed answer is kept as an argv list', () => {
    const cmd = parseRunCommand(good);
    assert.deepEqual(cmd.argv, good.argv);
    assert.equal(cmd.port, 8000);
    assert.equal(cmd.url, 'http://127.0.0.1:8000/');
  });

  test('a missing url is derived from the port; a missing env is empty', () => {
    const cmd = parseRunCommand({ ...good, url: undefined, env: undefined, port: 5001 });
    assert.equal(cmd.url, 'http://127.0.0.1:5001/');
    assert.deepEqual(cmd.env, {});
  });

  test('malformed answers are refused with a readable reason', () => {
    assert.throws(() => parseRunCommand(null), /no run command/);
    assert.throws(() => parseRunCommand({ ...good, argv: 'python -m flask run' }), /no program/);
    assert.throws(() => parseRunCommand({ ...good, argv: [] }), /no program/);
    assert.throws(() => parseRunCommand({ ...good, cwd: '' }), /working directory/);
    assert.throws(() => parseRunCommand({ ...good, port: 70000 }), /port/);
    assert.throws(() => parseRunCommand({ ...good, env: { A: 1 } }), /environment/);
  });

  test('display quoting never changes what runs', () => {
    assert.equal(displayArgv(['/a b/python', '-m', 'flask', "it's"]), `'/a b/python' -m flask 'it'\\''s'`);
  });

  test("the child env drops the editor's PYTHONPATH/PYTHONHOME and adds the server's", () => {
    const env = childEnv({ PATH: '/bin', PYTHONPATH: '/x', PYTHONHOME: '/y', KEEP: undefined }, { FLASK_DEBUG: '1' });
    assert.deepEqual(env, { PATH: '/bin', PYTHONUNBUFFERED: '1', FLASK_DEBUG: '1' });
  });

  test('code lens arguments', () => {
    assert.deepEqual(parseRunAppArgs({ uri: 'file:///p/app.py', app: 'app', mode: 'gunicorn' }), { uri: 'file:///p/app.py', app: 'app', mode: 'gunicorn' });
    assert.equal(parseRunAppArgs({ uri: 'file:///p/app.py', app: 'app', mode: 'uwsgi' }), undefined);
    assert.equal(parseRunAppArgs('app'), undefined);
  });
});
