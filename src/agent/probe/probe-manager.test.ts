// The probe manager of one container instance on a FakeClock: ready/started
// as the kubelet combines them, startup holding liveness back, the kill
// decision with its Killing text and grace period, and the Unhealthy texts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock/clock.js';
import type { Container } from '../pods/pod-types.js';
import type { ProbeKind, ProbeResult } from './probe-result.js';
import { ProbeManager, type LivenessFailure, type ProbeManagerOptions, type ProbeStatus } from './probe-manager.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

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

const ok: ProbeResult = { result: 'success', output: '' };
const bad = (output: string): ProbeResult => ({ result: 'failure', output });

interface Harness {
  clock: FakeClock;
  m: ProbeManager;
  changes: [number, ProbeStatus][];
  kills: [number, LivenessFailure][];
  unhealthy: [ProbeKind, string][];
  warnings: string[];
  calls: Record<ProbeKind, number[]>;
  /** per kind: what the next attempts return; the last entry repeats */
  scripts: Partial<Record<ProbeKind, ProbeResult[]>>;
}

function harness(container: Partial<Container>, scripts: Partial<Record<ProbeKind, ProbeResult[]>>, extra: Partial<ProbeManagerOptions> = {}): Harness {
  const clock = new FakeClock();
  const t0 = clock.monotonic();
  const at = (): number => clock.monotonic() - t0;
  const h = { clock, changes: [], kills: [], unhealthy: [], warnings: [], calls: { liveness: [], readiness: [], startup: [] }, scripts } as unknown as Harness;
  h.m = new ProbeManager({
    container: { name: 'app', ...container },
    clock,
    runProbe: async (kind) => {
      h.calls[kind].push(at());
      const s = h.scripts[kind] ?? [ok];
      return (s.length > 1 ? s.shift() : s[0]) ?? ok;
    },
    onChange: (s) => h.changes.push([at(), s]),
    onLivenessFailure: (f) => h.kills.push([at(), f]),
    onUnhealthy: (kind, _output, message) => h.unhealthy.push([kind, message]),
    onProbeWarning: (_kind, _output, message) => h.warnings.push(message),
    ...extra,
  });
  return h;
}

test('no probes: started and ready at once, nothing scheduled', async () => {
  const h = harness({}, {});
  assert.equal(h.m.started, true);
  assert.equal(h.m.ready, true);
  h.m.start();
  await advance(h.clock, 60_000);
  assert.deepEqual(h.changes, []);
});

test('readiness: not ready until the probe succeeds, flips back after the failure threshold', async () => {
  const h = harness({ readinessProbe: { periodSeconds: 5, failureThreshold: 2 } }, { readiness: [bad('no'), ok, bad('down'), bad('down'), ok] });
  assert.deepEqual([h.m.started, h.m.ready], [true, false]);
  h.m.start();
  await advance(h.clock, 30_000);
  assert.deepEqual(h.changes, [
    [5000, { ready: true, started: true }],
    [15_000, { ready: false, started: true }],
    [20_000, { ready: true, started: true }],
  ]);
  assert.deepEqual(h.unhealthy, [
    ['readiness', 'Readiness probe failed: no'],
    ['readiness', 'Readiness probe failed: down'],
    ['readiness', 'Readiness probe failed: down'],
  ]);
  assert.deepEqual(h.kills, [], 'readiness never kills');
  h.m.stop();
});

test('liveness failure: Unhealthy per attempt, then one kill with the Killing text, ready dropped first', async () => {
  const h = harness(
    { livenessProbe: { initialDelaySeconds: 3, periodSeconds: 10, failureThreshold: 2, terminationGracePeriodSeconds: 4 } },
    { liveness: [ok, bad('HTTP probe failed with statuscode: 500')] },
  );
  h.m.start();
  await advance(h.clock, 22_750);
  assert.deepEqual(h.kills, []);
  await advance(h.clock, 250);
  assert.deepEqual(h.kills, [
    [
      23_000,
      {
        kind: 'liveness',
        output: 'HTTP probe failed with statuscode: 500',
        gracePeriodSeconds: 4,
        message: 'Container app failed liveness probe, will be restarted',
      },
    ],
  ]);
  // ok@3, bad@13, bad@23 → killed at 23 s, on the failureThreshold-th failure in a row
  assert.deepEqual(h.calls.liveness, [3000, 13_000, 23_000]);
  assert.deepEqual(h.changes, [[23_000, { ready: false, started: true }]]);
  assert.equal(h.unhealthy.length, 2);
  assert.deepEqual(h.unhealthy[0], ['liveness', 'Liveness probe failed: HTTP probe failed with statuscode: 500']);
  assert.equal(h.m.ready, false);
  assert.equal(h.m.failure?.kind, 'liveness');
  await advance(h.clock, 60_000);
  assert.equal(h.calls.liveness.length, 3, 'all workers stopped');
  assert.equal(h.kills.length, 1);
});

test('startup holds liveness and readiness back, then both run', async () => {
  const h = harness(
    {
      startupProbe: { periodSeconds: 2, failureThreshold: 10 },
      livenessProbe: { periodSeconds: 10 },
      readinessProbe: { periodSeconds: 10 },
    },
    { startup: [bad('not yet'), bad('not yet'), bad('not yet'), ok] },
  );
  assert.deepEqual([h.m.started, h.m.ready], [false, false]);
  h.m.start();
  await advance(h.clock, 5750);
  assert.deepEqual(h.calls.liveness, []);
  assert.deepEqual(h.calls.readiness, []);
  await advance(h.clock, 250); // startup ok@6
  assert.deepEqual(h.calls.startup, [0, 2000, 4000, 6000]);
  assert.deepEqual(h.calls.readiness, [6000], 'readiness runs as soon as the container is started');
  assert.deepEqual(h.changes, [
    [6000, { ready: false, started: true }],
    [6000, { ready: true, started: true }],
  ]);
  await advance(h.clock, 4000);
  assert.deepEqual(h.calls.liveness, [10_000], 'liveness on its own cadence once started');
  assert.deepEqual(h.unhealthy.map(([, m]) => m), ['Startup probe failed: not yet', 'Startup probe failed: not yet', 'Startup probe failed: not yet']);
  h.m.stop();
});

test('startup that never succeeds kills after failureThreshold × period, liveness never ran', async () => {
  const h = harness(
    { startupProbe: { periodSeconds: 5, failureThreshold: 4, terminationGracePeriodSeconds: 10 }, livenessProbe: {} },
    { startup: [bad('command "cat /tmp/ready" timed out')] },
  );
  h.m.start();
  await advance(h.clock, 30_000);
  assert.equal(h.kills.length, 1);
  const [when, f] = h.kills[0]!;
  assert.equal(when, 15_000);
  assert.deepEqual(f, {
    kind: 'startup',
    output: 'command "cat /tmp/ready" timed out',
    gracePeriodSeconds: 10,
    message: 'Container app failed startup probe, will be restarted',
  });
  assert.deepEqual(h.calls.liveness, []);
  assert.equal(h.m.started, false);
  assert.deepEqual(h.changes, [], 'never started, never ready: nothing changed');
});

test('Killing text without restart and for sidecars; grace falls back to the pod when unset', async () => {
  const never = harness({ livenessProbe: { failureThreshold: 1 } }, { liveness: [bad('x')] }, { restart: false });
  never.m.start();
  await advance(never.clock, 0);
  assert.equal(never.kills[0]?.[1].message, 'Container app failed liveness probe');
  assert.equal(never.kills[0]?.[1].gracePeriodSeconds, undefined);
  const side = harness({ startupProbe: { failureThreshold: 1 } }, { startup: [bad('x')] }, { sidecar: true });
  side.m.start();
  await advance(side.clock, 0);
  assert.equal(side.kills[0]?.[1].message, 'Init container app failed startup probe');
});

test('errored attempts are Unhealthy "probe errored" events and never kill', async () => {
  const h = harness({ livenessProbe: { periodSeconds: 1, failureThreshold: 1 } }, { liveness: [{ result: 'unknown', output: 'port "web" not found' }] });
  h.m.start();
  await advance(h.clock, 2000);
  assert.deepEqual(h.kills, []);
  assert.deepEqual(h.unhealthy[0], ['liveness', 'Liveness probe errored: port "web" not found']);
  assert.equal(h.unhealthy.length, 3);
  h.m.stop();
});

test('warnings become ProbeWarning texts', async () => {
  const h = harness({ readinessProbe: {} }, { readiness: [{ result: 'success', output: 'Probe terminated redirects, Response body: moved', warning: true }] });
  h.m.start();
  await advance(h.clock, 0);
  assert.deepEqual(h.warnings, ['Readiness probe warning: Probe terminated redirects, Response body: moved']);
  assert.equal(h.m.ready, true);
  h.m.stop();
});

test('stop cancels every worker', async () => {
  const h = harness({ livenessProbe: { periodSeconds: 1 }, readinessProbe: { periodSeconds: 1 } }, {});
  h.m.start();
  await advance(h.clock, 1000);
  const before = h.calls.liveness.length + h.calls.readiness.length;
  h.m.stop();
  await advance(h.clock, 10_000);
  assert.equal(h.calls.liveness.length + h.calls.readiness.length, before);
});
