import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type StatusParams, baseName, countsText, serverChoiceOf, shortVersion, statusActions, statusView } from '../../client/src/statusText';

function params(interpreter: StatusParams['interpreter'], extra: Partial<StatusParams> = {}): StatusParams {
  return { folderUri: 'file:///p', trusted: true, interpreter, counts: { error: 0, warning: 0, information: 0, hint: 0 }, ...extra };
}

describe('status bar text per environment state', () => {
  test('ok with a venv: name and short version', () => {
    const view = statusView(params({ path: '/p/.venv/bin/python', version: '3.11.7', is_venv: true, venv_root: '/p/.venv', state: 'ok', source: 'auto', how_chosen: "the project's venv `.venv`" }));
    assert.equal(view.text, '$(check) .venv · 3.11');
    assert.equal(view.severity, 'ok');
    assert.match(view.tooltip, /Interpreter: \/p\/\.venv\/bin\/python \(Python 3\.11\)/);
    assert.match(view.tooltip, /picked automatically/);
  });

  test('no venv, not selected, broken, no interpreter', () => {
    assert.equal(statusView(params({ path: '/usr/bin/python3', state: 'no-venv' })).text, '$(warning) No virtualenv');
    assert.equal(statusView(params({ path: '/usr/bin/python3', state: 'venv-not-selected', project_venv: '.venv' })).text, '$(warning) .venv not selected');
    const broken = statusView(params({ path: '/p/.venv/bin/python', state: 'venv-broken', reason: 'base interpreter /x is gone' }));
    assert.equal(broken.text, '$(error) venv broken');
    assert.equal(broken.severity, 'error');
    assert.match(broken.tooltip, /Problem: base interpreter \/x is gone/);
    assert.equal(statusView(params(null)).text, '$(error) No Python');
  });

  test('an unknown state falls back on whether there is a path at all', () => {
    assert.equal(statusView(params({ path: '/usr/bin/python3', version: '3.12.1', state: 'something-new' })).text, '$(check) Python · 3.12');
  });

  test('untrusted workspaces are marked', () => {
    const view = statusView(params({ path: '/usr/bin/python3', state: 'no-venv' }, { trusted: false }));
    assert.equal(view.text, '$(shield) $(warning) No virtualenv');
    assert.match(view.tooltip, /Restricted mode/);
  });

  test('problem counts in the tooltip', () => {
    const view = statusView(params({ path: '/x', state: 'ok' }, { counts: { error: 1, warning: 3, information: 1, hint: 1 } }));
    assert.match(view.tooltip, /Problems: 1 error, 3 warnings, 2 info/);
    assert.equal(countsText({ error: 0, warning: 1, information: 0, hint: 0 }), '0 errors, 1 warning');
  });

  test('click offers the fix that matches the state first', () => {
    assert.deepEqual(statusActions(params({ state: 'venv-not-selected' })), ['selectProjectVenv', 'setInterpreter', 'showOutput']);
    assert.equal(statusActions(params({ state: 'no-venv' }))[0], 'createVenv');
    assert.equal(statusActions(params({ state: 'venv-broken' }))[0], 'recreateVenv');
    assert.ok(statusActions(params({ state: 'ok' }, { counts: { error: 1, warning: 0, information: 0, hint: 0 } })).includes('showProblems'));
  });

  test('helpers', () => {
    assert.equal(baseName('/a/b/.venv/'), '.venv');
    assert.equal(baseName('C:\\proj\\venv'), 'venv');
    assert.equal(shortVersion('3.9.18'), '3.9');
    assert.equal(shortVersion(null), undefined);
  });
});

describe("the server's interpreter choice", () => {
  test('read from the status notification, defensively', () => {
    const params = {
      folderUri: 'file:///p',
      trusted: true,
      counts: { error: 0, warning: 0, information: 0, hint: 0 },
      interpreter: { path: '/p/.venv/bin/python', project_venvs: ['/p/.venv', 7, '/p/venv'] as unknown as string[] },
    };
    assert.deepEqual(serverChoiceOf(params), { path: '/p/.venv/bin/python', projectVenvs: ['/p/.venv', '/p/venv'] });
    assert.deepEqual(serverChoiceOf({ ...params, interpreter: null }), { path: null, projectVenvs: [] });
  });
});
