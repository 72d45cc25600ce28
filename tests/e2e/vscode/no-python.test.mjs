// With no Python anywhere (an empty PATH and no setting), the extension says so once and how
// to fix it, instead of failing silently or crash-looping.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as h from './harness.mjs';

const VSIX = process.env.FLASK_PREFLIGHT_VSIX ?? path.join(h.REPO, `flask-preflight-${JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8')).version}.vsix`);

let server;
let browser;
let work;

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run make vsix first`);
  work = h.scratch('no-python');
  const emptyBin = path.join(work, 'empty-bin');
  fs.mkdirSync(emptyBin);
  // VSCODE_CLI=1: the server would otherwise take PATH from a login shell's environment.
  server = await h.startCodeServer({ vsix: VSIX, env: { PATH: emptyBin, VSCODE_CLI: '1' } });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('no Python 3.9+: a notification that says how to fix it, and an error status', async () => {
  const project = h.copyExample('unguarded-run', work);
  const page = await h.openWorkbench(browser, server, project);
  try {
    await h.openFile(page, 'app.py');
    const toast = page.locator('.notification-toast', { hasText: 'needs Python 3.9 or newer' }).first();
    await toast.waitFor({ state: 'visible', timeout: 60000 });
    const text = await toast.innerText();
    assert.match(text, /flaskPreflight\.serverPython/);
    assert.match(text, /Open Settings/);
    await h.waitFor('the error status', async () => /Flask Preflight/.test((await h.flaskStatus(page)).text) && /not running/.test((await h.flaskStatus(page)).label));
    await h.screenshot(page, 'no-python');
  } catch (err) {
    await h.screenshot(page, 'FAILED-no-python').catch(() => undefined);
    throw err;
  }
});
