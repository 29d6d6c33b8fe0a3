// One pass of the StatefulSet algorithm (updateStatefulSet, Kubernetes 1.32):
//
// 1. Pods split into `replicas` (ordinals in [start, start+replicas)) and
//    `condemned` (valid ordinals outside, highest first); a missing ordinal
//    gets a pod object to create, at the current revision below the
//    partition and the update revision from it.
// 2. Each replica, in ordinal order (processReplica): a Failed or Succeeded
//    pod is deleted, and the pass stops — its replacement is created by a
//    later pass, after the old object has left the store, so two pods never
//    share a name; a missing pod is created (its claims first); with
//    OrderedReady the pass stops at a pod that is creating, terminating, or
//    not Running+Ready (+available after minReadySeconds).
// 3. Condemned pods get their claims' retention owners, then are deleted:
//    OrderedReady one at a time from the highest ordinal, each only once it
//    is gone, and only when every other pod is healthy; Parallel all at once.
// 4. RollingUpdate: the highest-ordinal pod ≥ partition not at the update
//    revision is deleted (it comes back at the new revision through step 2),
//    one at a time, waiting for each to be healthy. OnDelete stops at 3.
//    With the MaxUnavailableStatefulSet gate (alpha, off by default in 1.32)
//    up to maxUnavailable pods go at once.
//
// The pass returns the status the set should carry; it throws what failed.

import { scaledValueOrZero } from '../../machinery/intstr.js';
import type { KObject, OwnerReference } from '../../api/object.js';
import { slowStartBatch } from '../../controller/batch.js';
import { endOrdinal, newStatefulSetPod, ordinalOf, podRevision, replicasOf, specOf, startOrdinal } from './identity.js';
import type { StatefulPodControl } from './pod-control.js';
import { applyRevision } from './revisions.js';
import { countPods, isCreated, isHealthy, isRunningAndAvailable, isRunningAndReady, isTerminating, type StatefulSetStatus } from './status.js';
import { podPhase } from '../../controller/pod-state.js';

export interface UpdateInput {
  set: KObject;
  owner: OwnerReference;
  pods: readonly KObject[];
  current: KObject;
  update: KObject;
  collisionCount: number;
  control: StatefulPodControl;
  now: number;
  /** the MaxUnavailableStatefulSet feature gate (alpha in 1.32, off by default) */
  maxUnavailableGate: boolean;
}

export interface UpdateOutput {
  status: StatefulSetStatus;
  /** what failed, after the status was computed (the status is still written) */
  error?: unknown;
}

/** Runs `fn` over the indexes: in order, stopping at the first that says stop (monotonic), or in slow-start batches. */
async function runForAll(n: number, monotonic: boolean, fn: (i: number) => Promise<boolean>): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < n; i++) if (await fn(i)) return true;
    return false;
  }
  const { error } = await slowStartBatch(n, 1, async (i) => {
    await fn(i);
  });
  if (error !== undefined) throw error;
  return false;
}

export async function updateStatefulSet(o: UpdateInput): Promise<UpdateOutput> {
  const { set, control } = o;
  const spec = specOf(set);
  const minReady = spec.minReadySeconds ?? 0;
  const currentSet = applyRevision(set, o.current);
  const updateSet = applyRevision(set, o.update);
  const currentName = o.current.metadata.name ?? '';
  const updateName = o.update.metadata.name ?? '';
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    replicas: 0,
    currentRevision: currentName,
    updateRevision: updateName,
    collisionCount: o.collisionCount,
  };
  const count = (...lists: (readonly KObject[])[]): void => countPods({ status, minReadySeconds: minReady, now: o.now, current: currentName, update: updateName, lists });
  count(o.pods);

  const start = startOrdinal(set);
  const replicas: KObject[] = new Array<KObject>(replicasOf(set));
  const condemned: KObject[] = [];
  for (const pod of o.pods) {
    const ord = ordinalOf(pod);
    if (ord >= start && ord <= endOrdinal(set)) replicas[ord - start] = pod;
    else if (ord >= 0) condemned.push(pod);
  }
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  for (let i = 0; i < replicas.length; i++) {
    if (replicas[i]) continue;
    const ord = start + i;
    // newVersionedStatefulSetPod: below the partition a new pod is made at the current revision.
    const atCurrent = rolling && ord < start + partition;
    replicas[i] = newStatefulSetPod({ set: atCurrent ? currentSet : updateSet, owner: o.owner, ordinal: ord, revision: atCurrent ? currentName : updateName });
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

  // The first unhealthy pod: the lowest replica, else the lowest condemned one.
  let firstUnhealthy: KObject | undefined = replicas.find((p) => !isHealthy(p));
  if (!firstUnhealthy) for (let i = condemned.length - 1; i >= 0 && !firstUnhealthy; i--) if (!isHealthy(condemned[i]!)) firstUnhealthy = condemned[i];

  if (set.metadata.deletionTimestamp) return { status };
  const monotonic = spec.podManagementPolicy !== 'Parallel';
  const finish = (error?: unknown): UpdateOutput => {
    count(replicas, condemned);
    return error === undefined ? { status } : { status, error };
  };

  try {
    // 2. The replicas.
    const processReplica = async (i: number): Promise<boolean> => {
      const pod = replicas[i]!;
      const phase = podPhase(pod);
      if (phase === 'Failed' || phase === 'Succeeded') {
        if (!pod.metadata.deletionTimestamp) await control.deletePod(set, pod);
        // The replacement is made by a later pass, once this object has left the store.
        return true;
      }
      if (!isCreated(pod)) {
        // A claim still owned by an earlier pod of this name: wait for the collector.
        if (control.claimIsStale(set, pod)) return true;
        await control.createPod(set, pod);
        if (monotonic) return true;
      }
      if (phase === 'Pending' && isCreated(pod)) await control.createMissingClaims(set, pod);
      if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, o.now))) return true;
      if (isCreated(pod)) await control.updatePod(updateSet, pod);
      return false;
    };
    if (await runForAll(replicas.length, monotonic, processReplica)) return finish();

    // 3. Condemned pods: claims' retention owners first, then the deletions.
    const fixClaims = async (i: number): Promise<boolean> => {
      const pod = condemned[i]!;
      if (!control.claimsMatchRetention(updateSet, pod)) await control.updateClaimsForRetention(updateSet, pod);
      return false;
    };
    if (await runForAll(condemned.length, monotonic, fixClaims)) return finish();
    const processCondemned = async (i: number): Promise<boolean> => {
      const pod = condemned[i]!;
      if (isTerminating(pod)) return monotonic; // OrderedReady: wait for it to be gone
      if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, o.now))) return true;
      await control.deletePod(set, pod);
      return true;
    };
    if (await runForAll(condemned.length, monotonic, processCondemned)) return finish();
    count(replicas, condemned);

    // 4. Updates.
    if (!rolling) return { status };
    if (o.maxUnavailableGate) {
      await updateWithMaxUnavailable({ o, replicas, status, partition, updateName });
      return { status };
    }
    for (let target = replicas.length - 1; target >= partition; target--) {
      const pod = replicas[target]!;
      if (podRevision(pod) !== updateName && !isTerminating(pod)) {
        await control.deletePod(set, pod);
        status.currentReplicas = (status.currentReplicas ?? 0) - 1;
        return { status };
      }
      if (!isHealthy(pod)) return { status };
    }
    return { status };
  } catch (err) {
    return finish(err);
  }
}

/** updateStatefulSetAfterInvariantEstablished: up to maxUnavailable pods (counting the unavailable ones) go at once. */
async function updateWithMaxUnavailable(a: { o: UpdateInput; replicas: KObject[]; status: StatefulSetStatus; partition: number; updateName: string }): Promise<void> {
  const { o, replicas, status } = a;
  const maxUnavailable = Math.max(1, scaledValueOrZero(specOf(o.set).updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, replicas.length, false));
  const unavailable = replicas.filter((p) => !isHealthy(p)).length;
  if (unavailable > maxUnavailable) return;
  let budget = maxUnavailable - unavailable;
  for (let target = replicas.length - 1; target >= a.partition && budget > 0; target--) {
    const pod = replicas[target]!;
    if (podRevision(pod) !== a.updateName && !isTerminating(pod)) {
      await o.control.deletePod(o.set, pod);
      budget--;
      status.currentReplicas = (status.currentReplicas ?? 0) - 1;
    }
  }
}
