import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerialQueue } from '../../client/src/serialQueue';

const tick = () => new Promise((r) => setTimeout(r, 5));

test('restarts queued together never overlap, and run in order', async () => {
  const queue = new SerialQueue();
  const events: string[] = [];
  let running = 0;
  const restart = (name: string) =>
    queue.run(async () => {
      running++;
      assert.equal(running, 1, `${name} started while another task ran`);
      events.push(`${name}:stop`);
      await tick();
      events.push(`${name}:start`);
      await tick();
      running--;
      return name;
    });
  const results = await Promise.all([restart('a'), restart('b'), restart('c')]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(events, ['a:stop', 'a:start', 'b:stop', 'b:start', 'c:stop', 'c:start']);
});

test('a failed task rejects its own caller only; the next one still runs', async () => {
  const queue = new SerialQueue();
  const failed = queue.run(async () => {
    await tick();
    throw new Error('no python');
  });
  const next = queue.run(async () => 'started');
  await assert.rejects(failed, /no python/);
  assert.equal(await next, 'started');
});
