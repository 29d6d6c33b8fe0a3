import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePodStatus, podPhase, type ContainerView } from './pod-status.js';
import type { ContainerInfo } from '../runtime/runtime.js';
import type { PodSpec } from './pod-types.js';

const NOW = '2026-01-01T00:00:00Z';

function exited(name: string, attempt: number, exitCode: number): ContainerInfo {
  return { id: `${name}-${attempt}`, sandboxId: 's', podUid: 'u', name, attempt, image: 'img', state: 'exited', createdAt: new Date(0), startedAt: new Date(1000), finishedAt: new Date(2000), exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', logPath: '/x', labels: {} };
}

function running(name: string, attempt: number): ContainerInfo {
  return { id: `${name}-${attempt}`, sandboxId: 's', podUid: 'u', name, attempt, image: 'img', state: 'running', createdAt: new Date(0), startedAt: new Date(3000), logPath: '/x', labels: {} };
}

const spec = (policy: PodSpec['restartPolicy'], names = ['app']): PodSpec => ({ restartPolicy: policy, containers: names.map((n) => ({ name: n, image: 'img', command: ['x'] })) });

function status(s: PodSpec, main: ContainerView[], extra: Partial<Parameters<typeof computePodStatus>[0]> = {}) {
  return computePodStatus({ spec: s, prev: {}, runtimeName: 'process', hostIP: '10.0.0.1', podIP: '10.42.0.2', sandboxReady: true, initDone: true, init: [], main, nowIso: NOW, ...extra });
}

test('a crash-looping container is waiting with the last exit as lastState, and the pod stays Running', () => {
  const s = spec('Always');
  const st = status(s, [{ spec: s.containers[0]!, latest: exited('app', 3, 1), previous: exited('app', 2, 1), waiting: { reason: 'CrashLoopBackOff', message: 'back-off 4s restarting failed container=app pod=p_default(u)' }, ready: false, started: false }]);
  const cs = st.containerStatuses![0]!;
  assert.equal(st.phase, 'Running');
  assert.equal(cs.restartCount, 3);
  assert.deepEqual(cs.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 4s restarting failed container=app pod=p_default(u)' } });
  assert.equal((cs.lastState!.terminated as { exitCode: number }).exitCode, 1);
  assert.equal((cs.lastState!.terminated as { containerID: string }).containerID, 'process://app-3');
  const ready = st.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [app]');
});

test('phases: OnFailure exit 0 Succeeded, Never exit 1 Failed, OnFailure exit 1 Running (restarting)', () => {
  const ok = spec('OnFailure');
  assert.equal(status(ok, [{ spec: ok.containers[0]!, latest: exited('app', 0, 0), ready: false, started: false }]).phase, 'Succeeded');
  const never = spec('Never');
  assert.equal(status(never, [{ spec: never.containers[0]!, latest: exited('app', 0, 1), ready: false, started: false }]).phase, 'Failed');
  assert.equal(status(ok, [{ spec: ok.containers[0]!, latest: exited('app', 0, 1), waiting: { reason: 'CrashLoopBackOff' }, ready: false, started: false }]).phase, 'Running');
});

test('a running ready container makes the pod Ready with conditions in kubelet order', () => {
  const s = spec('Always');
  const st = status(s, [{ spec: s.containers[0]!, latest: running('app', 1), previous: exited('app', 0, 2), ready: true, started: true }], {
    prev: { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
  });
  assert.equal(st.phase, 'Running');
  assert.deepEqual(st.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  const cs = st.containerStatuses![0]!;
  assert.ok(cs.state!.running);
  assert.equal((cs.lastState!.terminated as { exitCode: number }).exitCode, 2);
  assert.equal(st.podIP, '10.42.0.2');
});

test('pending init containers: PodInitializing for app containers, Initialized False', () => {
  const s: PodSpec = { ...spec('Always'), initContainers: [{ name: 'init', image: 'i', command: ['x'] }] };
  const st = status(s, [{ spec: s.containers[0]!, ready: false, started: false }], { initDone: false, init: [{ spec: s.initContainers![0]!, latest: running('init', 0), ready: false, started: true }] });
  assert.equal(st.phase, 'Pending');
  assert.deepEqual(st.containerStatuses![0]!.state, { waiting: { reason: 'PodInitializing' } });
  const init = st.conditions!.find((c) => c.type === 'Initialized')!;
  assert.equal(init.status, 'False');
  assert.equal(init.message, 'containers with incomplete status: [init]');
});

test('getPhase counts a waiting container that never ran as waiting (Pending)', () => {
  assert.equal(podPhase(spec('Always'), [], [{ name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }], true), 'Pending');
});

test('a crashed sidecar does not fail a Never pod that is still initialising', () => {
  const s: PodSpec = { ...spec('Never'), initContainers: [{ name: 'side', image: 'i', command: ['x'], restartPolicy: 'Always' }, { name: 'init', image: 'i', command: ['x'] }] };
  const st = status(s, [{ spec: s.containers[0]!, ready: false, started: false }], {
    initDone: false,
    init: [
      { spec: s.initContainers![0]!, latest: running('side', 1), previous: exited('side', 0, 1), ready: true, started: true },
      { spec: s.initContainers![1]!, latest: running('init', 0), ready: false, started: true },
    ],
  });
  assert.equal(st.phase, 'Pending');
});
