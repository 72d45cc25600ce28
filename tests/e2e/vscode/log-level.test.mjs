// flaskPreflight.logLevel "trace" also turns on the language client's message trace, in the
// one Flask Preflight output channel (read from the extension host's log file).
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
  work = h.scratch('log-level');
  server = await h.startCodeServer({ vsix: VSIX, settings: { 'flaskPreflight.logLevel': 'trace' } });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function channelLog() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'Flask Preflight.log') found.push(full);
    }
  };
  walk(path.join(server.userData, 'logs'));
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

test('logLevel trace: LSP messages are traced in the Flask Preflight channel', async () => {
  const project = h.copyExample('unguarded-run', work);
  const page = await h.openWorkbench(browser, server, project);
  await h.openFile(page, 'app.py');
  await h.waitFor('the APP001 squiggle', async () => (await h.squiggles(page, 'warning')).length > 0);
  const log = await h.waitFor('traced LSP messages in the channel', () => {
    const text = channelLog();
    return /Received notification 'textDocument\/publishDiagnostics'/.test(text) ? text : undefined;
  });
  assert.match(log, /\[Trace - [^\]]+\] Sending (notification|response|request) '/);
  assert.match(log, /language server started with/);

  // Any configuration change (here, one that is not ours) leaves the trace on: the language
  // client resets its own trace on every change, and the extension puts the logLevel's back.
  const minimaps = () => page.locator('.monaco-editor .minimap:visible').count();
  const shown = await minimaps();
  await h.runCommand(page, 'View: Toggle Minimap'); // writes editor.minimap.enabled
  await h.waitFor('the setting applied (the minimap toggled)', async () => (await minimaps()) !== shown);
  const didChange = /Sending notification 'textDocument\/didChange'/g;
  const before = (channelLog().match(didChange) ?? []).length;
  await page.locator('.monaco-editor .view-line').first().click();
  await page.keyboard.press('End');
  await page.keyboard.type(' # edited');
  await h.waitFor('a traced didChange after the configuration change', () => (channelLog().match(didChange) ?? []).length > before);
});
