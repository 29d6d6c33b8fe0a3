// The pod status the agent reports, computed from what the runtime says ran
// and what the worker decided, the way the kubelet words it: phase
// (getPhase's rules: a container waiting after a run counts as stopped),
// the five conditions with their reasons and messages, container statuses
// with state / lastState / restartCount / ready / started. Pure.

import type { ContainerInfo } from '../runtime/runtime.js';
import type { Container, ContainerStatusJson, PodSpec, PodStatusJson } from './pod-types.js';

export interface Waiting {
  reason: string;
  message?: string;
}

export interface ContainerView {
  spec: Container;
  latest?: ContainerInfo;
  previous?: ContainerInfo;
  waiting?: Waiting;
  ready: boolean;
  started: boolean;
}

export interface StatusInput {
  spec: PodSpec;
  prev: PodStatusJson;
  runtimeName: string;
  hostIP: string;
  podIP?: string;
  sandboxReady: boolean;
  initDone: boolean;
  /** set once the pod is terminal: no container will run again */
  terminal?: 'Succeeded' | 'Failed';
  init: ContainerView[];
  main: ContainerView[];
  nowIso: string;
  /** persistent volumes' state (pods with claims), as the VolumesReady condition */
  volumes?: VolumesState;
  /** condition types set by others (readiness gates) are read from prev */
}

/**
 * hale's own pod condition (pods with persistent volumes): whether the
 * agent could make every claim's volume ready; False says why (reason
 * ClaimNotBound / VolumeNotAttached / VolumeUnavailable / ...) and what to
 * check (message), so a storage failure is visible in `kubectl describe`.
 */
export const VOLUMES_READY = 'hale.dev/VolumesReady';

export interface VolumesState {
  ready: boolean;
  reason?: string;
  message?: string;
}

export const KUBELET_CONDITIONS: ReadonlySet<string> = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', VOLUMES_READY]);

function iso(d: Date | undefined): string | undefined {
  return d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : undefined;
}

function terminatedState(c: ContainerInfo, runtimeName: string): Record<string, unknown> {
  const t: Record<string, unknown> = {
    exitCode: c.exitCode ?? 0,
    reason: c.reason ?? ((c.exitCode ?? 0) === 0 ? 'Completed' : 'Error'),
    startedAt: iso(c.startedAt) ?? null,
    finishedAt: iso(c.finishedAt) ?? null,
    containerID: `${runtimeName}://${c.id}`,
  };
  if (c.message) t.message = c.message;
  return { terminated: t };
}

export function containerStatus(v: ContainerView, runtimeName: string, defaultWaiting: string): ContainerStatusJson {
  const s: ContainerStatusJson = {
    name: v.spec.name,
    ready: v.ready,
    restartCount: v.latest?.attempt ?? 0,
    image: v.spec.image ?? '',
    imageID: '',
    started: v.started,
    state: {},
    lastState: {},
  };
  const latest = v.latest;
  if (latest) s.containerID = `${runtimeName}://${latest.id}`;
  if (latest?.state === 'running') {
    s.state = { running: { startedAt: iso(latest.startedAt) ?? null } };
    if (v.previous?.state === 'exited') s.lastState = terminatedState(v.previous, runtimeName);
  } else if (latest?.state === 'exited') {
    if (v.waiting) {
      s.state = { waiting: { reason: v.waiting.reason, ...(v.waiting.message ? { message: v.waiting.message } : {}) } };
      s.lastState = terminatedState(latest, runtimeName);
    } else {
      s.state = terminatedState(latest, runtimeName);
      if (v.previous?.state === 'exited') s.lastState = terminatedState(v.previous, runtimeName);
    }
    s.started = false;
    s.ready = false;
  } else {
    const w = v.waiting ?? { reason: defaultWaiting };
    s.state = { waiting: { reason: w.reason, ...(w.message ? { message: w.message } : {}) } };
    s.started = false;
    s.ready = false;
  }
  return s;
}

/** kubelet's getPhase. */
export function podPhase(spec: PodSpec, init: ContainerStatusJson[], main: ContainerStatusJson[], initDone: boolean, terminal?: 'Succeeded' | 'Failed'): string {
  if (terminal) return terminal;
  if (!initDone) {
    const policy = spec.restartPolicy ?? 'Always';
    const initFailed = init.some((s, i) => {
      // A sidecar's exit is a restart, never a failed initialisation.
      if (spec.initContainers?.[i]?.restartPolicy === 'Always') return false;
      const t = (s.state?.terminated as { exitCode?: number } | undefined) ?? (s.lastState?.terminated as { exitCode?: number } | undefined);
      return t !== undefined && (t.exitCode ?? 0) !== 0;
    });
    if (initFailed && policy === 'Never') return 'Failed';
    return 'Pending';
  }
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of main) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (((s.state.terminated as { exitCode?: number }).exitCode ?? 0) === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = spec.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (policy === 'OnFailure') return stopped === succeeded ? 'Succeeded' : 'Running';
    return stopped === succeeded ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

type Condition = NonNullable<PodStatusJson['conditions']>[number];

function condition(prev: PodStatusJson, type: string, status: boolean, nowIso: string, reason?: string, message?: string): Condition {
  const st = status ? 'True' : 'False';
  const old = prev.conditions?.find((c) => c.type === type);
  const c: Condition = { type, status: st, lastProbeTime: null, lastTransitionTime: old && old.status === st && old.lastTransitionTime ? old.lastTransitionTime : nowIso };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function computePodStatus(input: StatusInput): PodStatusJson {
  const { spec, prev, nowIso } = input;
  const hasInit = (spec.initContainers ?? []).some((c) => c.restartPolicy !== 'Always');
  const initStatuses = input.init.map((v) => containerStatus(v, input.runtimeName, input.initDone ? 'ContainerCreating' : 'PodInitializing'));
  const mainStatuses = input.main.map((v) => containerStatus(v, input.runtimeName, hasInit && !input.initDone ? 'PodInitializing' : 'ContainerCreating'));
  const phase = podPhase(spec, initStatuses, mainStatuses, input.initDone, input.terminal);

  const notInitialized = input.init.filter((v, i) => {
    const s = initStatuses[i];
    if (v.spec.restartPolicy === 'Always') return !v.started;
    return !(s?.state?.terminated && ((s.state.terminated as { exitCode?: number }).exitCode ?? 0) === 0);
  });
  const unready = [...input.main.filter((v) => !v.ready), ...input.init.filter((v) => v.spec.restartPolicy === 'Always' && !v.ready)].map((v) => v.spec.name);
  const completed = phase === 'Succeeded';

  const conditions: Condition[] = [];
  conditions.push(condition(prev, 'PodReadyToStartContainers', input.sandboxReady, nowIso));
  if (input.initDone || completed) conditions.push(condition(prev, 'Initialized', true, nowIso, completed && hasInit ? 'PodCompleted' : undefined));
  else conditions.push(condition(prev, 'Initialized', false, nowIso, 'ContainersNotInitialized', `containers with incomplete status: [${notInitialized.map((v) => v.spec.name).join(' ')}]`));

  let containersReady: Condition;
  if (completed) containersReady = condition(prev, 'ContainersReady', false, nowIso, 'PodCompleted');
  else if (unready.length > 0) containersReady = condition(prev, 'ContainersReady', false, nowIso, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  else containersReady = condition(prev, 'ContainersReady', true, nowIso);
  let ready: Condition;
  const missingGates = (spec.readinessGates ?? []).filter((g) => prev.conditions?.find((c) => c.type === g.conditionType)?.status !== 'True');
  if (containersReady.status !== 'True') ready = condition(prev, 'Ready', false, nowIso, containersReady.reason, containersReady.message);
  else if (missingGates.length > 0) {
    const g = missingGates[0]!.conditionType;
    const exists = prev.conditions?.some((c) => c.type === g);
    ready = condition(prev, 'Ready', false, nowIso, 'ReadinessGatesNotReady', exists ? `the status of pod readiness gate "${g}" is not "True", but False` : `corresponding condition of pod readiness gate "${g}" does not exist.`);
  } else ready = condition(prev, 'Ready', true, nowIso);
  conditions.push(ready, containersReady);
  if (input.volumes) conditions.push(condition(prev, VOLUMES_READY, input.volumes.ready, nowIso, input.volumes.reason, input.volumes.message));

  // Conditions other components own (PodScheduled, DisruptionTarget, readiness gates) are kept as they are.
  const foreign = (prev.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const out: PodStatusJson = {
    phase,
    conditions: [...conditions, ...foreign],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: prev.startTime ?? nowIso,
    containerStatuses: mainStatuses,
  };
  if (input.podIP) {
    out.podIP = input.podIP;
    out.podIPs = [{ ip: input.podIP }];
  }
  if (initStatuses.length > 0) out.initContainerStatuses = initStatuses;
  if (prev.qosClass) out.qosClass = prev.qosClass;
  return out;
}
