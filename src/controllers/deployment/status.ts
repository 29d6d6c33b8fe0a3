// A Deployment's status from its ReplicaSets (sync.go calculateStatus and
// progress.go syncRolloutStatus):
// - counts: replicas/updatedReplicas from the ReplicaSets' status.replicas,
//   ready/available sums, unavailable = spec sum − available (never < 0);
// - Available: True (MinimumReplicasAvailable) while available ≥
//   replicas − maxUnavailable;
// - Progressing (only with a progress deadline): NewReplicaSetAvailable once
//   complete, ReplicaSetUpdated (lastUpdateTime renewed) on any progress,
//   ProgressDeadlineExceeded (False) once lastUpdateTime + deadline has
//   passed on the clock without progress. A completed rollout is not
//   re-judged until a new ReplicaSet appears;
// - ReplicaFailure copied from the ReplicaSets (the new one first).
// Zero counts are omitted, as the API serialises them (omitempty).

import { AVAILABLE, getCondition, newCondition, PROGRESSING, REASON, REPLICA_FAILURE, removeCondition, setCondition } from './conditions.js';
import { desiredReplicas, maxUnavailable } from './fenceposts.js';
import { actualReplicas, availableReplicas, readyReplicas, semanticEqual, specReplicas } from './replica-sets.js';
import { rsStatus, specOf, statusOf, type Condition, type Deployment, type DeploymentStatus, type ReplicaSet } from './types.js';

/** progressDeadlineSeconds is set and not MaxInt32 ("no deadline"). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = specOf(d).progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

function omitZeros(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    const v = s[k];
    if (v !== undefined && v !== 0) out[k] = v;
  }
  if (s.conditions && s.conditions.length > 0) out.conditions = s.conditions;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  return out;
}

/** calculateStatus */
export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const unavailable = Math.max(0, specReplicas(allRSs) - available);
  const old = statusOf(d);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    conditions: (old.conditions ?? []).map((c) => ({ ...c })),
  };
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(now, AVAILABLE, 'True', REASON.minimumReplicasAvailable, 'Deployment has minimum availability.'));
  } else {
    setCondition(status, newCondition(now, AVAILABLE, 'False', REASON.minimumReplicasUnavailable, 'Deployment does not have minimum availability.'));
  }
  return omitZeros(status);
}

/** DeploymentComplete: every desired replica updated and available, no old ones left. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than the last status said. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = statusOf(d);
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** When (clock ms) the Progressing condition's deadline falls, or undefined. */
function deadlineOf(d: Deployment, c: Condition | undefined): number | undefined {
  if (!c?.lastUpdateTime) return undefined;
  const from = Date.parse(c.lastUpdateTime);
  return Number.isNaN(from) ? undefined : from + (specOf(d).progressDeadlineSeconds ?? 600) * 1000;
}

/** DeploymentTimedOut */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c) return false;
  // A finished rollout whose new ReplicaSet the cache has not shown yet is not judged.
  if (c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  const deadline = deadlineOf(d, c);
  return deadline !== undefined && deadline < now;
}

function replicaFailures(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Condition[] {
  const of = (rs: ReplicaSet | undefined): Condition[] =>
    (rs ? (rsStatus(rs).conditions ?? []) : [])
      .filter((c) => c.type === REPLICA_FAILURE)
      .map((c) => ({ type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }) as Condition);
  const fromNew = of(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(of);
}

/** syncRolloutStatus's new status: calculateStatus plus Progressing and ReplicaFailure. */
export function rolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(s, PROGRESSING);
  const current = getCondition(statusOf(d), PROGRESSING);
  const isComplete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && current?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, s)) {
      setCondition(s, newCondition(now, PROGRESSING, 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`));
    } else if (deploymentProgressing(d, s)) {
      // Progress renews lastUpdateTime even with the same reason, which setCondition alone would not.
      const c = newCondition(now, PROGRESSING, 'True', REASON.replicaSetUpdated, `${subject} is progressing.`);
      if (current?.status === 'True' && current.lastTransitionTime) c.lastTransitionTime = current.lastTransitionTime;
      removeCondition(s, PROGRESSING);
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      setCondition(s, newCondition(now, PROGRESSING, 'False', REASON.timedOut, `${subject} has timed out progressing.`));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(s, failures[0]!);
  else removeCondition(s, REPLICA_FAILURE);
  return s;
}

/**
 * requeueStuckDeployment: ms until the progress deadline of a rollout that
 * is neither complete nor timed out (so it is judged on time, not at the
 * next unrelated event); undefined when there is nothing to watch.
 */
export function msUntilProgressCheck(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  const current = getCondition(statusOf(d), PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, s) || current.reason === REASON.timedOut) return undefined;
  const deadline = deadlineOf(d, current);
  if (deadline === undefined) return undefined;
  // The deadline is passed strictly after it falls: look just after it.
  return Math.max(deadline - now, 0) + 1;
}

/** Equal the way the API stores them. */
export function sameStatus(a: DeploymentStatus, b: DeploymentStatus): boolean {
  return semanticEqual(omitZeros(a), omitZeros(b));
}
