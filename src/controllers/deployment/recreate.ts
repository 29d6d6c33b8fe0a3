// The Recreate strategy (recreate.go): scale every old ReplicaSet to 0, wait
// until none of their pods is left running (a terminating pod still runs:
// only a pod that is gone or has finished counts as stopped), and only then
// create the new ReplicaSet at full size. No old and new pod ever run
// together, which is what ReadWriteOnce volumes need.

import type { KObject } from '../../api/object.js';
import { podPhase } from '../../controller/pod-state.js';
import { desiredReplicas } from './fenceposts.js';
import { actualReplicas, activeReplicaSets } from './replica-sets.js';
import type { RolloutContext } from './rollout-context.js';
import { currentSets } from './scaling.js';
import { deploymentComplete } from './status.js';
import { rsReplicas, statusOf, type ReplicaSet } from './types.js';

/** pods of the Deployment grouped by the uid of the ReplicaSet that controls them */
export type PodMap = Map<string, KObject[]>;

export async function rolloutRecreate(c: RolloutContext, podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await c.replicaSets(false);
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await c.scaleAndRecord(rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRS, currentSets(c, newRS, oldRSs).oldRSs, podMap)) {
    const cur = currentSets(c, newRS, oldRSs);
    return c.syncRolloutStatus([...cur.oldRSs, cur.newRS], cur.newRS);
  }
  if (!newRS) ({ newRS, oldRSs } = await c.replicaSets(true));
  if (newRS && rsReplicas(newRS) !== desiredReplicas(c.d)) await c.scaleAndRecord(newRS, desiredReplicas(c.d));
  const cur = currentSets(c, newRS, oldRSs);
  if (deploymentComplete(c.d, statusOf(c.d))) await c.cleanup(cur.oldRSs);
  return c.syncRolloutStatus([...cur.oldRSs, cur.newRS], cur.newRS);
}

/** oldPodsRunning: an old ReplicaSet still reports pods, or an old pod has not finished. */
function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => podPhase(p) !== 'Failed' && podPhase(p) !== 'Succeeded')) return true;
  }
  return false;
}
