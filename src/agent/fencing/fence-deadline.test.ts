// The deadline bookkeeping: send time + fenceAfter, forward only, expired
// before the first renewal; and the conversion to CLOCK_MONOTONIC that the
// supervisors use (never later than exact).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FenceDeadline, performanceToMonotonicNs } from './fence-deadline.js';

test('the deadline is the send time of the last renewal plus fenceAfter; none yet counts as expired', () => {
  const d = new FenceDeadline({ fenceAfterMs: 8000, toMonotonicNs: (ms) => BigInt(ms) * 1_000_000n });
  assert.equal(d.deadlineMs, undefined);
  assert.equal(d.expired(0), true);
  assert.equal(d.renewed(1000), true);
  assert.equal(d.deadlineMs, 9000);
  assert.equal(d.deadlineNs, 9_000_000_000n);
  assert.equal(d.expired(8999), false);
  assert.equal(d.expired(9000), true);
});

test('an older send time neither shortens nor extends the deadline', () => {
  const d = new FenceDeadline({ fenceAfterMs: 8000 });
  d.renewed(5000);
  assert.equal(d.renewed(4000), false);
  assert.equal(d.renewed(5000), false);
  assert.equal(d.deadlineMs, 13_000);
});

test('fenceAfterMs must be positive', () => {
  assert.throws(() => new FenceDeadline({ fenceAfterMs: 0 }), /positive/);
});

test('performance.now() converts to CLOCK_MONOTONIC within a millisecond, never later', () => {
  for (let i = 0; i < 100; i++) {
    const before = process.hrtime.bigint();
    const converted = performanceToMonotonicNs(performance.now());
    const after = process.hrtime.bigint();
    assert.ok(converted <= after, `converted ${converted} is not after ${after}`);
    assert.ok(before - converted < 1_000_000n, `converted ${converted} is within 1 ms of ${before}`);
  }
});
