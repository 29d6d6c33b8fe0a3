import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../lib/clock/clock.js';
import { WorkQueue } from './work-queue.js';

test('a key is queued once however often it is added', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('a');
  q.add('a');
  q.add('b');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
});

test('a key added while it is processed comes back after done, never to a second worker', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.length, 0, 'not handed out while processing');
  const second = q.get();
  let got: string | undefined;
  void second.then((v) => (got = v));
  await Promise.resolve();
  assert.equal(got, undefined);
  q.done(k!);
  assert.equal(await second, 'a');
});

test('addAfter and failure backoff run on the clock', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, baseDelayMs: 10, maxDelayMs: 100 });
  q.addAfter('x', 50);
  q.addAfter('x', 80); // the earlier one wins
  clock.advance(49);
  assert.equal(q.length, 0);
  clock.advance(1);
  assert.equal(q.length, 1);
  await q.get();
  q.done('x');
  q.addRateLimited('y'); // 10 ms
  q.addRateLimited('y'); // 20 ms, the pending 10 ms wins
  clock.advance(10);
  assert.equal(q.length, 1);
  assert.equal(q.failureCount('y'), 2);
  q.forget('y');
  assert.equal(q.failureCount('y'), 0);
  // Consecutive failures double the delay up to the cap: 10, 20, 40, 80, then 100 ms.
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    q.addRateLimited('z');
    let waited = 0;
    while (q.length < 2) {
      clock.advance(1);
      waited++;
    }
    waits.push(waited);
    assert.equal(await q.get(), 'y');
    q.done('y');
    q.add('y');
    assert.equal(await q.get(), 'z');
    q.done('z');
  }
  assert.deepEqual(waits, [10, 20, 40, 80, 100]);
});

test('shutDown releases waiting workers', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  const w = q.get();
  q.shutDown();
  assert.equal(await w, undefined);
  q.add('late');
  assert.equal(q.length, 0);
});
