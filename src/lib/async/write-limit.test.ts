import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WriteLimit } from './write-limit.js';

test('a finishing run hands its slot to the first waiter: a newcomer in the same microtask turn waits, the limit holds', async () => {
  const limit = new WriteLimit(1);
  let running = 0;
  let most = 0;
  const order: string[] = [];
  const slow = (name: string) => async () => {
    most = Math.max(most, ++running);
    order.push(name);
    await new Promise((r) => setTimeout(r, 5));
    running--;
  };
  // x finishes at once; w waits for it; z arrives in a microtask queued before w is woken.
  const x = limit.run(async () => {
    order.push('x');
  });
  const w = limit.run(slow('w'));
  let z!: Promise<void>;
  queueMicrotask(() => (z = limit.run(slow('z'))));
  await Promise.all([x, w]);
  await z;
  assert.equal(most, 1, 'never more than the limit at once');
  assert.deepEqual(order, ['x', 'w', 'z'], 'waiters run in arrival order');
  assert.equal(limit.inFlight, 0);
  assert.equal(limit.queued, 0);
});
