// The RollingUpdate strategy (rolling.go). Each sync takes one step and
// writes status:
// 1. scale the new ReplicaSet up, keeping the sum of all ReplicaSets'
//    spec.replicas ≤ replicas + maxSurge (or down, past spec.replicas);
// 2. else scale old ReplicaSets down while keeping replicas − maxUnavailable
//    available: first old pods that are not available anyway
//    (cleanupUnhealthyReplicas), then available ones, oldest ReplicaSet first;
// 3. once complete, delete history past revisionHistoryLimit.
// The ReplicaSet controller turns spec.replicas into pods; its status
// updates bring the Deployment back here for the next step.

import { desiredReplicas, maxUnavailable } from './fenceposts.js';
import { newRSNewReplicas } from './proportion.js';
import { activeReplicaSets, availableReplicas, byCreation, specReplicas } from './replica-sets.js';
import type { RolloutContext } from './rollout-context.js';
import { currentSets } from './scaling.js';
import { deploymentComplete } from './status.js';
import { rsReplicas, rsStatus, statusOf, type ReplicaSet } from './types.js';

export async function rolloutRolling(c: RolloutContext): Promise<void> {
  const { newRS, oldRSs } = await c.replicaSets(true);
  if (!newRS) throw new Error('no new replica set after creating one');
  if (await reconcileNewReplicaSet(c, [...oldRSs, newRS], newRS)) return status(c, newRS, oldRSs);
  if (await reconcileOldReplicaSets(c, oldRSs, newRS)) return status(c, newRS, oldRSs);
  if (deploymentComplete(c.d, statusOf(c.d))) await c.cleanup(currentSets(c, newRS, oldRSs).oldRSs);
  return status(c, newRS, oldRSs);
}

async function status(c: RolloutContext, newRS: ReplicaSet, oldRSs: ReplicaSet[]): Promise<void> {
  const cur = currentSets(c, newRS, oldRSs);
  await c.syncRolloutStatus([...cur.oldRSs, cur.newRS], cur.newRS);
}

async function reconcileNewReplicaSet(c: RolloutContext, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const want = desiredReplicas(c.d);
  if (rsReplicas(newRS) === want) return false;
  if (rsReplicas(newRS) > want) return (await c.scaleAndRecord(newRS, want)).scaled;
  return (await c.scaleAndRecord(newRS, newRSNewReplicas(c.d, allRSs, newRS))).scaled;
}

async function reconcileOldReplicaSets(c: RolloutContext, allOld: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const oldRSs = activeReplicaSets(allOld);
  if (specReplicas(oldRSs) === 0) return false;
  const allPods = specReplicas([...oldRSs, newRS]);
  const minAvailable = desiredReplicas(c.d) - maxUnavailable(c.d);
  const newUnavailable = rsReplicas(newRS) - (rsStatus(newRS).availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { rss, cleaned } = await cleanupUnhealthyReplicas(c, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSets(c, [...rss, newRS], rss);
  return cleaned + scaledDown > 0;
}

/** Scales old ReplicaSets down by their pods that are not available, oldest first, at most `max` in all. */
async function cleanupUnhealthyReplicas(c: RolloutContext, oldRSs: ReplicaSet[], max: number): Promise<{ rss: ReplicaSet[]; cleaned: number }> {
  const rss = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of rss.entries()) {
    if (total >= max) break;
    const replicas = rsReplicas(rs);
    const available = rsStatus(rs).availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const n = Math.min(max - total, replicas - available);
    if (n <= 0) continue;
    rss[i] = (await c.scaleAndRecord(rs, replicas - n)).rs;
    total += n;
  }
  return { rss, cleaned: total };
}

/** Scales old ReplicaSets down by as many available pods as replicas − maxUnavailable allows, oldest first. */
async function scaleDownOldReplicaSets(c: RolloutContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = desiredReplicas(c.d) - maxUnavailable(c.d);
  const available = availableReplicas(allRSs);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (rsReplicas(rs) === 0) continue;
    const n = Math.min(rsReplicas(rs), budget - total);
    await c.scaleAndRecord(rs, rsReplicas(rs) - n);
    total += n;
  }
  return total;
}
