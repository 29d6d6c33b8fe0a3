// Which pods a ReplicaSet deletes first when it scales down (pkg/controller's
// ActivePodsWithRanks, Kubernetes 1.32 with LogarithmicScaleDown): earlier in
// the sorted list = deleted first.
//
//  1. not yet scheduled before scheduled;
//  2. Pending before Unknown before Running;
//  3. not ready before ready;
//  4. lower `controller.kubernetes.io/pod-deletion-cost` first;
//  5. more pods of the same workload on its node first (spread what is left);
//  6. ready for less time first (both ready; compared in log2 buckets);
//  7. more container restarts first;
//  8. newer first (log2 buckets of age), ties broken by uid.

import type { KObject } from '../../api/object.js';
import { isPodReady, nodeNameOf, podPhase, restartCount } from '../../controller/pod-state.js';

export const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: KObject): number {
  const v = pod.metadata.annotations?.[DELETION_COST];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function readySince(pod: KObject): number | undefined {
  const c = ((pod.status as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } | undefined)?.conditions ?? []).find((x) => x.type === 'Ready');
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

function created(pod: KObject): number | undefined {
  const t = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** log2 of the age in nanoseconds, -1 when not in the past (logarithmicRankDiff). */
function bucket(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** true when `a`, possibly undefined, is after `b` or zero (afterOrZero). */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

function compareTimes(a: KObject, b: KObject, ta: number | undefined, tb: number | undefined, now: number): number | undefined {
  if (ta === tb) return undefined;
  if (ta === undefined || tb === undefined) return afterOrZero(ta, tb) ? -1 : 1;
  const diff = bucket(ta, now) - bucket(tb, now);
  if (diff === 0) return (a.metadata.uid ?? '') < (b.metadata.uid ?? '') ? -1 : 1;
  return diff < 0 ? -1 : 1;
}

/**
 * Sorts `pods` into deletion order. `related` are the active pods of the
 * whole workload (this ReplicaSet's and its siblings'), for rule 5.
 */
export function rankForDeletion(pods: readonly KObject[], related: readonly KObject[], now: number): KObject[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    const n = nodeNameOf(p);
    if (n) onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const rank = (p: KObject): number => (nodeNameOf(p) ? (onNode.get(nodeNameOf(p)) ?? 0) : 0);
  const order = (a: KObject, b: KObject): number => {
    const na = nodeNameOf(a) !== '';
    const nb = nodeNameOf(b) !== '';
    if (na !== nb) return na ? 1 : -1;
    const pa = PHASE_ORDER[podPhase(a)] ?? 0;
    const pb = PHASE_ORDER[podPhase(b)] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a);
    const rb = isPodReady(b);
    if (ra !== rb) return ra ? 1 : -1;
    const ca = deletionCost(a);
    const cb = deletionCost(b);
    if (ca !== cb) return ca - cb;
    const ka = rank(a);
    const kb = rank(b);
    if (ka !== kb) return kb - ka;
    if (ra && rb) {
      const c = compareTimes(a, b, readySince(a), readySince(b), now);
      if (c !== undefined) return c;
    }
    const xa = restartCount(a);
    const xb = restartCount(b);
    if (xa !== xb) return xb - xa;
    return compareTimes(a, b, created(a), created(b), now) ?? 0;
  };
  return [...pods].sort(order);
}
