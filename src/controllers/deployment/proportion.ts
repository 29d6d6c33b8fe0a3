// How many replicas each ReplicaSet gets (deploymentutil): NewRSNewReplicas
// for a rolling update's new ReplicaSet (never past replicas+maxSurge in
// total, never past spec.replicas for itself), and GetProportion for a
// Deployment scaled in the middle of a rollout: every active ReplicaSet
// grows or shrinks by its share, from its size over the max-replicas it was
// last scaled for; what rounding leaves over goes to the largest one
// (scale.ts).

import { maxReplicasAnnotation } from './annotations.js';
import { desiredReplicas, isRollingUpdate, maxSurge } from './fenceposts.js';
import { specReplicas } from './replica-sets.js';
import { rsReplicas, statusOf, type Deployment, type ReplicaSet } from './types.js';

/** NewRSNewReplicas */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const want = desiredReplicas(d);
  if (!isRollingUpdate(d)) return want;
  const current = specReplicas(allRSs);
  const maxTotal = want + maxSurge(d);
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, want - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

/** integer.RoundToInt32: halves away from zero. */
function roundToInt(a: number): number {
  return a < 0 ? Math.trunc(a - 0.5) : Math.trunc(a + 0.5);
}

/** getReplicaSetFraction: how far `rs` moves when the Deployment now allows replicas+maxSurge. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const want = desiredReplicas(d);
  if (want === 0) return -rsReplicas(rs);
  const deploymentReplicas = want + maxSurge(d);
  // Without the annotation, the current size is the best guess; getProportion's bounds keep it in limits.
  const annotated = maxReplicasAnnotation(rs) ?? statusOf(d).replicas ?? 0;
  if (annotated === 0) return 0;
  return roundToInt((rsReplicas(rs) * deploymentReplicas) / annotated) - rsReplicas(rs);
}

/** GetProportion: `rs`'s share of `toAdd`, given `added` so far; never past what is left. */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
