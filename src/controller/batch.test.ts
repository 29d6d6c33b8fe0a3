import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartBatch } from './batch.js';

test('batches grow 1, 2, 4, … and stop after the first failing batch', async () => {
  const calls: number[] = [];
  const ok = await slowStartBatch(10, 1, async (i) => void calls.push(i));
  assert.deepEqual(ok, { succeeded: 10, error: undefined });
  assert.equal(calls.length, 10);

  let n = 0;
  const failing = await slowStartBatch(10, 1, async () => {
    n++;
    if (n >= 2) throw new Error('quota');
  });
  // batch 1 (1 call) ok, batch 2 (2 calls) both fail: 3 calls, not 10
  assert.equal(n, 3);
  assert.equal(failing.succeeded, 1);
  assert.match(String(failing.error), /quota/);
});
