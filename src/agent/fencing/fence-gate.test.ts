// The fenced/unfenced gate on a FakeClock: a node starts fenced and unfences
// only after a renewal and its checks; the deadline counts from a renewal's
// send time (a late answer buys nothing); a fenced node hands its
// supervisors no new deadline until it has unfenced; a check that outlives
// the deadline leaves it fenced; the quorum hook extends the deadline.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock/clock.js';
import { silentLogger } from '../../lib/log/log.js';
import { FenceGate, type FenceGateOptions } from './fence-gate.js';

interface Bed {
  clock: FakeClock;
  gate: FenceGate;
  /** deadlines handed to the supervisors, in ms */
  pushed: number[];
  changes: boolean[];
  verifies: number;
  verifyResult: boolean | (() => Promise<boolean>);
  settle(): Promise<void>;
}

function bed(extra: Partial<FenceGateOptions> = {}): Bed {
  const clock = new FakeClock();
  const b = { clock, pushed: [], changes: [], verifies: 0, verifyResult: true } as Partial<Bed> as Bed;
  b.gate = new FenceGate({
    clock,
    log: silentLogger(),
    fenceAfterMs: 8000,
    toMonotonicNs: (ms) => BigInt(ms) * 1_000_000n,
    push: async (ns) => {
      b.pushed.push(Number(ns / 1_000_000n));
    },
    verify: async () => {
      b.verifies++;
      return typeof b.verifyResult === 'function' ? b.verifyResult() : b.verifyResult;
    },
    onChange: (f) => b.changes.push(f),
    ...extra,
  });
  b.settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  return b;
}

test('a (restarted) agent starts fenced and hands out no deadline before it has renewed and unfenced', async () => {
  const b = bed();
  assert.equal(b.gate.fenced, true);
  await b.gate.enable();
  assert.equal(b.verifies, 0, 'no renewal in hand: nothing to check');
  b.clock.advance(5000);
  assert.equal(b.gate.fenced, true);
  assert.deepEqual(b.pushed, [], 'running supervisors keep the deadline they had');
  assert.match(b.gate.reason, /not renewed its lease since it started/);
});

test('a renewal before the agent is ready is kept: enable() checks and unfences', async () => {
  const b = bed();
  b.gate.renewed(0);
  assert.equal(b.gate.fenced, true, 'not before the checks');
  assert.equal(b.verifies, 0);
  await b.gate.enable();
  assert.equal(b.verifies, 1);
  assert.equal(b.gate.fenced, false);
  assert.deepEqual(b.pushed, [8000], 'the supervisors get the deadline before the gate opens');
  assert.deepEqual(b.changes, [false]);
});

test('each renewal while unfenced hands the supervisors send time + fenceAfter; the gate closes at the deadline', async () => {
  const b = bed();
  await b.gate.enable();
  b.gate.renewed(0);
  await b.settle();
  assert.equal(b.gate.fenced, false);
  b.clock.advance(2000);
  b.gate.renewed(2000);
  await b.settle();
  assert.deepEqual(b.pushed, [8000, 10_000]);
  assert.equal(b.verifies, 1, 'an unfenced node does not re-check on every renewal');
  b.clock.advance(7999);
  assert.equal(b.gate.fenced, false);
  b.clock.advance(1);
  assert.deepEqual(b.changes, [false, true], 'the expiry timer closed the gate at 10 000');
  assert.equal(b.gate.fenced, true);
  assert.match(b.gate.reason, /not renewed before the fencing deadline/);
});

test('a renewal that lands late counts from when it was sent, not when it arrived', async () => {
  const b = bed();
  await b.gate.enable();
  b.gate.renewed(0);
  await b.settle();
  b.clock.advance(6000);
  b.gate.renewed(1000); // sent at 1 s, answered at 6 s
  await b.settle();
  assert.deepEqual(b.pushed, [8000, 9000]);
  b.clock.advance(2999);
  assert.equal(b.gate.fenced, false);
  b.clock.advance(1);
  assert.equal(b.gate.fenced, true, 'fenced at 9 s, not 14 s');
});

test('a renewal answered after its own deadline leaves the node fenced and checks nothing', async () => {
  const b = bed();
  await b.gate.enable();
  b.clock.advance(9000);
  b.gate.renewed(500); // sent at 0.5 s: its deadline (8.5 s) passed before it landed
  await b.settle();
  assert.equal(b.gate.fenced, true);
  assert.equal(b.verifies, 0);
  assert.deepEqual(b.pushed, []);
});

test('after the deadline: no new deadline until a renewal and fresh checks unfence the node', async () => {
  const b = bed();
  await b.gate.enable();
  b.gate.renewed(0);
  await b.settle();
  b.clock.advance(8000);
  assert.equal(b.gate.fenced, true);
  b.clock.advance(4000);
  b.gate.renewed(12_000);
  await b.settle();
  assert.equal(b.verifies, 2, 'the consistent read runs again');
  assert.equal(b.gate.fenced, false);
  assert.deepEqual(b.pushed, [8000, 20_000]);
  assert.deepEqual(b.changes, [false, true, false]);
});

test('a failed check (out-of-service taint, API error) keeps the node fenced; the next renewal checks again', async () => {
  const b = bed();
  b.verifyResult = false;
  await b.gate.enable();
  b.gate.renewed(0);
  await b.settle();
  assert.equal(b.gate.fenced, true);
  b.verifyResult = () => Promise.reject(new Error('connection refused'));
  b.clock.advance(2000);
  b.gate.renewed(2000);
  await b.settle();
  assert.equal(b.gate.fenced, true);
  assert.deepEqual(b.pushed, [], 'a fenced node extends no deadline');
  b.verifyResult = true;
  b.clock.advance(2000);
  b.gate.renewed(4000);
  await b.settle();
  assert.equal(b.verifies, 3);
  assert.equal(b.gate.fenced, false);
  assert.deepEqual(b.pushed, [12_000]);
});

test('checks that outlive the deadline leave the node fenced', async () => {
  const b = bed();
  let finish!: (ok: boolean) => void;
  b.verifyResult = () => new Promise<boolean>((r) => (finish = r));
  await b.gate.enable();
  b.gate.renewed(0);
  await b.settle();
  assert.equal(b.gate.state, 'unfencing');
  assert.equal(b.gate.fenced, true, 'nothing starts while the checks run');
  b.clock.advance(8000);
  finish(true);
  await b.settle();
  assert.equal(b.gate.fenced, true);
  assert.deepEqual(b.pushed, []);
});

test('a renewal during the checks moves the deadline the node unfences with', async () => {
  const b = bed();
  let finish!: (ok: boolean) => void;
  b.verifyResult = () => new Promise<boolean>((r) => (finish = r));
  await b.gate.enable();
  b.gate.renewed(0);
  await b.settle();
  b.clock.advance(2000);
  b.gate.renewed(2000);
  await b.settle();
  assert.equal(b.verifies, 1, 'one check at a time');
  finish(true);
  await b.settle();
  assert.equal(b.gate.fenced, false);
  assert.deepEqual(b.pushed, [10_000]);
  b.clock.advance(7999);
  assert.equal(b.gate.fenced, false);
  b.clock.advance(1);
  assert.equal(b.gate.fenced, true);
});

test('quorum hook: a hold past the lease deadline keeps the node unfenced until it ends', async () => {
  let hold: number | undefined;
  const b = bed({ holdUntilMs: () => hold });
  await b.gate.enable();
  b.gate.renewed(0);
  await b.settle();
  hold = 15_000;
  b.gate.refresh();
  await b.settle();
  assert.deepEqual(b.pushed, [8000, 15_000]);
  b.clock.advance(14_999);
  assert.equal(b.gate.fenced, false);
  b.clock.advance(1);
  assert.equal(b.gate.fenced, true);
});
