// The safety argument of docs/fencing.md rules 6–11, checked by simulation:
// the real Granter and GrantBook on a fake clock, a control plane modelled on
// src/controllers/nodefencing/lease-watch.ts, and three nodes whose access to
// the API comes and goes at random (peers always reach each other: the worst
// case for grants). Whenever the control plane would revoke a node, that
// node must already be dead (fenced: its effective deadline passed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../lib/clock/clock.js';
import { RENEWING_NOW_MS } from '../../../api/fencing.js';
import { Granter } from './granter.js';
import { GrantBook } from './grant-book.js';
import { seededRandom } from '../../../lib/testing/seeded-random.js';

const E = 6000;
const D = 1000;
const F = 8000;
const M = 4000;
const LEASE_MS = 8000;
const NAMES = ['n', 'p', 'q'];

const rng = seededRandom;

interface Sim {
  /** the control plane revoked a node whose containers still ran */
  violation?: string;
  revocations: number;
}

/** One run of `ms`: `windowMs` is how long after a renewal the control plane counts a node as renewing now. */
function simulate(seed: number, windowMs: number, quietMs: number, ms = 90_000): Sim {
  const rand = rng(seed);
  const clock = new FakeClock();
  clock.advance(100_000); // past everyone's start-up caution
  const nodes = NAMES.map((name) => {
    const n = {
      name,
      up: true,
      upUntil: 0,
      cutOff: false,
      lastRenewed: undefined as number | undefined,
      nextAttempt: Math.floor(rand() * 20) * 100,
      leaseDeadline: 0,
      fenced: false,
      revoked: false,
      book: new GrantBook(E, D),
      granter: undefined as unknown as Granter,
      // the control plane's view
      seen: -Infinity,
      healthySince: 0,
      blockedUntil: 0,
    };
    n.granter = new Granter(name, clock, { armed: () => true, cutOff: () => n.cutOff, lastRenewedMs: () => n.lastRenewed, members: () => NAMES }, { grantMs: E, quietMs });
    return n;
  });
  clock.advance(100_000);
  const t0 = clock.monotonic();
  for (const n of nodes) {
    n.seen = t0;
    n.healthySince = t0 - 60_000;
    n.leaseDeadline = t0 + F;
    n.upUntil = t0;
  }
  const sim: Sim = { revocations: 0 };
  const hold = (n: (typeof nodes)[number], now: number): number | undefined => n.book.holdUntil(n.name, NAMES, now);
  for (let now = t0; now < t0 + ms; now += 100) {
    clock.advance(now - clock.monotonic());
    for (const n of nodes) {
      if (n.revoked) continue;
      // Access to the API comes and goes in stretches of 0.5–12 s.
      if (now >= n.upUntil) {
        n.up = rand() < 0.5;
        n.upUntil = now + 500 + Math.floor(rand() * 115) * 100;
      }
      // The node's own gate: fenced once its effective deadline passed.
      const eff = Math.max(n.leaseDeadline, hold(n, now) ?? -Infinity);
      if (!n.fenced && now >= eff) n.fenced = true;
      // Renewal attempts every 2 s; each takes no time (latency is not what is tested here).
      if (now >= n.nextAttempt) {
        n.nextAttempt = now + 2000;
        if (n.up) {
          const live = n.granter.liveMs();
          n.cutOff = false;
          n.lastRenewed = now;
          n.leaseDeadline = now + F;
          if (n.fenced && now < n.leaseDeadline) n.fenced = false; // unfences through rule 2
          // the control plane sees it at once
          if (now - n.seen > LEASE_MS) n.healthySince = now;
          n.seen = now;
          if (live > 0) n.blockedUntil = Math.max(n.blockedUntil, now + live + D);
        } else n.cutOff = true;
      }
    }
    // Asking, once a second, every peer (peers always reach each other).
    if (now % 1000 === 0) {
      for (const n of nodes) {
        if (n.revoked || !n.cutOff) continue;
        for (const p of nodes) {
          if (p === n || p.revoked) continue;
          if (p.granter.ask(n.name).granted) n.book.record(p.name, now);
        }
      }
    }
    // The control plane.
    const healthy = (x: (typeof nodes)[number]): boolean => !x.revoked && now - x.seen < windowMs && now - x.healthySince >= E + D && now >= x.blockedUntil;
    const majority = nodes.filter(healthy).length * 2 > nodes.length;
    for (const n of nodes) {
      if (n.revoked || now - n.seen < F + M || !majority) continue;
      n.revoked = true;
      sim.revocations++;
      const eff = Math.max(n.leaseDeadline, hold(n, now) ?? -Infinity);
      if (!n.fenced && now < eff) sim.violation ??= `seed ${seed}: ${n.name} revoked at +${now - t0} ms while it holds until +${eff - t0} ms`;
    }
  }
  return sim;
}

test(`with the control plane counting a node as renewing for ${RENEWING_NOW_MS} ms and granters quiet for that plus D, a revoked node is always dead already`, () => {
  let revocations = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const s = simulate(seed, RENEWING_NOW_MS, RENEWING_NOW_MS + D);
    assert.equal(s.violation, undefined, s.violation);
    revocations += s.revocations;
  }
  assert.ok(revocations > 50, `the runs do revoke nodes (${revocations})`);
});

test('counting a node as renewing for the whole lease duration (8 s), as rule 6 was first read, lets two majorities coexist', () => {
  const found = [];
  for (let seed = 1; seed <= 400 && found.length === 0; seed++) {
    const s = simulate(seed, LEASE_MS, 0);
    if (s.violation) found.push(s.violation);
  }
  assert.ok(found.length > 0, 'a counterexample exists');
});
