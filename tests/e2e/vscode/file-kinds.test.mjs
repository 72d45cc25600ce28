// End to end in a real VS Code: a deploy file that is not Python (a compose file) gets its
// finding AND its quick fix from the lightbulb, because the client's documentSelector is
// generated from the server's file-kinds table (analysis/file_kinds.py).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as h from './harness.mjs';

const VSIX = process.env.FLASK_PREFLIGHT_VSIX ?? path.join(h.REPO, `flask-preflight-${JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8')).version}.vsix`);

const APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n';
const DOCKERFILE = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n';
const COMPOSE = 'services:\n  web:\n    build: .\n    command: gunicorn -b 0.0.0.0:8000 app:application\n';

let server;
let browser;
let work;
let page;

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run make vsix first`);
  work = h.scratch('kinds');
  server = await h.startCodeServer({ vsix: VSIX });
  browser = await h.launchBrowser();
});

after(async () => {
  await page?.context().close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('file kinds in VS Code', () => {
  test('SRV002 in docker-compose.yml: squiggle, and the quick fix from the lightbulb names the app', async () => {
    const project = path.join(work, 'compose-project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'app.py'), APP);
    fs.writeFileSync(path.join(project, 'requirements.txt'), 'flask\ngunicorn\n');
    fs.writeFileSync(path.join(project, 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(path.join(project, 'docker-compose.yml'), COMPOSE);
    page = await h.openWorkbench(browser, server, project);
    try {
      await h.openFile(page, 'docker-compose.yml');
      const [squiggle] = await h.waitFor('an error squiggle in the compose file', async () => {
        const found = await h.squiggles(page, 'error');
        return found.length > 0 ? found : undefined;
      }, { timeoutMs: 90000 });
      assert.match(squiggle.line, /app:application/);
      await h.screenshot(page, 'compose-srv002');

      await h.clickSquiggle(page, 'error');
      await page.keyboard.press('Control+.');
      const label = await h.applyCodeAction(page, /app:app\b/);
      assert.match(label, /app:app/);

      await h.waitFor('the fixed command in the editor', async () => {
        const lines = await h.editorLines(page);
        return lines.some((l) => /command: gunicorn -b 0\.0\.0\.0:8000 app:app\s*$/.test(l)) ? lines : undefined;
      });
      await h.waitFor('the error squiggle to go away', async () => (await h.squiggles(page, 'error')).length === 0);
      await h.screenshot(page, 'compose-srv002-fixed');
    } catch (err) {
      await h.screenshot(page, 'FAILED-compose-srv002').catch(() => undefined);
      throw err;
    }
  });
});
