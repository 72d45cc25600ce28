// A fresh clone (no venv, a global Python without the requirements) in a real VS Code: the
// Problems panel shows the root cause first, and a handful of entries instead of hundreds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as h from './harness.mjs';

const VSIX = process.env.FLASK_PREFLIGHT_VSIX ?? path.join(h.REPO, `flask-preflight-${JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8')).version}.vsix`);
const DEV_PYTHON = path.join(h.REPO, '.venv', 'bin', 'python');

/** A distribution Python's layout with nothing installed, read statically (never run). */
function fakeGlobalPython(prefix) {
  const version = execFileSync(DEV_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
  fs.mkdirSync(path.join(prefix, 'lib', `python${version}`, 'site-packages'), { recursive: true });
  fs.mkdirSync(path.join(prefix, 'bin'));
  const python = path.join(prefix, 'bin', `python${version}`);
  fs.writeFileSync(python, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  return python;
}

function freshClone(root) {
  const packages = Array.from({ length: 25 }, (_, n) => `package-${n}`);
  fs.mkdirSync(path.join(root, 'views'), { recursive: true });
  fs.writeFileSync(path.join(root, 'requirements.txt'), ['flask', ...packages, ''].join('\n'));
  fs.writeFileSync(path.join(root, 'app.py'), 'from flask import Flask\n\napp = Flask(__name__)\n');
  for (let n = 0; n < 15; n++) {
    const imports = [0, 1, 2].map((k) => `import package_${(n + k) % 25}\n`).join('');
    fs.writeFileSync(path.join(root, 'views', `view_${n}.py`), `${imports}import flask\n`);
  }
  return root;
}

let server;
let browser;
let work;

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run make vsix first`);
  work = h.scratch('root-cause');
  const python = fakeGlobalPython(path.join(work, 'usr'));
  server = await h.startCodeServer({ vsix: VSIX, settings: { 'flaskPreflight.python': python } });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The Problems panel's rows, top to bottom: {kind: 'file' | 'marker' | 'related', text}. */
async function problemRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-row')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((row) => ({
        kind: row.querySelector('.marker-icon') ? 'marker' : row.querySelector('.resource-label, .monaco-icon-label.file-icon') ? 'file' : 'related',
        text: row.textContent.replace(/\u00a0/g, ' ').trim(),
        label: row.getAttribute('aria-label') ?? '',
      })),
  );
}

test('a fresh clone: the headline tops the Problems panel, the rest folded under it', async () => {
  const project = freshClone(path.join(work, 'fresh-clone'));
  const page = await h.openWorkbench(browser, server, project);
  try {
    // The start-up scan publishes every file's diagnostics: no file needs to be open.
    await h.runCommand(page, 'Problems: Focus on Problems View');
    const rows = await h.waitFor('the headline in the Problems panel', async () => {
      const found = await problemRows(page);
      return found.some((r) => /No virtualenv/.test(r.text)) ? found : undefined;
    }, { timeoutMs: 90000 });
    await h.screenshot(page, 'root-cause-problems');
    // Every problem of the workspace counts in the status bar (the list itself is virtual).
    const counts = await page.evaluate(() => [...document.querySelectorAll('.statusbar-item')].map((el) => el.getAttribute('aria-label') ?? '').find((label) => /Errors?: \d+/i.test(label)) ?? '');
    const total = [...counts.matchAll(/(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.ok(/Errors?: 1\b/i.test(counts) && total <= 20, `status bar problem counts: ${counts}`);
    const markers = rows.filter((r) => r.kind === 'marker');
    assert.ok(markers.length <= 20, JSON.stringify(rows, null, 1));
    assert.match(rows[0].text, /requirements\.txt/, JSON.stringify(rows, null, 1));
    assert.match(markers[0].text, /No virtualenv: all 26 requirements are missing/);
    // The folded findings are rows under it (the list is virtual: the first ones are on screen).
    assert.ok(rows.some((r) => r.kind === 'related' && /DEP001: `flask` is declared/.test(r.text)), JSON.stringify(rows, null, 1));
  } catch (err) {
    await h.screenshot(page, 'FAILED-root-cause').catch(() => undefined);
    throw err;
  }
});
