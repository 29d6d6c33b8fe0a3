// One node's part of a sync (podsShouldBeOnNode): given whether the DaemonSet
// belongs on the node and the daemon pods already there, which pods to
// delete and whether to create one.
//
// - Belongs and has none: create one.
// - May stay: a Failed pod is deleted (event FailedDaemonPod) unless the
//   node's failed-pod backoff holds it back — then look again when the
//   backoff ends; a Succeeded pod is deleted (SucceededDaemonPod); the
//   replacement comes from the next sync. Without surge, extra running pods
//   go, the oldest stays. With surge, at most one old and one new pod stay:
//   the old one goes when it is not ready or when the new one is available.
// - May not stay: every pod on the node goes.
// Pods being deleted are left alone throughout.

import type { KObject } from '../../api/object.js';
import { isPodAvailable, isPodReady, nodeNameOf, podPhase } from '../../controller/pod-state.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './daemon-pod.js';
import { allowsSurge, minReadySeconds, statusOf, type DaemonSet } from './daemonset.js';
import type { FailedPodBackoff } from './failed-pod-backoff.js';
import type { Placement } from './placement.js';

export interface NodeEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface NodeDecision {
  create: boolean;
  /** names of pods to delete */
  delete: string[];
  events: NodeEvent[];
  /** look at the DaemonSet again after this long (a failed pod in backoff) */
  requeueAfter?: number;
}

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name. */
export function byCreationTimestamp(a: KObject, b: KObject): number {
  const sa = nodeNameOf(a) !== '';
  const sb = nodeNameOf(b) !== '';
  if (sa !== sb) return sa ? -1 : 1;
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** failedPodsBackoffKey: per DaemonSet uid, observed generation and node. */
export function failedPodsBackoffKey(ds: DaemonSet, nodeName: string): string {
  return `${ds.metadata.uid ?? ''}/${statusOf(ds).observedGeneration ?? 0}/${nodeName}`;
}

export function podsShouldBeOnNode(o: {
  ds: DaemonSet;
  nodeName: string;
  placement: Placement;
  /** the DaemonSet's pods targeting this node (undefined: none) */
  pods: readonly KObject[] | undefined;
  hash: string;
  backoff: FailedPodBackoff;
  /** monotonic ms, for the backoff */
  monotonicMs: number;
  /** wall ms, for availability */
  nowMs: number;
}): NodeDecision {
  const { ds, nodeName, placement, pods, hash } = o;
  const out: NodeDecision = { create: false, delete: [], events: [] };
  if (placement.shouldRun && pods === undefined) {
    out.create = true;
    return out;
  }
  if (!placement.shouldContinueRunning) {
    for (const p of pods ?? []) if (!p.metadata.deletionTimestamp) out.delete.push(p.metadata.name ?? '');
    return out;
  }
  const running: KObject[] = [];
  for (const pod of pods ?? []) {
    if (pod.metadata.deletionTimestamp) continue;
    const phase = podPhase(pod);
    if (phase === 'Failed') {
      // The kubelet may keep rejecting this pod: back off per node rather than fight it in a hot loop.
      const key = failedPodsBackoffKey(ds, nodeName);
      if (o.backoff.inBackoffSinceUpdate(key, o.monotonicMs)) {
        const delay = o.backoff.get(key);
        out.requeueAfter = out.requeueAfter === undefined ? delay : Math.min(out.requeueAfter, delay);
        continue;
      }
      o.backoff.next(key, o.monotonicMs);
      out.events.push({ type: 'Warning', reason: 'FailedDaemonPod', message: `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it` });
      out.delete.push(pod.metadata.name ?? '');
    } else if (phase === 'Succeeded') {
      out.events.push({ type: 'Normal', reason: 'SucceededDaemonPod', message: `Found succeeded daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to delete it` });
      out.delete.push(pod.metadata.name ?? '');
    } else running.push(pod);
  }
  running.sort(byCreationTimestamp);

  if (!allowsSurge(ds)) {
    // One pod per node: the oldest stays.
    for (const extra of running.slice(1)) out.delete.push(extra.metadata.name ?? '');
    return out;
  }
  if (running.length <= 1) {
    if (running.length === 0 && placement.shouldRun) out.create = true;
    return out;
  }
  // Surging: keep the oldest new and the oldest old pod, and the old one only while it is ready and the new one is not yet available.
  let oldestNew: KObject | undefined;
  let oldestOld: KObject | undefined;
  for (const pod of running) {
    const isNew = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
    if (isNew && !oldestNew) oldestNew = pod;
    else if (!isNew && !oldestOld) oldestOld = pod;
    else out.delete.push(pod.metadata.name ?? '');
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReadySeconds(ds), o.nowMs)) out.delete.push(oldestOld.metadata.name ?? '');
  }
  return out;
}
