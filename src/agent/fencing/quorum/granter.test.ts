import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../lib/clock/clock.js';
import { Granter } from './granter.js';

interface State {
  armed: boolean;
  cutOff: boolean;
  lastRenewed: number | undefined;
}

/** A granter 'b' of members a, b, c, started long enough ago that its start-up caution is over. */
function granter(state: State, quietMs = 4000): { g: Granter; clock: FakeClock } {
  const clock = new FakeClock();
  const g = new Granter('b', clock, { armed: () => state.armed, cutOff: () => state.cutOff, lastRenewedMs: () => state.lastRenewed, members: () => ['a', 'b', 'c'] }, { grantMs: 6000, quietMs });
  clock.advance(10_000);
  return { g, clock };
}

test('a peer grants only while it cannot reach the API itself, is armed, and the asker is a member', () => {
  const s: State = { armed: true, cutOff: false, lastRenewed: undefined };
  const { g, clock } = granter(s);
  assert.equal(g.liveMs(), 0, 'the start-up grant is over');
  assert.equal(g.ask('a').granted, false, 'it reaches the API (or a renewal is in flight)');
  assert.equal(g.liveMs(), 0);
  s.cutOff = true;
  assert.equal(g.ask('x').granted, false, 'not a member');
  assert.equal(g.ask('b').granted, false, 'not itself');
  s.armed = false;
  assert.equal(g.ask('a').granted, false, 'not armed');
  s.armed = true;
  assert.deepEqual(g.ask('a'), { granted: true, node: 'b', ttlMs: 6000 });
  clock.advance(2500);
  assert.equal(g.liveMs(), 3500, 'renewals sent now announce what is left');
  g.ask('c');
  assert.equal(g.liveMs(), 6000, 'the latest grant counts');
  clock.advance(6000);
  assert.equal(g.liveMs(), 0, 'nothing announced once it is over');
});

test('no grant until the latest successful renewal is older than the quiet time: the control plane may still count the node as renewing', () => {
  const s: State = { armed: true, cutOff: true, lastRenewed: 10_000 };
  const { g, clock } = granter(s);
  const a = g.ask('a');
  assert.equal(a.granted, false);
  assert.match(a.granted ? '' : a.reason, /renewed its lease too recently/);
  clock.advance(3999);
  assert.equal(g.ask('a').granted, false);
  assert.equal(g.liveMs(), 0, 'a refusal announces nothing');
  clock.advance(1);
  assert.equal(g.ask('a').granted, true);
});

test('a fresh granter announces a grant for E from its start and grants nothing for the quiet time: its predecessor’s grants died with it', () => {
  const clock = new FakeClock();
  clock.advance(50_000);
  const g = new Granter('b', clock, { armed: () => true, cutOff: () => true, lastRenewedMs: () => undefined, members: () => ['a', 'b', 'c'] }, { grantMs: 6000, quietMs: 4000 });
  assert.equal(g.liveMs(), 6000);
  clock.advance(1000);
  assert.equal(g.ask('a').granted, false, 'quiet after start');
  assert.equal(g.liveMs(), 5000);
  clock.advance(3000);
  assert.equal(g.ask('a').granted, true);
  assert.equal(g.liveMs(), 6000);
});
