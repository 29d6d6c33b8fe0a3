// A StatefulSet's status (computeReplicaStatus, completeRollingUpdate,
// inconsistentStatus): replicas counts created pods (a phase is set),
// readyReplicas Running and Ready ones, availableReplicas those Ready for
// minReadySeconds, currentReplicas / updatedReplicas the non-terminating
// pods labelled with the current / update revision. A RollingUpdate whose
// pods are all updated and ready completes: the update revision becomes the
// current one. Status is written only when a field the controller owns
// differs, so a quiet set costs no writes.

import type { KObject } from '../../api/object.js';
import { isPodAvailable, isPodReady, podPhase } from '../../controller/pod-state.js';
import { podRevision, specOf } from './identity.js';

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas?: number;
  conditions?: unknown[];
}

export const isCreated = (pod: KObject): boolean => podPhase(pod) !== '';
export const isTerminating = (pod: KObject): boolean => !!pod.metadata.deletionTimestamp;
export const isRunningAndReady = (pod: KObject): boolean => podPhase(pod) === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: KObject, minReadySeconds: number, now: number): boolean => podPhase(pod) === 'Running' && isPodAvailable(pod, minReadySeconds, now);
/** isHealthy: Running, Ready and not terminating */
export const isHealthy = (pod: KObject): boolean => isRunningAndReady(pod) && !isTerminating(pod);

/** updateStatus: the counts over every list of pods (pods not yet created count nowhere). */
export function countPods(o: { status: StatefulSetStatus; minReadySeconds: number; now: number; current: string; update: string; lists: readonly (readonly KObject[])[] }): void {
  const s = o.status;
  s.replicas = 0;
  s.readyReplicas = 0;
  s.availableReplicas = 0;
  s.currentReplicas = 0;
  s.updatedReplicas = 0;
  for (const list of o.lists) {
    for (const pod of list) {
      if (isCreated(pod)) s.replicas++;
      if (isRunningAndReady(pod)) {
        s.readyReplicas++;
        if (isRunningAndAvailable(pod, o.minReadySeconds, o.now)) s.availableReplicas++;
      }
      if (isCreated(pod) && !isTerminating(pod)) {
        const rev = podRevision(pod);
        if (rev === o.current) s.currentReplicas++;
        if (rev === o.update) s.updatedReplicas++;
      }
    }
  }
}

/** completeRollingUpdate */
export function completeRollingUpdate(set: KObject, s: StatefulSetStatus): void {
  if ((specOf(set).updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && s.updatedReplicas === s.replicas && s.readyReplicas === s.replicas) {
    s.currentReplicas = s.updatedReplicas;
    s.currentRevision = s.updateRevision;
  }
}

/** inconsistentStatus: does `s` differ from what the set carries (zero counts are omitted in storage)? */
export function statusDiffers(set: KObject, s: StatefulSetStatus): boolean {
  const old = (set.status ?? {}) as StatefulSetStatus;
  const key = (x: StatefulSetStatus): string =>
    JSON.stringify([
      x.observedGeneration ?? 0,
      x.replicas ?? 0,
      x.readyReplicas ?? 0,
      x.availableReplicas ?? 0,
      x.currentReplicas ?? 0,
      x.updatedReplicas ?? 0,
      x.currentRevision ?? '',
      x.updateRevision ?? '',
      x.collisionCount ?? 0,
    ]);
  return key(old) !== key(s);
}
