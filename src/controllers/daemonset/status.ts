// A DaemonSet's status from the nodes and its pods (updateDaemonSetStatus):
// per node the DaemonSet should run on, desired +1, and when a pod is there
// current +1 and the oldest pod decides ready, available (ready for
// minReadySeconds) and updated (current hash or template generation); a pod
// on a node it should not run on is misscheduled. unavailable = desired −
// available. observedGeneration moves only when the controller acted on
// this generation (its expectations were met); collisionCount and
// conditions are kept as they are.

import type { KObject } from '../../api/object.js';
import { isPodAvailable, isPodReady } from '../../controller/pod-state.js';
import { isPodUpdated } from './daemon-pod.js';
import { minReadySeconds, statusOf, type DaemonSet, type DaemonSetStatus } from './daemonset.js';
import { byCreationTimestamp } from './node-pods.js';

export interface StatusCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

export function countStatus(o: {
  ds: DaemonSet;
  nodes: readonly KObject[];
  shouldRun: (node: KObject) => boolean;
  nodeToPods: ReadonlyMap<string, readonly KObject[]>;
  hash: string;
  generation: number | undefined;
  nowMs: number;
}): StatusCounts {
  const c: StatusCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  for (const node of o.nodes) {
    const pods = o.nodeToPods.get(node.metadata.name ?? '') ?? [];
    const scheduled = pods.length > 0;
    if (!o.shouldRun(node)) {
      if (scheduled) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!scheduled) continue;
    c.currentNumberScheduled++;
    const pod = [...pods].sort(byCreationTimestamp)[0]!;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, minReadySeconds(o.ds), o.nowMs)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, o.hash, o.generation)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/**
 * The status to write, or undefined when the stored one already says the
 * same (storeDaemonSetStatus). Fields the API omits when zero are omitted.
 */
export function nextStatus(ds: DaemonSet, c: StatusCounts, updateObservedGeneration: boolean): DaemonSetStatus | undefined {
  const old = statusOf(ds);
  const generation = ds.metadata.generation ?? 0;
  const same =
    (old.desiredNumberScheduled ?? 0) === c.desiredNumberScheduled &&
    (old.currentNumberScheduled ?? 0) === c.currentNumberScheduled &&
    (old.numberMisscheduled ?? 0) === c.numberMisscheduled &&
    (old.numberReady ?? 0) === c.numberReady &&
    (old.updatedNumberScheduled ?? 0) === c.updatedNumberScheduled &&
    (old.numberAvailable ?? 0) === c.numberAvailable &&
    (old.numberUnavailable ?? 0) === c.numberUnavailable &&
    (old.observedGeneration ?? 0) >= generation;
  if (same) return undefined;
  const observed = updateObservedGeneration ? generation : (old.observedGeneration ?? 0);
  const s: DaemonSetStatus = {
    currentNumberScheduled: c.currentNumberScheduled,
    numberMisscheduled: c.numberMisscheduled,
    desiredNumberScheduled: c.desiredNumberScheduled,
    numberReady: c.numberReady,
  };
  if (observed) s.observedGeneration = observed;
  if (c.updatedNumberScheduled) s.updatedNumberScheduled = c.updatedNumberScheduled;
  if (c.numberAvailable) s.numberAvailable = c.numberAvailable;
  if (c.numberUnavailable) s.numberUnavailable = c.numberUnavailable;
  if (old.collisionCount !== undefined) s.collisionCount = old.collisionCount;
  if (old.conditions !== undefined) s.conditions = old.conditions;
  return s;
}
