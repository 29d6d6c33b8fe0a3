// One container's next status, in the kubelet's shape (1.32
// convertToAPIContainerStatuses, as src/agent/pods/pod-status.ts writes it):
// name, state, lastState, ready, restartCount, image, imageID, containerID,
// started. Simulated instances are named `sim://<pod uid>/<name>/<restartCount>`.
//
// Rules (a container is one instance after another; each instance is
// created, runs, terminates):
// - `restart` starts a new instance: restartCount + 1, lastState = the
//   previous instance as terminated (a running one is recorded as killed,
//   exit 137, as the kubelet shows a killed container);
// - running from terminated is a restart too (the kubelet never revives an
//   instance), so the count always matches the instances;
// - a state that does not change keeps its timestamps; a terminated instance
//   is never rewritten (its exit code and times are history);
// - waiting after a run keeps the ended instance in lastState (the
//   CrashLoopBackOff shape); waiting before any run is ContainerCreating
//   (PodInitializing while init containers have not completed).
// Readiness: a running container is ready (probes are not simulated).

import { asMap, stateKind, type ContainerStatusJson, type JsonMap, type SpecContainer } from './pod-facts.js';
import type { ContainerStateKind } from './stage.js';

export interface ContainerChange {
  /** the state every container ends in; 'keep' leaves each as it is */
  kind: ContainerStateKind | 'keep';
  restart: boolean;
  exitCode: number;
  reason?: string;
}

export interface ContainerInput {
  spec: SpecContainer;
  old: ContainerStatusJson | undefined;
  uid: string;
  nowIso: string;
  /** the waiting reason for a container that never ran */
  notStartedReason: 'ContainerCreating' | 'PodInitializing';
}

export function instanceId(uid: string, name: string, restartCount: number): string {
  return `sim://${uid}/${name}/${restartCount}`;
}

function hasRun(old: ContainerStatusJson | undefined): boolean {
  const k = stateKind(old?.state);
  return k === 'running' || k === 'terminated' || stateKind(old?.lastState) === 'terminated';
}

/** The instance `old` last ran, as a terminated state (lastState after a restart); {} if none ran. */
function endedInstance(old: ContainerStatusJson | undefined, uid: string, nowIso: string): JsonMap {
  const state = asMap(old?.state);
  const running = asMap(state?.running);
  const terminated = asMap(state?.terminated);
  if (terminated) return { terminated: { ...terminated } };
  if (running && old) {
    const rc = old.restartCount ?? 0;
    return { terminated: { exitCode: 137, reason: 'Error', startedAt: running.startedAt ?? nowIso, finishedAt: nowIso, containerID: old.containerID ?? instanceId(uid, old.name, rc) } };
  }
  const last = asMap(old?.lastState);
  return last && asMap(last.terminated) ? { terminated: { ...(last.terminated as JsonMap) } } : {};
}

function terminatedState(change: ContainerChange, startedAt: unknown, nowIso: string, containerID: string): JsonMap {
  return {
    terminated: {
      exitCode: change.exitCode,
      reason: change.reason ?? (change.exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: startedAt ?? nowIso,
      finishedAt: nowIso,
      containerID,
    },
  };
}

export function nextContainerStatus(input: ContainerInput, change: ContainerChange): ContainerStatusJson {
  const { spec, old, uid, nowIso } = input;
  const oldKind = stateKind(old?.state);
  const kind: ContainerStateKind = change.kind === 'keep' ? (oldKind ?? 'waiting') : change.kind;
  const restart = change.restart || (kind === 'running' && oldKind === 'terminated');
  const restartCount = (old?.restartCount ?? 0) + (restart ? 1 : 0);
  const id = instanceId(uid, spec.name, restartCount);
  const oldState = asMap(old?.state) ?? {};

  let state: JsonMap;
  let lastState: JsonMap = restart ? endedInstance(old, uid, nowIso) : { ...(asMap(old?.lastState) ?? {}) };
  let ran = restart || hasRun(old);
  switch (kind) {
    case 'running':
      state = !restart && oldKind === 'running' ? oldState : { running: { startedAt: nowIso } };
      ran = true;
      break;
    case 'terminated':
      if (!restart && oldKind === 'terminated') state = oldState;
      else state = terminatedState(change, !restart && oldKind === 'running' ? asMap(oldState.running)?.startedAt : undefined, nowIso, id);
      ran = true;
      break;
    case 'waiting': {
      if (!restart && (oldKind === 'running' || oldKind === 'terminated')) lastState = endedInstance(old, uid, nowIso);
      const defaultReason = ran ? 'CrashLoopBackOff' : input.notStartedReason;
      const keep = !restart && oldKind === 'waiting' && change.reason === undefined;
      state = keep ? oldState : { waiting: { reason: change.reason ?? defaultReason } };
      break;
    }
  }
  const running = kind === 'running';
  const status: ContainerStatusJson = {
    name: spec.name,
    state,
    lastState,
    ready: running,
    restartCount,
    image: spec.image ?? '',
    imageID: ran ? `sim://${spec.image ?? ''}` : '',
  };
  if (ran) status.containerID = id;
  status.started = running;
  return status;
}
