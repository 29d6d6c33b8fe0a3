// The arithmetic of a PodDisruptionBudget (pkg/controller/disruption's
// getExpectedPodCount, countHealthyPods, buildDisruptedPodMap,
// updatePdbStatus), kept pure so it is tested without a cluster:
//
// - minAvailable as an int: desiredHealthy is that int and expectedPods the
//   number of matching pods (terminal ones included, as Kubernetes counts them);
// - minAvailable as a percentage, or maxUnavailable: expectedPods is the sum
//   of the scale of the pods' controllers (expected-scale.ts), percentages
//   round up, desiredHealthy = expected - maxUnavailable (never below 0);
// - healthy = Ready, not being deleted, and not evicted in the last
//   DeletionTimeout (an eviction the controller has not yet seen as a delete);
// - disruptionsAllowed = healthy - desired, 0 when negative or when no pod is
//   expected (a PDB whose first pods appear before its status is safe).

import { scaledValue } from '../../machinery/intstr.js';
import type { KObject } from '../../api/object.js';
import { isPodReady } from '../../controller/pod-state.js';
import type { PdbSpec } from '../../machinery/pdb/pdb.js';

/** How long an entry of status.disruptedPods is honoured without the pod being deleted. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

/** Whether the expected pod count must come from the pods' controllers (a percentage or maxUnavailable). */
export function needsControllerScale(spec: PdbSpec): boolean {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec.minAvailable === 'string';
}

/**
 * expectedPods and desiredHealthy. `scale` is only called when
 * needsControllerScale(spec); `podCount` is the number of matching pods.
 */
export function expectedAndDesired(spec: PdbSpec, podCount: number, scale: () => number): { expected: number; desired: number } {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const expected = scale();
    const desired = Math.max(0, expected - scaledValue(spec.maxUnavailable, expected, true));
    return { expected, desired };
  }
  if (typeof spec.minAvailable === 'number') return { expected: podCount, desired: spec.minAvailable };
  if (typeof spec.minAvailable === 'string') {
    const expected = scale();
    return { expected, desired: scaledValue(spec.minAvailable, expected, true) };
  }
  // Neither set (validation refuses it): nothing is expected, nothing may be disrupted.
  return { expected: 0, desired: 0 };
}

export interface DisruptedPods {
  /** the entries to keep */
  kept: Record<string, string>;
  /** pods whose eviction was admitted more than DeletionTimeout ago but which were never deleted */
  expired: KObject[];
  /** when the earliest kept entry expires (ms), if any */
  recheckAt: number | undefined;
}

/**
 * buildDisruptedPodMap: keeps the entries of pods that still exist, are not
 * yet being deleted and were evicted less than DeletionTimeout ago. Entries of
 * pods that are gone or already terminating are dropped (the delete was seen).
 */
export function buildDisruptedPodMap(pods: KObject[], recorded: Record<string, string> | undefined, nowMs: number): DisruptedPods {
  const kept: Record<string, string> = {};
  const expired: KObject[] = [];
  let recheckAt: number | undefined;
  if (!recorded) return { kept, expired, recheckAt };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = recorded[pod.metadata.name ?? ''];
    if (at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < nowMs) expired.push(pod);
    else {
      kept[pod.metadata.name ?? ''] = at;
      if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
    }
  }
  return { kept, expired, recheckAt };
}

/** countHealthyPods: Ready, not being deleted, not evicted within DeletionTimeout. */
export function countHealthyPods(pods: KObject[], disrupted: Record<string, string>, nowMs: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > nowMs) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

export function disruptionsAllowed(healthy: number, desired: number, expected: number): number {
  const allowed = healthy - desired;
  return expected <= 0 || allowed <= 0 ? 0 : allowed;
}
