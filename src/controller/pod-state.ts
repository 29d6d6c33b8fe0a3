// How controllers read a pod's state, as pkg/controller and podutil read it.

import type { KObject } from '../api/object.js';
import { frozenMemo } from '../machinery/frozen-memo.js';

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

export function podPhase(pod: KObject): string {
  return (pod.status as { phase?: string } | undefined)?.phase ?? '';
}

/** What controllers ask of a pod on every sync, worked out once per (frozen) pod object. */
interface PodFacts {
  active: boolean;
  /** the Ready condition's status is True */
  ready: boolean;
  /** ms of the Ready condition's lastTransitionTime (NaN when absent or unparsable) */
  readySince: number;
}

function computeFacts(pod: KObject): PodFacts {
  const phase = podPhase(pod);
  const c = readyCondition(pod);
  return {
    active: phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp,
    ready: c?.status === 'True',
    readySince: c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN,
  };
}

/** Kept with each frozen pod (a ReplicaSet of 150,000 pods reads them all on each sync). */
const factsOf = frozenMemo(computeFacts);

/** Active = neither terminal nor being deleted (FilterActivePods). */
export function isPodActive(pod: KObject): boolean {
  return factsOf(pod).active;
}

export function isPodTerminal(pod: KObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

function readyCondition(pod: KObject): Condition | undefined {
  return ((pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
}

export function isPodReady(pod: KObject): boolean {
  return factsOf(pod).ready;
}

/** Ready for at least `minReadySeconds` at wall-clock `nowMs` (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KObject, minReadySeconds: number, nowMs: number): boolean {
  const f = factsOf(pod);
  if (!f.ready) return false;
  if (minReadySeconds <= 0) return true;
  return !Number.isNaN(f.readySince) && f.readySince + minReadySeconds * 1000 <= nowMs;
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
