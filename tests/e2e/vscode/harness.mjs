// Drives a real VS Code (code-server) with Debian's Chromium: start, open a folder, read the UI.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const ARTIFACTS = path.join(REPO, 'test-artifacts', 'vscode');
const CODE_SERVER = path.join(REPO, '.cache', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `fn` until it returns a truthy value; the message says what never happened. */
export async function waitFor(what, fn, { timeoutMs = 60000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function chromiumPath() {
  for (const candidate of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('Chromium not found: run scripts/setup-code-server.sh');
}

/** A scratch directory under the system temp dir, removed by `cleanup()`. */
export function scratch(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `fp-e2e-${prefix}-`));
}

/** Copies an example project so the test may edit it. */
export function copyExample(name, into, as = name) {
  const dest = path.join(into, as);
  fs.cpSync(path.join(REPO, 'examples', name), dest, { recursive: true });
  return dest;
}

/**
 * One code-server with fresh user-data and extensions dirs and the VSIX installed.
 * `settings` are the user settings.
 */
export async function startCodeServer({ vsix, settings = {}, log, trust = false, env: extraEnv = {} }) {
  const home = scratch('cs');
  const userData = path.join(home, 'user-data');
  const extensions = path.join(home, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        // Workspace trust on only where a test is about it: else every folder is trusted.
        'security.workspace.trust.enabled': trust,
        'editor.hover.delay': 100,
        // code-server's port forwarding pops its own toasts over ours for every app started.
        'remote.autoForwardPorts': false,
        'editor.lightbulb.enabled': 'on',
        'files.autoSave': 'off',
        'window.restoreWindows': 'none',
        ...settings,
      },
      null,
      2,
    ),
  );
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'), ...extraEnv };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  await new Promise((resolve, reject) => {
    const install = spawn(process.execPath, [CODE_SERVER, ...common, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    install.stdout.on('data', (d) => (out += d));
    install.stderr.on('data', (d) => (out += d));
    install.once('close', (code) => (code === 0 && /successfully installed/i.test(out) ? resolve() : reject(new Error(`install failed (${code}): ${out}`))));
  });
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    [CODE_SERVER, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...(trust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override'],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const collect = (d) => {
    output += d;
    log?.(String(d));
  };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  await waitFor('code-server to listen', () => /HTTP server listening/.test(output) || (proc.exitCode !== null && Promise.reject(new Error(output))), { timeoutMs: 60000 });
  return {
    url: `http://127.0.0.1:${port}/`,
    home,
    userData,
    output: () => output,
    async stop() {
      if (proc.exitCode === null) {
        try {
          process.kill(-proc.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await waitFor('code-server to stop', () => proc.exitCode !== null || proc.signalCode !== null, { timeoutMs: 15000 }).catch(() => {
          try {
            process.kill(-proc.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        });
      }
      // FLASK_PREFLIGHT_E2E_KEEP=1 keeps the user-data dir (logs of the extension host) to debug.
      if (!process.env.FLASK_PREFLIGHT_E2E_KEEP) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Opens `folder` in the workbench and waits until it is ready. */
export async function openWorkbench(browser, server, folder) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
  const page = await context.newPage();
  await page.goto(`${server.url}?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.waitForSelector('.statusbar', { timeout: 60000 });
  return page;
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Just the left of the status bar (the Flask Preflight item and the problem counts). */
export async function screenshotStatusBar(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const bar = await page.locator('.part.statusbar').boundingBox();
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, clip: { x: 0, y: bar.y, width: 420, height: bar.height } });
  return file;
}

/** Runs a command from the command palette by its full title. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 20000 });
  await input.press('Enter');
}

/** Opens a file of the workspace with Quick Open and waits for its editor. */
export async function openFile(page, relPath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relPath);
  const row = page.locator('.quick-input-list .monaco-list-row').first();
  await row.waitFor({ state: 'visible', timeout: 20000 });
  await input.press('Enter');
  const name = path.basename(relPath);
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 20000 });
  await page.locator('.editor-instance .view-lines').first().waitFor({ timeout: 20000 });
}

/** The visible text of the active editor, line by line (Monaco renders spaces as NBSP). */
export async function editorLines(page) {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('.editor-instance .view-lines .view-line')];
    return lines
      .map((el) => ({ top: parseFloat(el.style.top), text: el.textContent.replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text);
  });
}

/** Squiggles of `kind` ('warning' | 'error' | 'info') with the text of the line they sit on. */
export async function squiggles(page, kind) {
  return page.evaluate((cls) => {
    const lines = [...document.querySelectorAll('.editor-instance .view-lines .view-line')].map((el) => ({
      top: parseFloat(el.style.top),
      text: el.textContent.replace(/\u00a0/g, ' '),
    }));
    return [...document.querySelectorAll(`.editor-instance .view-overlays .${cls}`)].map((el) => {
      const top = parseFloat(el.parentElement.style.top);
      const line = lines.find((l) => Math.abs(l.top - top) < 1);
      return { top, left: parseFloat(el.style.left), width: parseFloat(el.style.width), line: line ? line.text : null };
    });
  }, `squiggly-${kind}`);
}

export async function statusBarTexts(page) {
  return page.locator('.statusbar-item').allInnerTexts();
}

/** The Flask Preflight status item's text and tooltip (aria-label), once it has a state. */
export async function flaskStatus(page) {
  const item = page.locator('[id="flask-preflight.flask-preflight.flaskPreflight.status"], .statusbar-item[aria-label^="Flask Preflight"]').first();
  const text = (await item.innerText({ timeout: 2000 }).catch(() => '')).trim();
  const label = (await item.getAttribute('aria-label', { timeout: 2000 }).catch(() => '')) ?? '';
  return { text, label };
}

export async function notifications(page) {
  return page.locator('.notifications-toasts .notification-toast, .notification-list-item').allInnerTexts();
}

/** The on-screen box of the first squiggle of `kind`, once it is rendered. */
export async function squiggleBox(page, kind = 'warning') {
  return waitFor(`a ${kind} squiggle on screen`, () => page.locator(`.editor-instance .view-overlays .squiggly-${kind}`).first().boundingBox());
}

/** Whether the cursor's line (the current-line highlight) is the line of the first squiggle
 * of `kind`. */
async function cursorOnSquiggle(page, kind) {
  return page.evaluate((cls) => {
    const squiggle = document.querySelector(`.editor-instance .view-overlays .${cls}`);
    const current = document.querySelector('.editor-instance .view-overlays .current-line');
    if (!squiggle || !current) return false;
    const top = (el) => parseFloat(el.parentElement.style.top);
    return Math.abs(top(squiggle) - top(current)) < 1;
  }, `squiggly-${kind}`);
}

/**
 * Clicks on the first squiggle of `kind` and checks the cursor landed on its line, clicking
 * again if not: a code lens or another widget that arrives between measuring the squiggle and
 * clicking moves the lines down (a click one line off gets "No code actions available").
 */
export async function clickSquiggle(page, kind = 'warning') {
  return waitFor(`the cursor on the ${kind} squiggle's line`, async () => {
    const box = await squiggleBox(page, kind);
    await page.mouse.click(box.x + 2, box.y + box.height / 2);
    return (await cursorOnSquiggle(page, kind)) ? box : undefined;
  });
}

/**
 * Hovers the first squiggle of `kind` until a hover holding `text` (a string or a RegExp)
 * shows, measuring the squiggle again each time (the lines may have moved under the pointer)
 * and leaving it first (a new hover reads the diagnostic again: a later publish may add to
 * its message).
 */
export async function hoverSquiggle(page, text, kind = 'warning') {
  const hover = page.locator('.monaco-hover', { hasText: text }).first();
  await waitFor(`a hover with ${text} over the ${kind} squiggle`, async () => {
    const box = await squiggleBox(page, kind);
    await page.mouse.move(0, 0);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    return hover.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
  });
  return hover;
}

/**
 * Applies the code action whose label matches `pattern` from the open lightbulb menu, moving
 * the focus with the arrow keys (its rows take no pointer events from playwright).
 */
export async function applyCodeAction(page, pattern) {
  const rows = page.locator('.action-widget .monaco-list-row.action');
  await rows.first().waitFor({ state: 'visible', timeout: 30000 });
  const count = await rows.count();
  for (let i = 0; i <= count; i++) {
    const label = (await page.locator('.action-widget .monaco-list-row.action.focused').first().getAttribute('aria-label').catch(() => null)) ?? '';
    if (pattern.test(label)) {
      await page.keyboard.press('Enter');
      return label;
    }
    await page.keyboard.press('ArrowDown');
  }
  const labels = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
  throw new Error(`no code action matching ${pattern} among ${JSON.stringify(labels)}`);
}

/**
 * The notification holding `text`: its toast while shown, else its row in the notification
 * center, opened for it and expanded so that its buttons show. VS Code hides a toast after
 * 15 to 20 s (sooner than a slow machine gets to the next step); the center keeps it.
 * `closeNotificationCenter` puts things back so that later notifications come as toasts.
 */
export async function notification(page, text, { timeoutMs = 60000 } = {}) {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  const row = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  return waitFor(`a notification with "${text}"`, async () => {
    if (await toast.isVisible()) return toast;
    if (!(await page.locator('.notifications-center.visible').isVisible())) {
      await runCommand(page, 'Notifications: Show Notifications');
      await page.locator('.notifications-center.visible').waitFor({ timeout: 10000 });
    }
    if (!(await row.isVisible())) return undefined;
    if (!(await row.evaluate((el) => el.classList.contains('expanded')))) {
      await row.locator('.codicon-notifications-expand').first().click();
    }
    return row;
  }, { timeoutMs });
}

/** Clicks `button` of the notification holding `text` (toast or center), then closes the center. */
export async function clickNotificationButton(page, text, button) {
  const shown = await notification(page, text);
  await shown.locator('.monaco-button', { hasText: button }).first().click();
  await closeNotificationCenter(page);
}

/** Closes the notification center with its own hide button (a command palette opened now may
 * lose the focus to a terminal that a clicked button just showed). */
export async function closeNotificationCenter(page) {
  const center = page.locator('.notifications-center.visible');
  await waitFor('the notification center to close', async () => {
    if (!(await center.isVisible())) return true;
    await center.locator('.codicon-notifications-hide').first().click({ timeout: 5000 }).catch(() => undefined);
    return false;
  });
}
