// The probe worker on a FakeClock: thresholds both ways, initial states,
// initial delay from container start, the fixed cadence, no overlap of slow
// attempts, unknown attempts not counted, startup holding, and stop.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock/clock.js';
import type { Probe } from '../pods/pod-types.js';
import type { ProbeKind, ProbeResult } from './probe-result.js';
import { ProbeWorker, type ProbeWorkerOptions } from './probe-worker.js';

/** Lets promise continuations run (the worker awaits `run`). */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Advances fake time in steps, letting attempts settle between steps. */
async function advance(clock: FakeClock, ms: number, step = 250): Promise<void> {
  // Fire what is due now and let it settle before time moves, so results are seen at the time they happen.
  await flush();
  clock.advance(0);
  await flush();
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await flush();
  }
}

const ok: ProbeResult = { result: 'success', output: 'ok' };
const bad: ProbeResult = { result: 'failure', output: 'HTTP probe failed with statuscode: 500' };

interface Harness {
  clock: FakeClock;
  worker: ProbeWorker;
  /** what the next attempts return; the last entry repeats */
  script: ProbeResult[];
  results: [number, string][];
  failures: number[];
  errors: string[];
  warnings: string[];
  /** fake ms since the test began at which each attempt started */
  attempts: number[];
}

function harness(kind: ProbeKind, probe: Probe, extra: Partial<ProbeWorkerOptions> = {}, script: ProbeResult[] = [ok]): Harness {
  const clock = new FakeClock();
  const t0 = clock.monotonic();
  const h: Harness = { clock, worker: undefined as unknown as ProbeWorker, script, results: [], failures: [], errors: [], warnings: [], attempts: [] };
  h.worker = new ProbeWorker({
    kind,
    probe,
    clock,
    run: async () => {
      h.attempts.push(clock.monotonic() - t0);
      return (h.script.length > 1 ? h.script.shift() : h.script[0]) ?? ok;
    },
    onResult: (result) => h.results.push([clock.monotonic() - t0, result]),
    onFailureOutput: () => h.failures.push(clock.monotonic() - t0),
    onError: (o) => h.errors.push(o),
    onWarning: (o) => h.warnings.push(o),
    ...extra,
  });
  return h;
}

test('initial states are the kubelet\'s: readiness failure, liveness success, startup unknown', () => {
  assert.equal(harness('readiness', {}).worker.result, 'failure');
  assert.equal(harness('liveness', {}).worker.result, 'success');
  assert.equal(harness('startup', {}).worker.result, 'unknown');
});

test('the constructor arms nothing; start() does', async () => {
  const h = harness('readiness', { periodSeconds: 1 });
  await advance(h.clock, 5000);
  assert.deepEqual(h.attempts, []);
  h.worker.start();
  await advance(h.clock, 2500);
  assert.deepEqual(h.attempts, [5000, 6000, 7000]);
});

test('readiness flips both ways, failures only after failureThreshold in a row', async () => {
  const h = harness('readiness', { periodSeconds: 10, failureThreshold: 3 }, {}, [ok, bad, bad, ok, bad, bad, bad, ok]);
  h.worker.start();
  await advance(h.clock, 0);
  assert.deepEqual(h.results, [[0, 'success']], 'ready on the first success');
  await advance(h.clock, 30_000); // bad at 10, 20; ok at 30 resets the run
  assert.deepEqual(h.results, [[0, 'success']]);
  await advance(h.clock, 30_000); // bad at 40, 50, 60 → not ready at 60
  assert.deepEqual(h.results, [
    [0, 'success'],
    [60_000, 'failure'],
  ]);
  assert.equal(h.worker.result, 'failure');
  await advance(h.clock, 10_000); // ok at 70
  assert.deepEqual(h.results.at(-1), [70_000, 'success']);
  assert.deepEqual(h.failures, [10_000, 20_000, 40_000, 50_000, 60_000], 'every failed attempt is reported');
  assert.equal(h.worker.isStopped, false, 'readiness keeps probing');
});

test('readiness successThreshold 2 needs two successes in a row', async () => {
  const h = harness('readiness', { periodSeconds: 5, successThreshold: 2 }, {}, [ok, bad, ok, ok, ok]);
  h.worker.start();
  await advance(h.clock, 10_000); // ok@0, bad@5, ok@10
  assert.deepEqual(h.results, []);
  await advance(h.clock, 5000); // ok@15
  assert.deepEqual(h.results, [[15_000, 'success']]);
});

test('successThreshold is forced to 1 for liveness and startup', () => {
  assert.equal(harness('liveness', { successThreshold: 3 }).worker.probe.successThreshold, 1);
  assert.equal(harness('readiness', { successThreshold: 3 }).worker.probe.successThreshold, 3);
});

test('liveness fires at initialDelay + (failureThreshold-1) × period and then stops', async () => {
  const h = harness('liveness', { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }, {}, [bad]);
  h.worker.start();
  await advance(h.clock, 24_750);
  assert.deepEqual(h.results, []);
  assert.deepEqual(h.attempts, [5000, 15_000]);
  await advance(h.clock, 250);
  assert.deepEqual(h.results, [[25_000, 'failure']]);
  assert.equal(h.worker.isStopped, true);
  await advance(h.clock, 60_000);
  assert.deepEqual(h.attempts, [5000, 15_000, 25_000], 'no probing of a container about to be killed');
});

test('with the API defaults liveness kills after 3 failures 10 s apart', async () => {
  const h = harness('liveness', {}, {}, [bad]);
  h.worker.start();
  await advance(h.clock, 20_000);
  assert.deepEqual(h.results, [[20_000, 'failure']]);
  assert.deepEqual(h.failures, [0, 10_000, 20_000]);
});

test('a success between failures resets the liveness run', async () => {
  const h = harness('liveness', { periodSeconds: 1, failureThreshold: 2 }, {}, [bad, ok, bad, ok, bad, bad]);
  h.worker.start();
  await advance(h.clock, 4000);
  assert.deepEqual(h.results, []);
  await advance(h.clock, 1000);
  assert.deepEqual(h.results, [[5000, 'failure']]);
});

test('the initial delay counts from container start, not from start()', async () => {
  const clockStart = new FakeClock();
  const h = harness('readiness', { initialDelaySeconds: 30, periodSeconds: 10 }, { startedAtMs: clockStart.now() - 25_000 });
  h.worker.start();
  await advance(h.clock, 4750);
  assert.deepEqual(h.attempts, []);
  await advance(h.clock, 250);
  assert.deepEqual(h.attempts, [5000]);
  // A container that started long ago (an adopted one) is probed at once.
  const old = harness('readiness', { initialDelaySeconds: 30 }, { startedAtMs: clockStart.now() - 3600_000 });
  old.worker.start();
  await advance(old.clock, 0);
  assert.deepEqual(old.attempts, [0]);
});

test('slow attempts never overlap; a tick missed while one runs runs right after it', async () => {
  let running = 0;
  let maxRunning = 0;
  const clock = new FakeClock();
  const starts: number[] = [];
  const w = new ProbeWorker({
    kind: 'readiness',
    probe: { periodSeconds: 10, timeoutSeconds: 25 },
    clock,
    run: () =>
      new Promise<ProbeResult>((resolve) => {
        starts.push(clock.monotonic());
        running++;
        maxRunning = Math.max(maxRunning, running);
        clock.setTimeout(() => {
          running--;
          resolve(ok);
        }, 25_000);
      }),
    onResult: () => undefined,
  });
  w.start();
  await advance(clock, 100_000);
  assert.equal(maxRunning, 1);
  // 0 → 25 (ticks at 10 and 20 collapse into one, run at 25) → 50 → 75 → 100
  assert.deepEqual(starts, [0, 25_000, 50_000, 75_000, 100_000]);
  w.stop();
});

test('unknown attempts are reported but not counted, and do not break a run of failures', async () => {
  const unknown: ProbeResult = { result: 'unknown', output: 'port "web" not found' };
  const h = harness('liveness', { periodSeconds: 1, failureThreshold: 3 }, {}, [bad, unknown, bad, unknown, unknown, bad]);
  h.worker.start();
  await advance(h.clock, 4000);
  assert.deepEqual(h.results, []);
  assert.deepEqual(h.errors, ['port "web" not found', 'port "web" not found', 'port "web" not found']);
  await advance(h.clock, 1000);
  assert.deepEqual(h.results, [[5000, 'failure']]);
});

test('a rejected run counts as unknown', async () => {
  const clock = new FakeClock();
  const errors: string[] = [];
  const results: string[] = [];
  const w = new ProbeWorker({
    kind: 'readiness',
    probe: {},
    clock,
    run: async () => {
      throw new Error('boom');
    },
    onResult: (r) => results.push(r),
    onError: (o) => errors.push(o),
  });
  w.start();
  await advance(clock, 20_000);
  assert.deepEqual(errors, ['boom', 'boom', 'boom']);
  assert.deepEqual(results, []);
  w.stop();
});

test('a success with a warning is a success and reports the warning', async () => {
  const warn: ProbeResult = { result: 'success', output: 'Probe terminated redirects, Response body: ', warning: true };
  const h = harness('readiness', {}, {}, [warn]);
  h.worker.start();
  await advance(h.clock, 0);
  assert.deepEqual(h.results, [[0, 'success']]);
  assert.deepEqual(h.warnings, ['Probe terminated redirects, Response body: ']);
  h.worker.stop();
});

test('a held worker ticks without probing until setStartupDone', async () => {
  const live = harness('liveness', { periodSeconds: 10 }, { held: true });
  const ready = harness('readiness', { periodSeconds: 10 }, { held: true });
  live.worker.start();
  ready.worker.start();
  await advance(live.clock, 33_000);
  await advance(ready.clock, 33_000);
  assert.deepEqual(live.attempts, []);
  assert.deepEqual(ready.attempts, []);
  live.worker.setStartupDone();
  ready.worker.setStartupDone();
  await flush();
  assert.deepEqual(ready.attempts, [33_000], 'readiness probes at once when the container turns started');
  assert.deepEqual(ready.results, [[33_000, 'success']]);
  assert.deepEqual(live.attempts, [], 'liveness waits for its next tick');
  await advance(live.clock, 7000);
  assert.deepEqual(live.attempts, [40_000]);
  live.worker.stop();
  ready.worker.stop();
});

test('startup stops after success, and after failureThreshold failures', async () => {
  const good = harness('startup', { periodSeconds: 2, failureThreshold: 5 }, {}, [bad, bad, ok]);
  good.worker.start();
  await advance(good.clock, 10_000);
  assert.deepEqual(good.results, [[4000, 'success']]);
  assert.deepEqual(good.attempts, [0, 2000, 4000]);
  assert.equal(good.worker.isStopped, true);
  const never = harness('startup', { periodSeconds: 2, failureThreshold: 5 }, {}, [bad]);
  never.worker.start();
  await advance(never.clock, 20_000);
  assert.deepEqual(never.results, [[8000, 'failure']]);
  assert.equal(never.worker.isStopped, true);
});

test('stop cancels the timer and drops an attempt still running', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const results: string[] = [];
  let release: ((r: ProbeResult) => void) | undefined;
  const w = new ProbeWorker({
    kind: 'readiness',
    probe: { periodSeconds: 1 },
    clock,
    run: () => {
      calls++;
      return new Promise<ProbeResult>((r) => (release = r));
    },
    onResult: (r) => results.push(r),
  });
  w.start();
  await advance(clock, 0);
  assert.equal(calls, 1);
  w.stop();
  release?.(ok);
  await advance(clock, 10_000);
  assert.equal(calls, 1);
  assert.deepEqual(results, []);
  assert.equal(w.result, 'failure');
});

test('probe-level terminationGracePeriodSeconds is exposed for liveness and startup only', () => {
  assert.equal(harness('liveness', { terminationGracePeriodSeconds: 5 }).worker.terminationGracePeriodSeconds, 5);
  assert.equal(harness('startup', { terminationGracePeriodSeconds: 7 }).worker.terminationGracePeriodSeconds, 7);
  assert.equal(harness('readiness', { terminationGracePeriodSeconds: 5 }).worker.terminationGracePeriodSeconds, undefined);
  assert.equal(harness('liveness', {}).worker.terminationGracePeriodSeconds, undefined);
});

test('a throwing callback is reported and the worker keeps its cadence', async () => {
  const reported: unknown[] = [];
  const h = harness('readiness', { periodSeconds: 1 }, {
    onFailureOutput: () => {
      throw new Error('recorder down');
    },
    onCallbackError: (e) => reported.push(e),
  }, [bad]);
  h.worker.start();
  await advance(h.clock, 2000);
  assert.equal(h.attempts.length, 3);
  assert.equal(reported.length, 3);
  h.worker.stop();
});
