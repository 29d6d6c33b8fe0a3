// Scaling without rolling out (sync.go): a paused Deployment, or one whose
// spec.replicas changed (a "scaling event": an active ReplicaSet's
// desired-replicas annotation differs from spec.replicas). With one active
// ReplicaSet it simply takes the new size; with a saturated new ReplicaSet
// the old ones go to 0; otherwise, during a rolling update, every active
// ReplicaSet moves by its proportion and the leftover goes to the largest,
// so a rollout in flight keeps its ratio of old to new pods.

import { getCondition, newCondition, PROGRESSING, REASON, setCondition } from './conditions.js';
import { desiredReplicas, isRollingUpdate, maxSurge } from './fenceposts.js';
import { getProportion } from './proportion.js';
import { activeReplicaSets, bySizeNewer, bySizeOlder, findActiveOrLatest, isSaturated, specReplicas } from './replica-sets.js';
import { desiredReplicasAnnotation } from './annotations.js';
import type { RolloutContext } from './rollout-context.js';
import { hasProgressDeadline } from './status.js';
import { rsReplicas, specOf, statusOf, type ReplicaSet } from './types.js';

/** dc.scale */
export async function scaleReplicaSets(c: RolloutContext, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const want = desiredReplicas(c.d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (rsReplicas(only) !== want) await c.scaleAndRecord(only, want);
    return;
  }
  if (isSaturated(c.d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await c.scaleAndRecord(old, 0);
    return;
  }
  if (!isRollingUpdate(c.d)) return;
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(c.d) : 0;
  const toAdd = allowed - specReplicas(all);
  let op: 'up' | 'down' | '' = '';
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    op = 'up';
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    op = 'down';
  }
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = getProportion(rs, c.d, toAdd, added);
      sizes.set(rs, rsReplicas(rs) + p);
      added += p;
    } else sizes.set(rs, rsReplicas(rs));
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs) ?? rsReplicas(rs);
    // What rounding left over goes to the largest ReplicaSet.
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await c.scale(rs, size, op);
  }
}

/** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
export async function isScalingEvent(c: RolloutContext): Promise<boolean> {
  const { newRS, oldRSs } = await c.replicaSets(false);
  const want = desiredReplicas(c.d);
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== want;
  });
}

/** dc.sync: scale (and, when paused, clean up history), then status. */
export async function syncScaling(c: RolloutContext): Promise<void> {
  const { newRS, oldRSs } = await c.replicaSets(false);
  await scaleReplicaSets(c, newRS, oldRSs);
  const current = currentSets(c, newRS, oldRSs);
  if (specOf(c.d).paused) await c.cleanup(current.oldRSs);
  await c.syncStatus([...current.oldRSs, current.newRS], current.newRS);
}

/** The ReplicaSets as last written in this sync (scaling replaces them in the context's list). */
export function currentSets(c: RolloutContext, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
  const latest = (rs: ReplicaSet): ReplicaSet => c.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  return { newRS: newRS && latest(newRS), oldRSs: oldRSs.map(latest) };
}

/** syncStatusOnly (a Deployment being deleted) */
export async function syncStatusOnly(c: RolloutContext): Promise<void> {
  const { newRS, oldRSs } = await c.replicaSets(false);
  await c.syncStatus([...oldRSs, newRS], newRS);
}

/**
 * checkPausedConditions: Progressing becomes Unknown/DeploymentPaused on
 * pause and Unknown/DeploymentResumed on resume, so time spent paused never
 * counts against the progress deadline. A timed-out rollout keeps its
 * ProgressDeadlineExceeded.
 */
export async function checkPausedConditions(c: RolloutContext, now: number): Promise<void> {
  if (!hasProgressDeadline(c.d)) return;
  const status = structuredClone(statusOf(c.d));
  const cond = getCondition(status, PROGRESSING);
  if (cond?.reason === REASON.timedOut) return;
  const pausedCond = cond?.reason === REASON.paused;
  const paused = specOf(c.d).paused === true;
  if (paused && !pausedCond) setCondition(status, newCondition(now, PROGRESSING, 'Unknown', REASON.paused, 'Deployment is paused'));
  else if (!paused && pausedCond) setCondition(status, newCondition(now, PROGRESSING, 'Unknown', REASON.resumed, 'Deployment is resumed'));
  else return;
  await c.writeStatus(status, { force: true });
}
