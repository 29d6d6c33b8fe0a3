// Crash-loop backoff on a FakeClock: the schedule, the cap, the reset after a
// long run, per-key independence, jitter bounds with a seeded generator, and
// the kubelet's message texts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock/clock.js';
import { CrashBackoff, CrashBackoffOptionsError } from './crash-backoff.js';
import { formatGoDuration } from './go-duration.js';
import { backOffEventMessage, crashLoopBackOffMessage, podDescription } from './messages.js';
import { seededRandom } from '../testing/seeded-random.js';

const seeded = seededRandom;

/**
 * Drives a container that crashes `runMs` after each start, the way the pod
 * worker does, and returns how long each exit waited before its restart.
 */
function crashLoop(b: CrashBackoff, clock: FakeClock, key: string, crashes: number, runMs = 0): number[] {
  const waits: number[] = [];
  for (let i = 0; i < crashes; i++) {
    clock.advance(runMs);
    const finished = clock.now();
    const until = b.backoffUntil(key, finished);
    const wait = until === undefined ? 0 : until - finished;
    waits.push(wait);
    clock.advance(wait);
    assert.equal(b.backoffUntil(key, finished), undefined, 'may restart once the delay passed');
    b.next(key, finished);
  }
  return waits;
}

test('first exit restarts at once, then 1,2,4,…,60 s and stays at the cap', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  assert.deepEqual(crashLoop(b, clock, 'p/c', 10), [0, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
});

test('kubelet defaults reproduce 10 s doubling to 300 s', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0, initialMs: 10_000, maxMs: 300_000 });
  assert.deepEqual(crashLoop(b, clock, 'k', 8), [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
});

test('max below initial gives a flat max (kubelet rule)', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0, initialMs: 10_000, maxMs: 2000 });
  assert.deepEqual(crashLoop(b, clock, 'k', 4), [0, 2000, 2000, 2000]);
});

test('backoffUntil is undefined without an entry and counts from finishedAt', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  const t0 = clock.now();
  assert.equal(b.backoffUntil('k', t0), undefined);
  b.next('k', t0); // first restart
  clock.advance(300);
  const finished = clock.now(); // crashed 300 ms after the restart
  assert.equal(b.backoffUntil('k', finished), finished + 1000);
  clock.advance(999);
  assert.equal(b.backoffUntil('k', finished), finished + 1000);
  clock.advance(1);
  assert.equal(b.backoffUntil('k', finished), undefined);
  assert.equal(b.delayFor('k'), 1000);
});

test('an exit noticed late is not held back for time already spent dead', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  b.next('k', clock.now());
  const finished = clock.now();
  clock.advance(5000); // the agent saw the exit only now
  assert.equal(b.backoffUntil('k', finished), undefined);
});

test('running longer than resetAfterMs resets the entry: immediate restart, then initial again', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  assert.deepEqual(crashLoop(b, clock, 'k', 5), [0, 1000, 2000, 4000, 8000]);
  // Ran 10 min and 1 ms since the last restart: forgiven.
  assert.deepEqual(crashLoop(b, clock, 'k', 4, 600_001), [0, 0, 0, 0]);
  assert.deepEqual(crashLoop(b, clock, 'k', 3), [1000, 2000, 4000]);
});

test('running exactly resetAfterMs is not enough (strictly longer, as the kubelet)', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  crashLoop(b, clock, 'k', 3); // the last restart set the step to 4 s
  clock.advance(600_000);
  const finished = clock.now();
  assert.equal(b.backoffUntil('k', finished), finished + 4000);
});

test('expiry is measured to the exit, not to now', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  crashLoop(b, clock, 'k', 4); // the last restart set the step to 8 s
  clock.advance(10);
  const finished = clock.now(); // crashed 10 ms after its restart
  clock.advance(700_000); // nobody looked for a long time
  b.next('k', finished);
  assert.equal(b.delayFor('k'), 16_000, 'a short run followed by idle time is not forgiven');
});

test('keys are independent', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  crashLoop(b, clock, 'a', 6);
  assert.equal(b.delayFor('a'), 32_000);
  assert.equal(b.delayFor('b'), undefined);
  assert.deepEqual(crashLoop(b, clock, 'b', 3), [0, 1000, 2000]);
  assert.equal(b.delayFor('a'), 32_000);
  b.reset('a');
  assert.equal(b.delayFor('a'), undefined);
  assert.equal(b.delayFor('b'), 4000);
});

test('gc drops entries idle for longer than resetAfterMs and keeps fresh ones', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, jitter: 0 });
  b.next('old', clock.now());
  clock.advance(300_000);
  b.next('fresh', clock.now());
  clock.advance(300_001);
  b.gc();
  assert.equal(b.size, 1);
  assert.equal(b.delayFor('old'), undefined);
  assert.equal(b.delayFor('fresh'), 1000);
});

test('jitter stays within ±10 % of the nominal step and does not compound', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, random: seeded(42) });
  const nominal = [0, 1000, 2000, 4000, 8000, 16000, 32000, 60000];
  for (let round = 0; round < 50; round++) {
    b.reset('k');
    const waits = crashLoop(b, clock, 'k', nominal.length + 12);
    waits.forEach((w, i) => {
      const n = nominal[Math.min(i, nominal.length - 1)] ?? 0;
      assert.ok(w >= Math.floor(n * 0.9) && w <= Math.ceil(n * 1.1), `wait ${i} = ${w} outside ${n} ±10 %`);
    });
  }
});

test('jitter spreads both ways around the step', () => {
  const clock = new FakeClock();
  const b = new CrashBackoff({ clock, random: seeded(7) });
  const atCap: number[] = [];
  for (let i = 0; i < 200; i++) {
    b.reset('k');
    atCap.push(...crashLoop(b, clock, 'k', 12).slice(8));
  }
  assert.ok(atCap.some((w) => w < 57_000), 'some waits well below 60 s');
  assert.ok(atCap.some((w) => w > 63_000), 'some waits well above 60 s');
  const mean = atCap.reduce((s, w) => s + w, 0) / atCap.length;
  assert.ok(Math.abs(mean - 60_000) < 1000, `mean ${mean} near 60 s`);
});

test('extreme random values hit the jitter bounds exactly', () => {
  const clock = new FakeClock();
  const lo = new CrashBackoff({ clock, random: () => 0 });
  lo.next('k', clock.now());
  assert.equal(lo.delayFor('k'), 900);
  const hi = new CrashBackoff({ clock, random: () => 0.999999999 });
  hi.next('k', clock.now());
  assert.equal(hi.delayFor('k'), 1100);
});

test('options are validated', () => {
  const clock = new FakeClock();
  assert.throws(() => new CrashBackoff({ clock, jitter: 1 }), CrashBackoffOptionsError);
  assert.throws(() => new CrashBackoff({ clock, jitter: -0.1 }), CrashBackoffOptionsError);
  assert.throws(() => new CrashBackoff({ clock, initialMs: 0 }), CrashBackoffOptionsError);
  assert.throws(() => new CrashBackoff({ clock, maxMs: Number.NaN }), CrashBackoffOptionsError);
  assert.throws(() => new CrashBackoff({ clock, resetAfterMs: 0 }), CrashBackoffOptionsError);
});

test('Go duration formatting', () => {
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(formatGoDuration(500), '500ms');
  assert.equal(formatGoDuration(1000), '1s');
  assert.equal(formatGoDuration(4213), '4.213s');
  assert.equal(formatGoDuration(1500), '1.5s');
  assert.equal(formatGoDuration(40_000), '40s');
  assert.equal(formatGoDuration(60_000), '1m0s');
  assert.equal(formatGoDuration(80_000), '1m20s');
  assert.equal(formatGoDuration(300_000), '5m0s');
  assert.equal(formatGoDuration(61_050), '1m1.05s');
  assert.equal(formatGoDuration(3_600_000), '1h0m0s');
  assert.equal(formatGoDuration(3_723_000), '1h2m3s');
  assert.equal(formatGoDuration(-1500), '-1.5s');
});

test('kubelet message texts', () => {
  const pod = podDescription({ name: 'web-0', namespace: 'default', uid: '1b2c' });
  assert.equal(pod, 'web-0_default(1b2c)');
  assert.equal(crashLoopBackOffMessage(40_000, 'app', pod), 'back-off 40s restarting failed container=app pod=web-0_default(1b2c)');
  assert.equal(crashLoopBackOffMessage(60_000, 'app', pod), 'back-off 1m0s restarting failed container=app pod=web-0_default(1b2c)');
  assert.equal(backOffEventMessage('app', pod), 'Back-off restarting failed container app in pod web-0_default(1b2c)');
});
