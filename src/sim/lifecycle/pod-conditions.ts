// The pod conditions a kubelet (1.32) writes, in its order —
// PodReadyToStartContainers, Initialized, Ready, ContainersReady — followed
// by the conditions other components own (PodScheduled, DisruptionTarget,
// readiness gates), kept as they are. A simulated pod is on a node, so a
// missing PodScheduled is added as True.
//
// Invariants: lastTransitionTime is kept from the old condition while its
// status is unchanged, else now; lastProbeTime is null; reasons and messages
// are the kubelet's (ContainersNotReady "containers with unready status: [a b]",
// ContainersNotInitialized, PodCompleted, ReadinessGatesNotReady).

import type { ConditionJson, ContainerStatusJson, PodSpecView } from './pod-facts.js';
import type { PodPhase } from './stage.js';

const KUBELET_CONDITIONS: ReadonlySet<string> = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

export interface ConditionsInput {
  spec: PodSpecView;
  prev: readonly ConditionJson[];
  phase: PodPhase;
  main: readonly ContainerStatusJson[];
  init: readonly ContainerStatusJson[];
  initDone: boolean;
  nowIso: string;
}

function condition(prev: readonly ConditionJson[], type: string, status: boolean, nowIso: string, reason?: string, message?: string): ConditionJson {
  const st = status ? 'True' : 'False';
  const old = prev.find((c) => c.type === type);
  const c: ConditionJson = { type, status: st, lastProbeTime: null, lastTransitionTime: old && old.status === st && old.lastTransitionTime ? old.lastTransitionTime : nowIso };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function podConditions(input: ConditionsInput): ConditionJson[] {
  const { spec, prev, phase, nowIso } = input;
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const completed = phase === 'Succeeded';
  const hasInit = spec.initContainers.some((c) => c.restartPolicy !== 'Always');
  const sidecars = new Set(spec.initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));

  // The sandbox is up while the pod may still run containers; a finished pod's sandbox is torn down.
  const sandbox = condition(prev, 'PodReadyToStartContainers', !terminal, nowIso);

  let initialized: ConditionJson;
  if (input.initDone || completed) initialized = condition(prev, 'Initialized', true, nowIso, completed && hasInit ? 'PodCompleted' : undefined);
  else {
    const pending = spec.initContainers.filter((c) => c.restartPolicy !== 'Always').map((c) => c.name);
    initialized = condition(prev, 'Initialized', false, nowIso, 'ContainersNotInitialized', `containers with incomplete status: [${pending.join(' ')}]`);
  }

  const unready = [...input.main.filter((s) => s.ready !== true), ...input.init.filter((s) => sidecars.has(s.name) && s.ready !== true)].map((s) => s.name);
  let containersReady: ConditionJson;
  if (completed) containersReady = condition(prev, 'ContainersReady', false, nowIso, 'PodCompleted');
  else if (unready.length > 0) containersReady = condition(prev, 'ContainersReady', false, nowIso, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  else containersReady = condition(prev, 'ContainersReady', true, nowIso);

  // Readiness gates are other components' conditions: read from the pod, never set here.
  let ready: ConditionJson;
  const missingGate = spec.readinessGates.find((g) => prev.find((c) => c.type === g.conditionType)?.status !== 'True');
  if (containersReady.status !== 'True') ready = condition(prev, 'Ready', false, nowIso, containersReady.reason, containersReady.message);
  else if (missingGate) {
    const g = missingGate.conditionType;
    const exists = prev.some((c) => c.type === g);
    ready = condition(prev, 'Ready', false, nowIso, 'ReadinessGatesNotReady', exists ? `the status of pod readiness gate "${g}" is not "True", but False` : `corresponding condition of pod readiness gate "${g}" does not exist.`);
  } else ready = condition(prev, 'Ready', true, nowIso);

  const foreign = prev.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  if (!foreign.some((c) => c.type === 'PodScheduled')) foreign.push(condition(prev, 'PodScheduled', true, nowIso));
  return [sandbox, initialized, ready, containersReady, ...foreign];
}
