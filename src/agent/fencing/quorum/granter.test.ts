import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../lib/clock/clock.js';
import { Granter } from './granter.js';

function granter(state: { armed: boolean; cutOff: boolean }): { g: Granter; clock: FakeClock } {
  const clock = new FakeClock();
  const g = new Granter('b', clock, 6000, { armed: () => state.armed, cutOff: () => state.cutOff, members: () => ['a', 'b', 'c'] });
  return { g, clock };
}

test('a peer grants only while it cannot reach the API itself, is armed, and the asker is a member', () => {
  const s = { armed: true, cutOff: false };
  const { g, clock } = granter(s);
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
