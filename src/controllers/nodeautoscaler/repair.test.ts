import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock/clock.js';
import { node } from '../../scheduler/testing/fixtures.js';
import { planRepairs } from './repair.js';
import { SinceTracker } from './since-tracker.js';
import { poolConfig } from './testing.js';

function nodes(n: number, unhealthy: number[] = [], status: 'False' | 'Unknown' = 'Unknown') {
  return Array.from({ length: n }, (_, i) => {
    const o = node(`w-${i}`, { ready: unhealthy.includes(i) ? status : 'True' });
    o.metadata.uid = `u${i}`;
    return o;
  });
}

test('an unhealthy node is repaired only after repair.after, timed from when the autoscaler first saw it', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  const pool = poolConfig('w', { repair: { afterMs: 60_000 } });
  let plan = planRepairs(pool, nodes(5, [2]), new Set(), since, clock.monotonic());
  assert.deepEqual(plan.repair, []);
  assert.equal(plan.nextDueMs, 60_000);
  clock.advance(59_999);
  plan = planRepairs(pool, nodes(5, [2]), new Set(), since, clock.monotonic());
  assert.deepEqual(plan.repair, []);
  assert.equal(plan.nextDueMs, 1);
  clock.advance(1);
  plan = planRepairs(pool, nodes(5, [2]), new Set(), since, clock.monotonic());
  assert.deepEqual(plan.repair, ['w-2']);
});

test('a node that recovers restarts its repair clock', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  const pool = poolConfig('w');
  planRepairs(pool, nodes(3, [1]), new Set(), since, clock.monotonic());
  clock.advance(50_000);
  planRepairs(pool, nodes(3), new Set(), since, clock.monotonic());
  clock.advance(20_000);
  const plan = planRepairs(pool, nodes(3, [1], 'False'), new Set(), since, clock.monotonic());
  assert.deepEqual(plan.repair, []);
  assert.equal(plan.nextDueMs, 60_000);
});

test('the circuit breaker holds repairs while more than maxUnhealthyPercent and more than 3 nodes are unhealthy', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  const pool = poolConfig('w', { repair: { maxUnhealthyPercent: 45 } });
  // 5 of 10 unhealthy: 50 % > 45 % and 5 > 3 → open.
  planRepairs(pool, nodes(10, [0, 1, 2, 3, 4]), new Set(), since, clock.monotonic());
  clock.advance(120_000);
  let plan = planRepairs(pool, nodes(10, [0, 1, 2, 3, 4]), new Set(), since, clock.monotonic());
  assert.equal(plan.breakerOpen, true);
  assert.deepEqual(plan.repair, []);
  // One recovers: 4 of 10 = 40 % → closed; the four still due are repaired.
  plan = planRepairs(pool, nodes(10, [0, 1, 2, 3]), new Set(), since, clock.monotonic());
  assert.equal(plan.breakerOpen, false);
  assert.deepEqual(plan.repair, ['w-0', 'w-1', 'w-2', 'w-3']);
});

test('up to 3 unhealthy nodes never trip the breaker, even in a small pool', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  const pool = poolConfig('w');
  planRepairs(pool, nodes(3, [0, 1, 2]), new Set(), since, clock.monotonic());
  clock.advance(60_000);
  const plan = planRepairs(pool, nodes(3, [0, 1, 2]), new Set(), since, clock.monotonic());
  assert.equal(plan.breakerOpen, false);
  assert.deepEqual(plan.repair, ['w-0', 'w-1', 'w-2']);
});

test('nodes already being removed and pools with repair disabled are left alone', () => {
  const clock = new FakeClock();
  const since = new SinceTracker();
  planRepairs(poolConfig('w'), nodes(4, [0, 1]), new Set(), since, clock.monotonic());
  clock.advance(60_000);
  assert.deepEqual(planRepairs(poolConfig('w'), nodes(4, [0, 1]), new Set(['w-0']), since, clock.monotonic()).repair, ['w-1']);
  assert.deepEqual(planRepairs(poolConfig('w', { repair: { enabled: false } }), nodes(4, [0, 1]), new Set(), since, clock.monotonic()).repair, []);
});
