// End to end in a real VS Code (code-server + Chromium) with the built VSIX installed: what a
// user sees on the examples. Run by scripts/test.sh after `make vsix`; screenshots go to
// test-artifacts/vscode/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as h from './harness.mjs';

const VSIX = process.env.FLASK_PREFLIGHT_VSIX ?? path.join(h.REPO, `flask-preflight-${JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8')).version}.vsix`);
const DEV_PYTHON = path.join(h.REPO, '.venv', 'bin', 'python');

/** A real venv with the example's pinned Flask and Gunicorn, cached by tests/venvs.py. */
function gunicornVenv() {
  const requirements = fs
    .readFileSync(path.join(h.REPO, 'examples', 'hello-ok', 'requirements.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const code = `import sys; sys.path.insert(0, ${JSON.stringify(h.REPO)}); from tests.venvs import make_venv, venv_python; print(venv_python(make_venv("e2e-gunicorn", ${JSON.stringify(requirements)})))`;
  return execFileSync(DEV_PYTHON, ['-c', code], { encoding: 'utf8', timeout: 600000 }).trim();
}

function makeVenv(dir) {
  execFileSync(DEV_PYTHON, ['-m', 'venv', '--without-pip', dir], { timeout: 120000 });
}

/** A venv whose base interpreter is gone: what ENV003 and the "venv broken" state are about. */
function makeBrokenVenv(dir) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(path.join(dir, 'lib', 'python3.11', 'site-packages'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'pyvenv.cfg'), 'home = /nonexistent-python/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n');
  fs.symlinkSync('/nonexistent-python/bin/python3.11', path.join(bin, 'python'));
  fs.symlinkSync('python', path.join(bin, 'python3'));
}

let server;
let browser;
let work;
const pages = [];

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run make vsix first`);
  work = h.scratch('projects');
  server = await h.startCodeServer({ vsix: VSIX });
  browser = await h.launchBrowser();
});

after(async () => {
  for (const page of pages) await page.context().close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** A test whose failure leaves a screenshot of the page it was on. */
function e2e(name, fn) {
  test(name, async () => {
    const before = pages.length;
    try {
      await fn();
    } catch (err) {
      const page = pages[pages.length - 1];
      if (page && pages.length > before) {
        const slug = name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 50);
        await h.screenshot(page, `FAILED-${slug}`).catch(() => undefined);
      }
      throw err;
    }
  });
}

async function open(folder) {
  const page = await h.openWorkbench(browser, server, folder);
  pages.push(page);
  return page;
}

/** The URL of the "… answers on URL" notification, once the app answered. */
async function answeredUrl(page) {
  return h.waitFor('the "answers on" notification', async () => {
    for (const text of await h.notifications(page)) {
      const match = /answers on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (match) return match[1];
    }
    return undefined;
  }, { timeoutMs: 90000 });
}

async function waitForStatus(page, pattern, what) {
  return h.waitFor(`status bar to show ${what}`, async () => {
    const status = await h.flaskStatus(page);
    return pattern.test(status.text) ? status : undefined;
  });
}

describe('Flask Preflight in VS Code', () => {
  e2e('APP001: squiggle on the app.run line, hover names the rule, quick fix adds the guard', async () => {
    const project = h.copyExample('unguarded-run', work);
    const page = await open(project);
    await h.openFile(page, 'app.py');

    const [squiggle] = await h.waitFor('a warning squiggle', async () => {
      const found = await h.squiggles(page, 'warning');
      return found.length > 0 ? found : undefined;
    });
    assert.match(squiggle.line, /^app\.run\(debug=True, port=5000\)$/);

    // The hover over the squiggle says which rule fired.
    const hover = await h.hoverSquiggle(page, 'APP001');
    assert.match(await hover.innerText(), /APP001/);
    await h.screenshot(page, 'app001-hover');

    // The project has no venv and the interpreter is the PATH Python.
    const status = await waitForStatus(page, /No virtualenv/, '"No virtualenv"');
    assert.match(status.label, /Interpreter: \//);
    await h.screenshot(page, 'status-no-venv');
    await h.screenshotStatusBar(page, 'status-no-venv-bar');

    // Quick fix from the lightbulb menu (Ctrl+.) on the flagged line. Code lenses may have
    // moved the line since the hover (or while clicking): the click is checked.
    await page.keyboard.press('Escape');
    await h.clickSquiggle(page);
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: /__main__|guard/i }).first();
    await fix.waitFor({ state: 'visible', timeout: 30000 });
    await h.screenshot(page, 'app001-quickfix');
    await h.applyCodeAction(page, /__main__/);

    const lines = await h.waitFor('the guarded form in the editor', async () => {
      const text = await h.editorLines(page);
      const guard = text.findIndex((l) => /^if __name__ == ["']__main__["']:$/.test(l));
      return guard >= 0 && /^\s+app\.run\(debug=True, port=5000\)$/.test(text[guard + 1] ?? '') ? text : undefined;
    });
    assert.ok(!lines.some((l) => /^app\.run\(/.test(l)), 'the unguarded call is gone');
    await h.waitFor('the squiggle to go away', async () => (await h.squiggles(page, 'warning')).length === 0);
    await h.screenshot(page, 'app001-fixed');
  });

  e2e('status bar: the project venv, picked automatically', async () => {
    const project = h.copyExample('hello-ok', work, 'hello-with-venv');
    makeVenv(path.join(project, '.venv'));
    const page = await open(project);
    await h.openFile(page, 'app.py');
    const status = await waitForStatus(page, /\.venv · 3\.\d+/, '".venv · 3.x"');
    assert.match(status.label, new RegExp(`Interpreter: ${project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.venv/bin/python`));
    assert.match(status.label, /automatically/);
    await h.screenshot(page, 'status-venv-ok');
    await h.screenshotStatusBar(page, 'status-venv-ok-bar');
  });

  e2e('status bar: a broken venv', async () => {
    const broken = h.copyExample('hello-ok', work, 'hello-broken-venv');
    makeBrokenVenv(path.join(broken, '.venv'));
    const page = await open(broken);
    await h.openFile(page, 'app.py');
    const status = await waitForStatus(page, /venv broken/, '"venv broken"');
    assert.match(status.label, /Problem: /);
    await h.screenshot(page, 'status-venv-broken');
    await h.screenshotStatusBar(page, 'status-venv-broken-bar');
  });

  e2e('Run App (Gunicorn): the configured port is taken, another is picked, the app answers', async () => {
    const python = gunicornVenv();
    const project = h.copyExample('hello-ok', work, 'hello-gunicorn');
    const blocker = net.createServer();
    const taken = await new Promise((resolve) => blocker.listen(0, '127.0.0.1', () => resolve(blocker.address().port)));
    try {
      fs.mkdirSync(path.join(project, '.vscode'));
      fs.writeFileSync(path.join(project, '.vscode', 'settings.json'), JSON.stringify({ 'flaskPreflight.python': python, 'flaskPreflight.gunicornPort': taken }));
      const page = await open(project);
      await h.openFile(page, 'app.py');
      await waitForStatus(page, /· 3\.\d+/, 'the selected venv');
      // The server's code lenses are what the command uses to find the app.
      await page.locator('.codelens-decoration', { hasText: 'Run with Gunicorn' }).first().waitFor({ timeout: 60000 });

      await h.runCommand(page, 'Flask Preflight: Run App (Gunicorn)');
      await page.locator('.notification-toast', { hasText: `port ${taken} is taken` }).first().waitFor({ timeout: 60000 });
      const url = await answeredUrl(page);
      assert.notEqual(new URL(url).port, String(taken));
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), 'Hello, World!');
      assert.match(response.headers.get('server') ?? '', /gunicorn/i);
      await h.screenshot(page, 'run-gunicorn');
    } finally {
      blocker.close();
    }
  });

  e2e('Run with dev server (code lens): flask run answers on the configured port', async () => {
    const python = gunicornVenv();
    const project = h.copyExample('hello-ok', work, 'hello-dev-server');
    const port = await h.freePort();
    fs.mkdirSync(path.join(project, '.vscode'));
    fs.writeFileSync(path.join(project, '.vscode', 'settings.json'), JSON.stringify({ 'flaskPreflight.python': python, 'flaskPreflight.devServerPort': port }));
    const page = await open(project);
    await h.openFile(page, 'app.py');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Run with dev server' }).first();
    await lens.waitFor({ timeout: 60000 });
    await lens.click();
    const url = await answeredUrl(page);
    assert.equal(url, `http://127.0.0.1:${port}/`);
    const response = await fetch(url);
    assert.equal(await response.text(), 'Hello, World!');
    assert.match(response.headers.get('server') ?? '', /Werkzeug/);
    await h.screenshot(page, 'run-dev-server');

    // Running it again replaces the first run: same port, not "port taken".
    await h.runCommand(page, 'Notifications: Clear All Notifications');
    await h.waitFor('the notifications to clear', async () => (await h.notifications(page)).length === 0);
    await lens.click();
    assert.equal(await answeredUrl(page), url);
    assert.equal(await page.locator('.notification-toast', { hasText: 'is taken' }).count(), 0);
  });

  e2e('status bar: another venv selected; the click offers the project venv and selects it', async () => {
    const other = gunicornVenv();
    const project = h.copyExample('hello-ok', work, 'hello-other-venv');
    makeVenv(path.join(project, '.venv'));
    fs.mkdirSync(path.join(project, '.vscode'));
    const settingsFile = path.join(project, '.vscode', 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ 'flaskPreflight.python': other }));
    const page = await open(project);
    await h.openFile(page, 'app.py');
    await waitForStatus(page, /\.venv not selected/, '".venv not selected"');
    await h.screenshot(page, 'status-venv-not-selected');
    await h.screenshotStatusBar(page, 'status-venv-not-selected-bar');

    await page.locator('[id="flask-preflight.flask-preflight.flaskPreflight.status"]').click();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Select the project virtualenv' }).first();
    await row.waitFor({ state: 'visible', timeout: 20000 });
    await h.screenshot(page, 'status-actions');
    await row.click();

    await waitForStatus(page, /\.venv · 3\.\d+/, '".venv · 3.x" after selecting it');
    const written = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    assert.equal(written['flaskPreflight.python'], '${workspaceFolder}/.venv/bin/python');
  });

  e2e('Run App (Gunicorn): an app that dies on import is reported, with a jump to the line', async () => {
    const python = gunicornVenv();
    const project = h.copyExample('hello-ok', work, 'hello-dies');
    const source = fs.readFileSync(path.join(project, 'app.py'), 'utf8');
    fs.writeFileSync(path.join(project, 'app.py'), source.replace('app = Flask(__name__)\n', 'app = Flask(__name__)\nraise RuntimeError("SECRET_KEY is not set")\n'));
    fs.mkdirSync(path.join(project, '.vscode'));
    fs.writeFileSync(path.join(project, '.vscode', 'settings.json'), JSON.stringify({ 'flaskPreflight.python': python }));
    const page = await open(project);
    await h.openFile(page, 'app.py');
    await page.locator('.codelens-decoration', { hasText: 'Run with Gunicorn' }).first().waitFor({ timeout: 60000 });

    await h.runCommand(page, 'Flask Preflight: Run App (Gunicorn)');
    const toast = page.locator('.notification-toast', { hasText: 'stopped before answering' }).first();
    await toast.waitFor({ state: 'visible', timeout: 90000 });
    assert.match(await toast.innerText(), /RuntimeError: SECRET_KEY is not set/);
    await h.screenshot(page, 'run-failure');
    await toast.locator('.monaco-button', { hasText: 'Go to app.py:4' }).click();
    await page.locator('.statusbar-item', { hasText: /Ln 4, Col 1/ }).waitFor({ timeout: 20000 });
  });

  e2e('status bar: no venv; the click creates .venv and installs the requirements', async () => {
    const project = h.copyExample('hello-ok', work, 'hello-create-venv');
    const page = await open(project);
    await h.openFile(page, 'app.py');
    await waitForStatus(page, /No virtualenv/, '"No virtualenv"');

    await page.locator('[id="flask-preflight.flask-preflight.flaskPreflight.status"]').click();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Create a virtualenv' }).first();
    await row.waitFor({ state: 'visible', timeout: 20000 });
    await row.click();

    const ready = page.locator('.notification-toast', { hasText: '.venv is ready with requirements.txt installed' }).first();
    await ready.waitFor({ state: 'visible', timeout: 300000 });
    const status = await waitForStatus(page, /\.venv · 3\.\d+/, '".venv · 3.x" after creating it');
    assert.match(status.label, /automatically/);
    // The server sees what pip installed: the missing-requirement errors go away.
    await h.waitFor('no more errors once the requirements are installed', async () => /Problems: 0 errors/.test((await h.flaskStatus(page)).label), { timeoutMs: 60000 });
    await h.screenshot(page, 'create-venv');
    // The real pip put the pinned Flask into the new venv, and nothing was written outside it.
    const python = path.join(project, '.venv', 'bin', 'python');
    const version = execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("flask"))'], { encoding: 'utf8' }).trim();
    assert.equal(version, '3.1.3');
    assert.deepEqual(fs.readdirSync(project).sort(), ['.venv', 'app.py', 'requirements.txt']);
  });

  e2e('Run App with an error-level problem asks first; "Run anyway" runs it', async () => {
    const python = gunicornVenv();
    const project = h.copyExample('hello-ok', work, 'hello-with-error');
    // A declared requirement that the venv lacks: DEP001, an error.
    fs.appendFileSync(path.join(project, 'requirements.txt'), 'flask-preflight-e2e-not-installed==1.0\n');
    fs.mkdirSync(path.join(project, '.vscode'));
    fs.writeFileSync(path.join(project, '.vscode', 'settings.json'), JSON.stringify({ 'flaskPreflight.python': python, 'flaskPreflight.gunicornPort': await h.freePort() }));
    const page = await open(project);
    await h.openFile(page, 'app.py');
    await h.waitFor('the error count in the status tooltip', async () => /Problems: [1-9]\d* error/.test((await h.flaskStatus(page)).label));
    await page.locator('.codelens-decoration', { hasText: 'Run with Gunicorn' }).first().waitFor({ timeout: 60000 });

    await h.runCommand(page, 'Flask Preflight: Run App (Gunicorn)');
    const ask = page.locator('.notification-toast', { hasText: 'will likely stop the app from running' }).first();
    await ask.locator('.monaco-button', { hasText: 'Run anyway' }).waitFor({ state: 'visible', timeout: 30000 });
    await h.screenshot(page, 'run-ask-errors');
    assert.equal(await page.locator('.notification-toast', { hasText: 'answers on' }).count(), 0, 'nothing started before the answer');
    await ask.locator('.monaco-button', { hasText: 'Run anyway' }).click();
    const response = await fetch(await answeredUrl(page));
    assert.equal(await response.text(), 'Hello, World!');
  });

  e2e('DEP001 quick fix on requirements.txt installs them into the selected venv', async () => {
    const project = h.copyExample('hello-ok', work, 'hello-install');
    execFileSync(DEV_PYTHON, ['-m', 'venv', path.join(project, '.venv')], { timeout: 120000 });
    const page = await open(project);
    await h.openFile(page, 'requirements.txt');
    await h.waitFor('the DEP001 errors', async () => /Problems: [1-9]\d* error/.test((await h.flaskStatus(page)).label));
    await h.clickSquiggle(page, 'error');
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: /install/i }).first();
    await fix.waitFor({ state: 'visible', timeout: 30000 });
    await h.screenshot(page, 'dep001-quickfix');
    await h.applyCodeAction(page, /^Install the requirements/);

    await page.locator('.notification-toast', { hasText: 'installed requirements.txt' }).first().waitFor({ timeout: 300000 });
    const python = path.join(project, '.venv', 'bin', 'python');
    const version = execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("gunicorn"))'], { encoding: 'utf8' }).trim();
    assert.equal(version, '23.0.0');
    // The server notices what pip wrote into site-packages.
    await h.waitFor('the errors to go away', async () => /Problems: 0 errors/.test((await h.flaskStatus(page)).label), { timeoutMs: 60000 });
  });
});
