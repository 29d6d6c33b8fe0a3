// What a pod becomes under a stage: either "delete it" or a complete,
// consistent pod status as a 1.32 kubelet would write it (the shape of
// src/agent/pods/pod-status.ts) — never a patch, so one status write moves a
// pod from nothing to Running and Ready. Pure: time and addresses come from
// the PodContext.
//
// Derivations when the stage leaves a field out:
// - containers: terminated for a terminal phase, running for phase Running
//   or a restart, otherwise each container keeps its state;
// - phase: the kubelet's getPhase over the new container states and the
//   restart policy (a crash under Never is Failed, under Always Running);
// - init containers: all Completed (exit 0) once an app container has run;
//   sidecars (restartPolicy Always) run while the pod does and end Completed
//   with it;
// - hostIP/podIP: kept when the pod has them (they never change in a pod's
//   life), else from the context; hostNetwork pods use the host's IP;
// - startTime and qosClass: kept (qosClass is immutable), else now / computed;
// - scheduler-owned fields (nominatedNodeName) and foreign conditions: kept.

import type { KObject } from '../../api/object.js';
import { computeQOS } from '../../api/defaults/qos.js';
import { nextContainerStatus, type ContainerChange } from './container-status.js';
import { expandMessage } from './event-template.js';
import { podConditions } from './pod-conditions.js';
import { asMap, conditionsOf, containerStatuses, specOf, stateKind, statusOf, type ContainerStatusJson, type JsonMap, type PodSpecView, type SpecContainer } from './pod-facts.js';
import { derivePhase } from './pod-phase.js';
import type { EventType, Stage, StatusNext } from './stage.js';

export interface PodContext {
  nowIso: string;
  nodeName: string;
  podIP: string;
  hostIP: string;
}

export interface Outcome {
  delete?: true;
  status?: Record<string, unknown>;
  event?: { type: EventType; reason: string; message: string };
}

/** Status fields owned by others than the kubelet that a status write must not drop. */
const KEPT_FIELDS = ['nominatedNodeName', 'resourceClaimStatuses', 'resize'] as const;

function changeOf(next: StatusNext): ContainerChange {
  const terminal = next.phase === 'Succeeded' || next.phase === 'Failed';
  const kind = next.containers ?? (terminal ? 'terminated' : next.phase === 'Running' || next.restart ? 'running' : 'keep');
  const change: ContainerChange = { kind, restart: next.restart === true, exitCode: next.exitCode ?? 0 };
  if (next.reason !== undefined) change.reason = next.reason;
  return change;
}

function initStatus(c: SpecContainer, old: ContainerStatusJson | undefined, uid: string, nowIso: string, terminal: boolean): ContainerStatusJson {
  const sidecar = c.restartPolicy === 'Always';
  const change: ContainerChange = sidecar && !terminal ? { kind: 'running', restart: false, exitCode: 0 } : { kind: 'terminated', restart: false, exitCode: 0 };
  // A regular init container that already ended keeps its record; one that never ran is recorded as having run now.
  const s = nextContainerStatus({ spec: c, old, uid, nowIso, notStartedReason: 'PodInitializing' }, change);
  if (!sidecar || terminal) s.ready = stateKind(s.state) === 'terminated' && asMap(asMap(s.state)?.terminated)?.exitCode === 0;
  return s;
}

function initStatuses(spec: PodSpecView, prev: JsonMap, uid: string, nowIso: string, initDone: boolean, terminal: boolean): ContainerStatusJson[] {
  const olds = containerStatuses(prev, 'initContainerStatuses');
  return spec.initContainers.map((c) => {
    const old = olds.find((s) => s.name === c.name);
    if (initDone) return initStatus(c, old, uid, nowIso, terminal);
    return old ?? nextContainerStatus({ spec: c, old, uid, nowIso, notStartedReason: 'PodInitializing' }, { kind: 'waiting', restart: false, exitCode: 0 });
  });
}

function addresses(spec: PodSpecView, prev: JsonMap, ctx: PodContext): JsonMap {
  const out: JsonMap = {};
  const hostIP = typeof prev.hostIP === 'string' && prev.hostIP ? prev.hostIP : ctx.hostIP;
  if (hostIP) {
    out.hostIP = hostIP;
    out.hostIPs = hostIP === prev.hostIP && Array.isArray(prev.hostIPs) ? prev.hostIPs : [{ ip: hostIP }];
  }
  const podIP = typeof prev.podIP === 'string' && prev.podIP ? prev.podIP : spec.hostNetwork ? hostIP : ctx.podIP;
  if (podIP) {
    out.podIP = podIP;
    out.podIPs = podIP === prev.podIP && Array.isArray(prev.podIPs) ? prev.podIPs : [{ ip: podIP }];
  }
  return out;
}

function nextStatus(pod: KObject, next: StatusNext, ctx: PodContext): JsonMap {
  const spec = specOf(pod);
  const prev = statusOf(pod);
  const uid = pod.metadata.uid ?? '';
  const change = changeOf(next);
  const hasInit = spec.initContainers.some((c) => c.restartPolicy !== 'Always');
  const oldMain = containerStatuses(prev, 'containerStatuses');
  const oldInitDone = !hasInit || conditionsOf(prev).some((c) => c.type === 'Initialized' && c.status === 'True');

  const main = spec.containers.map((c) =>
    nextContainerStatus({ spec: c, old: oldMain.find((s) => s.name === c.name), uid, nowIso: ctx.nowIso, notStartedReason: hasInit && !oldInitDone ? 'PodInitializing' : 'ContainerCreating' }, change),
  );
  // Init containers are done once an app container has run (or before, if they were already).
  const initDone = oldInitDone || main.some((s) => s.containerID !== undefined);
  const phase = next.phase ?? derivePhase(main, initDone, spec.restartPolicy);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const init = initStatuses(spec, prev, uid, ctx.nowIso, initDone, terminal);

  const status: JsonMap = {
    phase,
    conditions: podConditions({ spec, prev: conditionsOf(prev), phase, main, init, initDone, nowIso: ctx.nowIso }),
    ...addresses(spec, prev, ctx),
    startTime: typeof prev.startTime === 'string' && prev.startTime ? prev.startTime : ctx.nowIso,
  };
  if (init.length > 0) status.initContainerStatuses = init;
  status.containerStatuses = main;
  status.qosClass = typeof prev.qosClass === 'string' && prev.qosClass ? prev.qosClass : computeQOS(asMap(pod.spec) ?? {});
  for (const k of KEPT_FIELDS) if (prev[k] !== undefined) status[k] = prev[k];
  return status;
}

/** What the pod becomes under `stage`: a complete, consistent pod status (not a patch), or delete. Pure. */
export function applyStage(pod: KObject, stage: Stage, ctx: PodContext): Outcome {
  const out: Outcome = {};
  if (stage.next.delete) out.delete = true;
  else out.status = nextStatus(pod, stage.next, ctx);
  const ev = stage.next.event;
  if (ev) {
    const message = expandMessage(ev.message, {
      pod: pod.metadata.name ?? '',
      namespace: pod.metadata.namespace ?? '',
      uid: pod.metadata.uid ?? '',
      container: specOf(pod).containers[0]?.name ?? '',
      node: ctx.nodeName,
    });
    out.event = { type: ev.type, reason: ev.reason, message };
  }
  return out;
}
