import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { describe, test } from 'node:test';
import { choosePort, freePort, isPortFree, probeUntilAnswer } from '../../client/src/ports';

function listen(server: net.Server, port = 0): Promise<number> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('ports', () => {
  test('a taken port is reported taken, and choosePort picks another', async () => {
    const blocker = net.createServer();
    const taken = await listen(blocker);
    try {
      assert.equal(await isPortFree(taken), false);
      const choice = await choosePort(taken);
      assert.equal(choice.changed, true);
      assert.notEqual(choice.port, taken);
      assert.equal(await isPortFree(choice.port), true);
    } finally {
      blocker.close();
    }
  });

  test('a free preferred port is kept', async () => {
    const port = await freePort();
    assert.deepEqual(await choosePort(port), { port, changed: false });
  });

  test('probing waits until a server that starts late answers (any status counts)', async () => {
    const port = await freePort();
    const server = http.createServer((_req, res) => {
      res.statusCode = 404;
      res.end('nope');
    });
    let polls = 0;
    const started = new Promise<void>((resolve) => {
      // Start the server only after the probe has already failed a few times.
      const timer = setInterval(() => {
        if (polls >= 3) {
          clearInterval(timer);
          server.listen(port, '127.0.0.1', () => resolve());
        }
      }, 10);
    });
    const result = await probeUntilAnswer(`http://127.0.0.1:${port}/`, {
      timeoutMs: 20000,
      intervalMs: 20,
      stillRunning: () => {
        polls++;
        return true;
      },
    });
    await started;
    server.close();
    assert.deepEqual(result, { answered: true, status: 404 });
    assert.ok(polls > 3);
  });

  test('probing stops at once when the process has exited', async () => {
    const port = await freePort();
    const result = await probeUntilAnswer(`http://127.0.0.1:${port}/`, { timeoutMs: 20000, stillRunning: () => false });
    assert.deepEqual(result, { answered: false, reason: 'exited' });
  });

  test('probing gives up after its timeout when nothing answers', async () => {
    const port = await freePort();
    const result = await probeUntilAnswer(`http://127.0.0.1:${port}/`, { timeoutMs: 300, intervalMs: 50 });
    assert.deepEqual(result, { answered: false, reason: 'timeout' });
  });
});
