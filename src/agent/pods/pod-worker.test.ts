// The pod worker's healing logic on a fake clock and an in-memory runtime:
// restart policies, crash-loop backoff timing, init containers, graceful
// deletion. Runs in milliseconds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { EventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/api-client.js';
import { CrashBackoff } from '../../lib/backoff/crash-backoff.js';
import { FakeClock } from '../../lib/clock/clock.js';
import { silentLogger } from '../../lib/log/log.js';
import { MemoryRuntime } from '../runtime/testing/memory-runtime.js';
import { PodWorker, READY_SETTLE_MS } from './pod-worker.js';
import type { PodSpec, PodStatusJson } from './pod-types.js';

interface Harness {
  clock: FakeClock;
  rt: MemoryRuntime;
  worker: PodWorker;
  statuses: PodStatusJson[];
  events: string[];
  deleted: number;
  settle(): Promise<void>;
  last(): PodStatusJson;
}

function pod(spec: Partial<PodSpec>): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-1' }, spec: { containers: [{ name: 'app', image: 'busybox', command: ['x'] }], ...spec } };
}

async function harness(p: KObject): Promise<Harness> {
  const clock = new FakeClock();
  const rt = new MemoryRuntime(clock);
  const events: string[] = [];
  const client = {
    create: async (_r: unknown, _ns: string, ev: KObject) => {
      events.push(`${ev.reason as string}: ${ev.message as string}`);
      return ev;
    },
    patch: async () => ({ metadata: {} }),
  } as unknown as ApiClient;
  const recorder = new EventRecorder({ client, source: { component: 'kubelet' }, clock, log: silentLogger() });
  const h = { clock, rt, statuses: [] as PodStatusJson[], events, deleted: 0 } as Partial<Harness> as Harness;
  const worker = new PodWorker(p, {
    runtime: rt,
    clock,
    recorder,
    log: silentLogger(),
    backoff: new CrashBackoff({ clock, jitter: 0 }),
    probes: () => ({ ready: true, started: true, stop: () => undefined }),
    hostIP: '10.0.0.1',
    configure: async (_pod, c, attempt) => ({ name: c.name, attempt, image: c.image ?? '', argv: c.command ?? [], env: [], mounts: [], resources: {}, logPath: '/dev/null', labels: {} }),
    runHandler: async () => undefined,
    publish: async (_p, s) => {
      h.statuses.push(s);
    },
    finishDeletion: async () => {
      h.deleted++;
    },
    cleanup: async () => undefined,
  });
  rt.onExit((c) => worker.containerExited(c));
  h.worker = worker;
  h.settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    await recorder.flush();
  };
  h.last = () => h.statuses[h.statuses.length - 1]!;
  worker.update(p);
  await h.settle();
  return h;
}

const restarts = (h: Harness): number => h.last().containerStatuses![0]!.restartCount;

test('Always: first restart at once, then 1 s, 2 s, 4 s back-off with CrashLoopBackOff and BackOff events', async () => {
  const h = await harness(pod({ restartPolicy: 'Always' }));
  assert.equal(h.last().phase, 'Running');
  h.rt.exit(h.rt.running('app')!.id, 1);
  await h.settle();
  assert.ok(h.rt.running('app'), 'restarted at once on the first exit');
  assert.equal(restarts(h), 1);

  h.rt.exit(h.rt.running('app')!.id, 1);
  await h.settle();
  assert.equal(h.rt.running('app'), undefined, 'second exit waits');
  const cs = h.last().containerStatuses![0]!;
  assert.equal((cs.state!.waiting as { reason: string }).reason, 'CrashLoopBackOff');
  assert.match((cs.state!.waiting as { message: string }).message, /^back-off 1s restarting failed container=app pod=p_default\(uid-1\)$/);
  assert.equal((cs.lastState!.terminated as { exitCode: number }).exitCode, 1);
  assert.ok(h.events.includes('BackOff: Back-off restarting failed container app in pod p_default(uid-1)'));
  h.clock.advance(999);
  await h.settle();
  assert.equal(h.rt.running('app'), undefined);
  h.clock.advance(1);
  await h.settle();
  assert.ok(h.rt.running('app'), 'restarted when the 1 s back-off ends');
  assert.equal(restarts(h), 2);

  h.rt.exit(h.rt.running('app')!.id, 1);
  await h.settle();
  h.clock.advance(1999);
  await h.settle();
  assert.equal(h.rt.running('app'), undefined);
  h.clock.advance(1);
  await h.settle();
  assert.ok(h.rt.running('app'), 'then 2 s');
  assert.equal(restarts(h), 3);
});

test('OnFailure: exit 0 ends Succeeded; exit 1 restarts', async () => {
  const ok = await harness(pod({ restartPolicy: 'OnFailure' }));
  ok.rt.exit(ok.rt.running('app')!.id, 0);
  await ok.settle();
  assert.equal(ok.last().phase, 'Succeeded');
  assert.equal(ok.rt.running('app'), undefined);
  assert.equal((ok.last().containerStatuses![0]!.state!.terminated as { reason: string }).reason, 'Completed');

  const bad = await harness(pod({ restartPolicy: 'OnFailure' }));
  bad.rt.exit(bad.rt.running('app')!.id, 1);
  await bad.settle();
  assert.ok(bad.rt.running('app'));
  assert.equal(bad.last().phase, 'Running');
});

test('Never: exit 1 ends Failed and nothing restarts', async () => {
  const h = await harness(pod({ restartPolicy: 'Never' }));
  h.rt.exit(h.rt.running('app')!.id, 1);
  await h.settle();
  h.clock.advance(120_000);
  await h.settle();
  assert.equal(h.last().phase, 'Failed');
  assert.equal(h.rt.started.length, 1);
  assert.equal((h.last().containerStatuses![0]!.state!.terminated as { reason: string }).reason, 'Error');
});

test('init containers run in order before the app container', async () => {
  const h = await harness(pod({ initContainers: [{ name: 'one', command: ['x'] }, { name: 'two', command: ['x'] }] }));
  assert.deepEqual(h.rt.started.map((c) => c.name), ['one']);
  assert.equal(h.last().phase, 'Pending');
  h.rt.exit(h.rt.running('one')!.id, 0);
  await h.settle();
  assert.deepEqual(h.rt.started.map((c) => c.name), ['one', 'two']);
  h.rt.exit(h.rt.running('two')!.id, 0);
  await h.settle();
  assert.deepEqual(h.rt.started.map((c) => c.name), ['one', 'two', 'app']);
  assert.equal(h.last().phase, 'Running');
});

test('a failed init container in a Never pod fails the pod', async () => {
  const h = await harness(pod({ restartPolicy: 'Never', initContainers: [{ name: 'init', command: ['x'] }] }));
  h.rt.exit(h.rt.running('init')!.id, 2);
  await h.settle();
  assert.equal(h.last().phase, 'Failed');
  assert.ok(!h.rt.started.some((c) => c.name === 'app'));
});

test('deletion: SIGTERM ignored, killed at the end of the grace period, then the delete is finished', async () => {
  const p = pod({ terminationGracePeriodSeconds: 5 });
  const h = await harness(p);
  h.rt.ignoreTerm.add('app');
  h.worker.update({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date(h.clock.now() + 5000).toISOString(), deletionGracePeriodSeconds: 5 } });
  await h.settle();
  assert.ok(h.rt.running('app'), 'still running within the grace period');
  assert.ok(h.events.includes('Killing: Stopping container app'));
  h.clock.advance(5000);
  await h.settle();
  assert.equal(h.rt.running('app'), undefined);
  assert.equal(h.deleted, 1);
  assert.equal([...h.rt.containers.values()][0]!.exitCode, 137);
});

test('a sidecar (init container with restartPolicy Always) starts before the app, keeps running and is restarted even in a Never pod', async () => {
  const h = await harness(pod({ restartPolicy: 'Never', initContainers: [{ name: 'side', command: ['x'], restartPolicy: 'Always' }] }));
  assert.deepEqual(h.rt.started.map((c) => c.name), ['side', 'app']);
  h.rt.exit(h.rt.running('side')!.id, 1);
  await h.settle();
  assert.ok(h.rt.running('side'), 'the sidecar is restarted although the pod says Never');
  assert.equal(h.last().phase, 'Running');
  h.rt.exit(h.rt.running('app')!.id, 0);
  await h.settle();
  assert.equal(h.last().phase, 'Succeeded');
  assert.equal(h.rt.running('side'), undefined, 'sidecars stop when the main containers are done');
});

test('a worker that finds its container already running (agent restart) probes it again', async () => {
  const h = await harness(pod({}));
  let made = 0;
  const again = new PodWorker(pod({}), {
    ...(h.worker as unknown as { deps: ConstructorParameters<typeof PodWorker>[1] }).deps,
    probes: () => {
      made++;
      return { ready: false, started: true, stop: () => undefined };
    },
  });
  again.update(pod({}));
  await h.settle();
  assert.equal(made, 1);
  assert.equal(h.rt.started.length, 1, 'the running container was adopted, not started again');
});

test('a container counts as ready only after it has stayed up READY_SETTLE_MS; one that dies at once never shows Ready', async () => {
  const ready = (h: Harness): boolean | undefined => h.last().conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const h = await harness(pod({ restartPolicy: 'Always' }));
  assert.equal(h.last().phase, 'Running');
  assert.equal(ready(h), false, 'not yet ready right after start');
  h.clock.advance(READY_SETTLE_MS);
  await h.settle();
  assert.equal(ready(h), true, 'ready once settled, without any other event');

  const crash = await harness(pod({ restartPolicy: 'Always' }));
  crash.rt.exit(crash.rt.running('app')!.id, 1); // dies within the settle window
  await crash.settle();
  crash.rt.exit(crash.rt.running('app')!.id, 1); // and so does its immediate restart
  await crash.settle();
  crash.clock.advance(READY_SETTLE_MS);
  await crash.settle();
  assert.ok(crash.statuses.every((s) => s.conditions?.find((c) => c.type === 'Ready')?.status !== 'True'), 'never reported Ready');
});

test('a container whose process is gone is not ready at settle time even before its exit is reported', async () => {
  const h = await harness(pod({ restartPolicy: 'Always' }));
  const id = h.rt.running('app')!.id;
  // The runtime's direct check says it died; the exit notice has not arrived yet.
  const alive = h.rt.isAlive.bind(h.rt);
  h.rt.isAlive = (cid: string) => (cid === id ? false : alive(cid));
  h.clock.advance(READY_SETTLE_MS);
  await h.settle();
  assert.notEqual(h.last().conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});
