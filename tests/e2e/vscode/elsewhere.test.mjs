// Installed elsewhere, in a real VS Code (code-server + Chromium) with the built VSIX: `requests`
// is missing from the selected .venv but installed in the project's venv-old/; the DEP005
// error says so, and its "Select venv-old/" quick fix changes the interpreter and clears it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as h from './harness.mjs';

const VSIX = process.env.FLASK_PREFLIGHT_VSIX ?? path.join(h.REPO, `flask-preflight-${JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8')).version}.vsix`);
const DEV_PYTHON = path.join(h.REPO, '.venv', 'bin', 'python');

/** A copy, at `target`, of a real venv cached by tests/venvs.py. */
function copyVenv(name, requirements, target) {
  const code = `import sys; sys.path.insert(0, ${JSON.stringify(h.REPO)}); from tests.venvs import make_venv; print(make_venv(${JSON.stringify(name)}, ${JSON.stringify(requirements)}))`;
  const venv = execFileSync(DEV_PYTHON, ['-c', code], { encoding: 'utf8', timeout: 600000 }).trim();
  fs.cpSync(venv, target, { recursive: true, verbatimSymlinks: true });
  return path.join(target, 'bin', 'python');
}

let server;
let browser;
let work;

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run make vsix first`);
  work = h.scratch('elsewhere');
  server = await h.startCodeServer({ vsix: VSIX });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('DEP005 says requests is installed in venv-old/; selecting it from the lightbulb clears the error', async () => {
  const project = path.join(work, 'proj');
  fs.mkdirSync(path.join(project, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(project, 'requirements.txt'), 'flask\nrequests\n');
  fs.writeFileSync(path.join(project, 'app.py'), 'import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n');
  const chosen = copyVenv('flask', ['flask==3.1.3'], path.join(project, '.venv'));
  const other = copyVenv('elsewhere-requests', ['flask==3.1.3', 'requests==2.32.3'], path.join(project, 'venv-old'));
  // The oracle: only venv-old can import requests.
  assert.throws(() => execFileSync(chosen, ['-I', '-c', 'import requests'], { stdio: 'ignore' }));
  execFileSync(other, ['-I', '-c', 'import requests']);
  const settingsFile = path.join(project, '.vscode', 'settings.json');
  fs.writeFileSync(settingsFile, JSON.stringify({ 'flaskPreflight.python': chosen }));

  const page = await h.openWorkbench(browser, server, project);
  try {
    await h.openFile(page, 'app.py');
    const [squiggle] = await h.waitFor('the DEP005 error squiggle', async () => {
      const found = await h.squiggles(page, 'error');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(squiggle.line, 'import requests');

    // (the first diagnostics come before the other environments are read: wait for them)
    const hover = await h.hoverSquiggle(page, /installed in venv-old\/[\s\S]*DEP005/, 'error');
    // (this machine's python3 on PATH may hold another requests: then each place has its version)
    assert.match(await hover.innerText(), /requests (2\.32\.3 )?is installed in venv-old\/( \(2\.32\.3\))?[ ,].*not in \.venv\./);
    await h.screenshot(page, 'elsewhere-hover');

    await page.keyboard.press('Escape');
    await h.clickSquiggle(page, 'error');
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget .monaco-list-row', { hasText: /Select venv-old/ }).first().waitFor({ state: 'visible', timeout: 30000 });
    await h.screenshot(page, 'elsewhere-quickfix');
    await h.applyCodeAction(page, /^Select venv-old\//);

    // The workspace interpreter is now venv-old: the server re-reads it and the error goes.
    await h.waitFor('the interpreter setting to name venv-old', () => {
      const written = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
      return written['flaskPreflight.python'] === '${workspaceFolder}/venv-old/bin/python';
    });
    await h.waitFor('the error squiggle to go away', async () => (await h.squiggles(page, 'error')).length === 0, { timeoutMs: 60000 });
    await h.waitFor('no errors in the status', async () => /Problems: 0 errors/.test((await h.flaskStatus(page)).label), { timeoutMs: 60000 });
    await h.screenshot(page, 'elsewhere-selected');
  } catch (err) {
    await h.screenshot(page, 'FAILED-elsewhere').catch(() => undefined);
    throw err;
  }
});
