// Workspace trust in a real VS Code: restricted mode reads only, granting trust restarts the
// server with full features. Its own code-server, with workspace trust switched on.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as h from './harness.mjs';

const VSIX = process.env.FLASK_PREFLIGHT_VSIX ?? path.join(h.REPO, `flask-preflight-${JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8')).version}.vsix`);

let server;
let browser;
let work;
let page;

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run make vsix first`);
  work = h.scratch('trust');
  server = await h.startCodeServer({ vsix: VSIX, trust: true });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The Flask Preflight output channel, read from the extension host's log files. */
function channelLog() {
  const found = [];
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'Flask Preflight.log') found.push(full);
    }
  };
  walk(path.join(server.userData, 'logs'));
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

test('restricted mode: static squiggles only, no run lenses; granting trust restarts with full features', async () => {
  const project = h.copyExample('unguarded-run', work);
  page = await h.openWorkbench(browser, server, project);
  try {
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: "No, I don't trust the authors" }).click();
    await h.openFile(page, 'app.py');

    // The static check still works without running anything.
    const [squiggle] = await h.waitFor('the APP001 squiggle in restricted mode', async () => {
      const found = await h.squiggles(page, 'warning');
      return found.length > 0 ? found : undefined;
    });
    assert.match(squiggle.line, /^app\.run\(/);
    const restricted = await h.waitFor('the restricted-mode status', async () => {
      const status = await h.flaskStatus(page);
      return /Restricted mode/.test(status.label) ? status : undefined;
    });
    assert.match(restricted.label, /^shield/);
    assert.equal(await page.locator('.codelens-decoration', { hasText: /Run with/ }).count(), 0, 'no run lenses when untrusted');
    // The integrated terminal is not watched in restricted mode, and the channel says so.
    await h.waitFor('"terminal watching is off" in the output channel', () => /terminal watching is off: the workspace is not trusted/.test(channelLog()));
    assert.doesNotMatch(channelLog(), /watching the integrated terminal/);
    await h.screenshot(page, 'trust-restricted');

    // Grant trust the way a user does: the Restricted Mode item, then "Trust".
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().click();
    await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first().click();
    await page.locator('.tabs-container .tab', { hasText: 'app.py' }).first().click();
    await page.locator('.codelens-decoration', { hasText: 'Run with Gunicorn' }).first().waitFor({ timeout: 60000 });
    await h.waitFor('the status without restricted mode', async () => {
      const status = await h.flaskStatus(page);
      return status.text.length > 0 && !/Restricted mode/.test(status.label);
    });
    await h.screenshot(page, 'trust-granted');
    await h.waitFor('terminal watching on once trusted', () => /watching the integrated terminal/.test(channelLog()));
  } catch (err) {
    await h.screenshot(page, 'FAILED-trust').catch(() => undefined);
    throw err;
  }
});
