// How controllers read a pod's state, as pkg/controller and podutil read it.

import type { KObject } from '../api/object.js';

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

export function podPhase(pod: KObject): string {
  return (pod.status as { phase?: string } | undefined)?.phase ?? '';
}

/** Active = neither terminal nor being deleted (FilterActivePods). */
export function isPodActive(pod: KObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminal(pod: KObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

function readyCondition(pod: KObject): Condition | undefined {
  return ((pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
}

export function isPodReady(pod: KObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Ready for at least `minReadySeconds` at wall-clock `nowMs` (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KObject, minReadySeconds: number, nowMs: number): boolean {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** ms until a ready pod becomes available, or undefined when it is not ready (for requeueAfter). */
export function msUntilAvailable(pod: KObject, minReadySeconds: number, nowMs: number): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || minReadySeconds <= 0) return undefined;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  if (Number.isNaN(since)) return undefined;
  const left = since + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

export function restartCount(pod: KObject): number {
  const statuses = (pod.status as { containerStatuses?: { restartCount?: number }[] } | undefined)?.containerStatuses ?? [];
  return statuses.reduce((n, s) => Math.max(n, s.restartCount ?? 0), 0);
}

export function nodeNameOf(pod: KObject): string {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
}
