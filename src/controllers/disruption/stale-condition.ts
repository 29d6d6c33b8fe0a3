// A pod's stale DisruptionTarget condition (nonTerminatingPodHasStaleDisruptionCondition):
// the eviction API sets DisruptionTarget=True just before it deletes a pod;
// when the delete never happens (it failed, or a precondition stopped it),
// the condition would claim a disruption forever. After two minutes without
// a deletionTimestamp the disruption controller sets it back to False.
// Conditions the kubelet wrote (TerminationByKubelet) and those of terminal
// pods are never stale.

import type { KObject } from '../../api/object.js';
import { isPodTerminal } from '../../controller/pod-state.js';

export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60_000;
export const DISRUPTION_TARGET = 'DisruptionTarget';

export interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export function podConditions(pod: KObject): PodCondition[] {
  return (pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? [];
}

/** undefined when the pod has no stale-able condition; otherwise ms until it is stale (0: now). */
export function msUntilStale(pod: KObject, nowMs: number): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const c = podConditions(pod).find((x) => x.type === DISRUPTION_TARGET);
  if (!c || c.status !== 'True' || c.reason === 'TerminationByKubelet' || isPodTerminal(pod)) return undefined;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  const elapsed = Number.isNaN(since) ? STALE_POD_DISRUPTION_TIMEOUT_MS : nowMs - since;
  return Math.max(0, STALE_POD_DISRUPTION_TIMEOUT_MS - elapsed);
}
