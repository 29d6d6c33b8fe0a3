import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachLimited } from './each-limited.js';

test('eachLimited runs every item once with at most `limit` in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const seen: number[] = [];
  await eachLimited([...Array(50).keys()], 7, async (item, index) => {
    assert.equal(item, index);
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, item % 3));
    seen.push(item);
    inFlight--;
  });
  assert.equal(most, 7);
  assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(50).keys()]);
});

test('eachLimited rejects with the first failure', async () => {
  await assert.rejects(
    eachLimited([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two');
    }),
    /two/,
  );
  await eachLimited([], 4, async () => assert.fail('no items'));
});
