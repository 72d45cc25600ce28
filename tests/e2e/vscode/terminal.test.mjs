// The integrated terminal, end to end: a real bash terminal with shell integration in
// code-server; the workspace's .venv holds Flask, the terminal's `python` and `pip` are another
// venv's. Typing `python app.py` and `pip install ...` must bring the explanation naming both
// interpreters. Screenshots go to test-artifacts/vscode/ (and to docs/images/ with
// FLASK_PREFLIGHT_DOCS_IMAGES=1).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as h from './harness.mjs';

const VSIX = process.env.FLASK_PREFLIGHT_VSIX ?? path.join(h.REPO, `flask-preflight-${JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8')).version}.vsix`);
const DEV_PYTHON = path.join(h.REPO, '.venv', 'bin', 'python');

function python(code) {
  return execFileSync(DEV_PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(h.REPO)}); ${code}`], { encoding: 'utf8', timeout: 600000 }).trim();
}

let server;
let browser;
let work;
let page;
let project;
let other;
let wheel;
let history;

function typedLines() {
  return fs.existsSync(history) ? fs.readFileSync(history, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')) : [];
}

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

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run make vsix first`);
  work = h.scratch('terminal');
  // The project's venv: real, with Flask (a link to the cached test venv).
  const flaskVenv = python('from tests.venvs import make_venv; print(make_venv("flask", ["flask==3.1.3"]))');
  project = path.join(work, 'proj');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'app.py'), 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n\n\nif __name__ == "__main__":\n    app.run()\n');
  fs.writeFileSync(path.join(project, 'requirements.txt'), 'flask==3.1.3\n');
  // A real venv directory (a link is not picked as the project's venv), Flask copied in.
  execFileSync(DEV_PYTHON, ['-m', 'venv', '--without-pip', path.join(project, '.venv')], { timeout: 120000 });
  const lib = fs.readdirSync(path.join(flaskVenv, 'lib')).find((d) => d.startsWith('python'));
  fs.cpSync(path.join(flaskVenv, 'lib', lib, 'site-packages'), path.join(project, '.venv', 'lib', lib, 'site-packages'), { recursive: true });
  // The terminal's python and pip: a throwaway venv without Flask, first on PATH.
  other = path.join(work, 'other-env');
  execFileSync(DEV_PYTHON, ['-m', 'venv', other], { timeout: 300000 });
  wheel = python(`from pathlib import Path; from tests.real_runs import tiny_wheel; print(tiny_wheel(Path(${JSON.stringify(work)})))`);
  // A home of its own: no rc file puts another Python first on PATH.
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  // A login shell's /etc/profile resets PATH: the rc files put the other venv first again.
  // Every line the shell runs is appended to a history file: what was typed, and by whom.
  history = path.join(home, 'history');
  fs.writeFileSync(path.join(home, '.bashrc'), `PS1="\\w \\$ "\nexport PATH="${path.join(other, 'bin')}:$PATH"\nHISTFILE=${history}\nPROMPT_COMMAND="history -a; $PROMPT_COMMAND"\n`);
  fs.writeFileSync(path.join(home, '.bash_profile'), '. ~/.bashrc\n');
  server = await h.startCodeServer({
    vsix: VSIX,
    settings: {
      'flaskPreflight.logLevel': 'debug',
      'terminal.integrated.defaultProfile.linux': 'bash',
      'terminal.integrated.shellIntegration.enabled': true,
      'python.terminal.activateEnvironment': false,
    },
    env: { HOME: home, PATH: `${path.join(other, 'bin')}:${process.env.PATH}`, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  });
  browser = await h.launchBrowser();
  page = await h.openWorkbench(browser, server, project);
});

after(async () => {
  await page?.context().close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function typeInTerminal(text) {
  await page.locator('.terminal-wrapper .xterm').first().click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** FLASK_PREFLIGHT_DOCS_IMAGES=1 copies a screenshot to docs/images/ (the README's). */
function publish(name) {
  if (!process.env.FLASK_PREFLIGHT_DOCS_IMAGES) return;
  fs.copyFileSync(path.join(h.ARTIFACTS, `${name}.png`), path.join(h.REPO, 'docs', 'images', `${name}.png`));
}

function toast(text) {
  return page.locator('.notification-toast', { hasText: text }).first();
}

test('shell integration activates in the bash terminal, and python app.py is explained', async () => {
  await h.waitFor('the status item', async () => /\.venv/.test((await h.flaskStatus(page)).text), { timeoutMs: 90000 });
  await h.runCommand(page, 'Terminal: Create New Terminal');
  await page.locator('.terminal-wrapper .xterm').first().waitFor({ timeout: 60000 });
  await h.waitFor('shell integration in the terminal', () => /shell integration active in terminal/.test(channelLog()), { timeoutMs: 60000 });
  await typeInTerminal('python app.py');
  const shown = toast('not .venv/bin/python (selected)');
  await shown.waitFor({ state: 'visible', timeout: 90000 });
  const text = await shown.innerText();
  assert.match(text, new RegExp(`This terminal ran ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/bin/python`));
  assert.match(text, /Flask 3\.1\.3 is installed in \.venv only/);
  for (const button of ['Re-run with .venv/bin/python', 'Activate .venv in this terminal']) {
    assert.equal(await shown.locator('.monaco-button', { hasText: button }).count(), 1, button);
  }
  // The status bar says it until fixed or dismissed.
  await h.waitFor('the terminal warning in the status bar', async () => /Terminal uses another Python/.test((await h.flaskStatus(page)).text));
  // RUN001 sits on app.py line 1.
  await h.openFile(page, 'app.py');
  const errors = await h.waitFor('the RUN001 squiggle', async () => {
    const found = await h.squiggles(page, 'error');
    return found.length > 0 ? found : undefined;
  });
  assert.match(errors[0].line, /from flask import Flask/);
  await h.notification(page, 'not .venv/bin/python (selected)'); // its toast may have hidden by now
  await h.screenshot(page, 'terminal-wrong-python');
  publish('terminal-wrong-python');
  await h.closeNotificationCenter(page);
});

test('pip install with the terminal\'s pip says where it went, not .venv', async () => {
  await typeInTerminal(`pip install ${wheel}`);
  const shown = toast('not into .venv');
  await shown.waitFor({ state: 'visible', timeout: 120000 });
  const text = await shown.innerText();
  assert.match(text, /pip installed tinypkg 1\.0 into /);
  assert.ok(text.includes(other), text);
  assert.equal(await shown.locator('.monaco-button', { hasText: 'Install tinypkg into .venv/bin/python (selected)' }).count(), 1);
  // Nothing was sent to the terminal but what we typed: the explanations only offer fixes.
  const lines = await h.waitFor('both commands in the shell history', () => (typedLines().length >= 2 ? typedLines() : undefined));
  assert.deepEqual(lines, ['python app.py', `pip install ${wheel}`]);
  await h.screenshot(page, 'terminal-pip-elsewhere');
  publish('terminal-pip-elsewhere');
});

test('a click on "Activate .venv in this terminal" fixes it: typed into the terminal, the warning goes', async () => {
  // Its toast gone, a user finds it under the bell: the center keeps it, buttons and all.
  await h.runCommand(page, 'Notifications: Show Notifications');
  await h.clickNotificationButton(page, 'not .venv/bin/python (selected)', 'Activate .venv in this terminal');
  await h.waitFor('the status bar back to the environment state', async () => !/Terminal uses another Python/.test((await h.flaskStatus(page)).text));
  // The click typed `source .venv/bin/activate` into the terminal: its python is now .venv's.
  await h.waitFor('the activation in the shell history', () => typedLines().some((l) => l === `source ${path.join(project, '.venv', 'bin', 'activate')}`));
  const marker = path.join(project, 'prefix.txt');
  await typeInTerminal(`python -c "import sys; open('prefix.txt', 'w').write(sys.prefix)"`);
  await h.waitFor('the activated python to write its prefix', () => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === path.join(project, '.venv'));
  // Starting the app again clears RUN001 from app.py.
  await typeInTerminal('python app.py');
  await h.waitFor('RUN001 to clear', async () => (await h.squiggles(page, 'error')).length === 0);
  await page.locator('.terminal-wrapper .xterm').first().click();
  await page.keyboard.press('Control+C');
});

test('"Activate .venv in every new terminal": a new terminal runs .venv\'s python', async () => {
  await h.clickNotificationButton(page, 'not into .venv', 'Activate .venv in every new terminal');
  await h.notification(page, 'New terminals in this workspace will use', { timeoutMs: 30000 });
  await h.closeNotificationCenter(page);
  await h.runCommand(page, 'Terminal: Create New Terminal');
  await h.waitFor('a second terminal', async () => (await page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab').count()) >= 2 || (await page.locator('.terminal-wrapper').count()) >= 2, { timeoutMs: 30000 }).catch(() => undefined);
  const marker = path.join(project, 'prefix-new.txt');
  // The new terminal has focus; its PATH starts with .venv/bin (the extension's environment).
  await h.waitFor('shell integration in the second terminal', () => (channelLog().match(/shell integration active in terminal/g) ?? []).length >= 2, { timeoutMs: 60000 });
  await page.keyboard.type(`python -c "import sys; open('prefix-new.txt', 'w').write(sys.prefix)"`);
  await page.keyboard.press('Enter');
  await h.waitFor('the new terminal\'s python to write its prefix', () => fs.existsSync(marker));
  assert.equal(fs.readFileSync(marker, 'utf8'), path.join(project, '.venv'));
});
