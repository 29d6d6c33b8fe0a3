// applyStage beyond the golden cases: sidecars, waiting states, restarting
// a running container, kept fields and timestamps, events. Every status
// must also pass the API server's status-update validation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { validatePodStatusUpdate } from '../../api/validation/pod.js';
import { applyStage, type PodContext } from './next-status.js';
import { parseStages } from './parse.js';
import type { Stage } from './stage.js';

const CTX: PodContext = { nowIso: '2026-01-01T00:00:00Z', nodeName: 'sim-0', podIP: '10.244.0.5', hostIP: '10.0.0.1' };
const LATER: PodContext = { ...CTX, nowIso: '2026-01-01T00:05:00Z' };

function one(yaml: string): Stage {
  const [s] = parseStages(`kind: Stage\nname: s\nresource: Pod\n${yaml}`, 'test.yaml');
  assert.ok(s);
  return s;
}

interface CS {
  name: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  containerID?: string;
  state: { running?: { startedAt: string }; terminated?: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string }; waiting?: { reason: string } };
  lastState: CS['state'];
}
interface Status {
  phase: string;
  nominatedNodeName?: string;
  conditions: { type: string; status: string; reason?: string; lastTransitionTime: string }[];
  containerStatuses: CS[];
  initContainerStatuses?: CS[];
}

function apply(pod: KObject, stage: Stage, ctx = CTX): { pod: KObject; status: Status } {
  const out = applyStage(pod, stage, ctx);
  assert.ok(out.status);
  const next = { ...pod, status: out.status };
  assert.deepEqual(validatePodStatusUpdate(next, pod), []);
  return { pod: next, status: out.status as unknown as Status };
}

const RUN = one('next: {phase: Running, containers: running}');

function pending(spec: Record<string, unknown>): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u-1' }, spec: { restartPolicy: 'Always', containers: [{ name: 'a', image: 'img' }], ...spec }, status: { phase: 'Pending', qosClass: 'BestEffort', nominatedNodeName: 'sim-3' } };
}

test('sidecar init containers run with the pod and count for readiness; regular ones complete', () => {
  const pod = pending({ initContainers: [{ name: 'setup', image: 'i' }, { name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] });
  const { pod: running, status } = apply(pod, RUN);
  const [setup, proxy] = status.initContainerStatuses ?? [];
  assert.equal(setup?.state.terminated?.reason, 'Completed');
  assert.equal(setup?.ready, true);
  assert.equal(setup?.started, false);
  assert.ok(proxy?.state.running);
  assert.equal(proxy?.ready, true);
  assert.equal(proxy?.started, true);
  assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');

  const done = apply(running, one('next: {phase: Succeeded}'), LATER).status;
  assert.equal(done.initContainerStatuses?.[1]?.state.terminated?.reason, 'Completed');
  assert.deepEqual(done.initContainerStatuses?.[0], setup, 'a finished init container is history');
  assert.equal(done.conditions.find((c) => c.type === 'Initialized')?.reason, 'PodCompleted');
});

test('kept: nominatedNodeName, startTime, IPs, unchanged conditions’ transition times, running containers’ startedAt', () => {
  const { pod: running } = apply(pending({ containers: [{ name: 'a', image: 'img' }, { name: 'b', image: 'img' }] }), RUN);
  const again = apply(running, RUN, { ...LATER, podIP: '10.244.9.9' }).status;
  assert.equal(again.nominatedNodeName, 'sim-3');
  assert.deepEqual(again, (running.status as unknown as Status), 'running → running changes nothing');
});

test('waiting after a crash keeps the crash in lastState; waiting before any run is ContainerCreating or PodInitializing', () => {
  const { pod: running } = apply(pending({}), RUN);
  const { pod: crashed } = apply(running, one('next: {containers: terminated, exitCode: 2, reason: OOMKilled}'), LATER);
  const cs = (crashed.status as unknown as Status).containerStatuses[0];
  assert.deepEqual(cs?.state.terminated, { exitCode: 2, reason: 'OOMKilled', startedAt: CTX.nowIso, finishedAt: LATER.nowIso, containerID: 'sim://u-1/a/0' });
  const waiting = apply(crashed, one('next: {containers: waiting}'), LATER).status;
  assert.deepEqual(waiting.containerStatuses[0]?.state, { waiting: { reason: 'CrashLoopBackOff' } });
  assert.deepEqual(waiting.containerStatuses[0]?.lastState, cs?.state);
  assert.equal(waiting.containerStatuses[0]?.containerID, 'sim://u-1/a/0');
  assert.equal(waiting.phase, 'Running', 'a container waiting after a run counts as stopped (getPhase)');

  const fresh = applyStage(pending({}), one('next: {containers: waiting}'), CTX).status as unknown as Status;
  assert.deepEqual(fresh.containerStatuses[0]?.state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal(fresh.containerStatuses[0]?.containerID, undefined);
  assert.equal(fresh.phase, 'Pending');
  const init = applyStage(pending({ initContainers: [{ name: 'i', image: 'x' }] }), one('next: {containers: waiting}'), CTX).status as unknown as Status;
  assert.deepEqual(init.containerStatuses[0]?.state, { waiting: { reason: 'PodInitializing' } });
  assert.equal(init.conditions.find((c) => c.type === 'Initialized')?.reason, 'ContainersNotInitialized');
});

test('restarting a running container records it as killed (exit 137) in lastState', () => {
  const { pod: running } = apply(pending({}), RUN);
  const s = apply(running, one('next: {restart: true}'), LATER).status.containerStatuses[0];
  assert.equal(s?.restartCount, 1);
  assert.deepEqual(s?.lastState, { terminated: { exitCode: 137, reason: 'Error', startedAt: CTX.nowIso, finishedAt: LATER.nowIso, containerID: 'sim://u-1/a/0' } });
  assert.deepEqual(s?.state, { running: { startedAt: LATER.nowIso } });
  assert.equal(s?.containerID, 'sim://u-1/a/1');
});

test('running again after terminated counts as a restart', () => {
  const { pod: running } = apply(pending({}), RUN);
  const { pod: crashed } = apply(running, one('next: {containers: terminated, exitCode: 1}'), LATER);
  const s = apply(crashed, one('next: {containers: running}'), LATER).status.containerStatuses[0];
  assert.equal(s?.restartCount, 1);
  assert.equal(s?.lastState.terminated?.exitCode, 1);
});

test('the event message fills its placeholders; delete may carry an event', () => {
  const pod = pending({ containers: [{ name: 'first', image: 'x' }, { name: 'second', image: 'y' }] });
  const out = applyStage(pod, one('next: {delete: true, event: {type: Normal, reason: Killing, message: "Stopping container {{container}} of {{namespace}}/{{pod}} ({{uid}}) on {{node}}"}}'), CTX);
  assert.deepEqual(out, { delete: true, event: { type: 'Normal', reason: 'Killing', message: 'Stopping container first of ns/p (u-1) on sim-0' } });
});

test('qosClass is computed when the pod has none, kept when it has one', () => {
  const pod = pending({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '1' } } }] });
  delete (pod.status as Record<string, unknown>).qosClass;
  assert.equal((applyStage(pod, RUN, CTX).status as { qosClass: string }).qosClass, 'Burstable');
  assert.equal((applyStage(pending({}), RUN, CTX).status as { qosClass: string }).qosClass, 'BestEffort');
});
