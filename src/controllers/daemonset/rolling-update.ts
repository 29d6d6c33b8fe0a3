// One step of a RollingUpdate (update.go rollingUpdate): which old pods to
// delete and, when surging, on which nodes to start a new pod next to the
// old one. The manage step has already made at most one pod per node
// (two when surging) and replaced failed pods; this step only replaces old
// pods, within the strategy's limits:
//
// - maxSurge = 0: an old pod that is not available is replaced at once; an
//   available old pod is deleted only while fewer than maxUnavailable nodes
//   are unavailable (a node with no pod, or a new pod not yet available,
//   counts as unavailable). The manage step then creates the new pod.
// - maxSurge > 0: a new pod is started next to every unavailable old pod,
//   and next to at most maxSurge available ones at a time; an old pod is
//   deleted once the new pod on its node is available. An old pod on a node
//   the DaemonSet no longer fits is deleted only while more pods are
//   available than desired, so the set never drops below 100 %.
// Pods being deleted count for nothing (so a dead node cannot stall an update).

import type { KObject } from '../../api/object.js';
import { isPodAvailable } from '../../controller/pod-state.js';
import { isPodUpdated } from './daemon-pod.js';
import { minReadySeconds, surgeCount, unavailableCount, type DaemonSet } from './daemonset.js';

export interface RollingStep {
  deletes: string[];
  creates: string[];
}

/** findUpdatedPodsOnNode: at most one new and one old live pod; undefined when there are more. */
function splitNode(pods: readonly KObject[], hash: string, generation: number | undefined): { newPod?: KObject; oldPod?: KObject } | undefined {
  let newPod: KObject | undefined;
  let oldPod: KObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}) };
}

export function rollingUpdateStep(o: {
  ds: DaemonSet;
  /** daemon pods by target node; nodes the DaemonSet should run on but has no pod are present with [] */
  nodeToPods: ReadonlyMap<string, readonly KObject[]>;
  desiredNumberScheduled: number;
  /** whether the DaemonSet should (still) be started on a node */
  shouldRun: (nodeName: string) => boolean;
  hash: string;
  generation: number | undefined;
  nowMs: number;
}): RollingStep {
  const { ds, nodeToPods, hash, generation } = o;
  const minReady = minReadySeconds(ds);
  const available = (p: KObject): boolean => isPodAvailable(p, minReady, o.nowMs);
  let maxSurge = surgeCount(ds, o.desiredNumberScheduled);
  let maxUnavailable = unavailableCount(ds, o.desiredNumberScheduled);
  // An impossible 0/0 (the API refuses it, but a percentage may round to it) accepts one unavailable.
  if (o.desiredNumberScheduled > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  maxSurge = Math.max(0, maxSurge);

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const pods of nodeToPods.values()) {
      const split = splitNode(pods, hash, generation);
      if (!split) {
        numUnavailable++; // the manage step cleans this node up first
        continue;
      }
      const { newPod, oldPod } = split;
      if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          replacements.push(oldPod.metadata.name ?? '');
          numUnavailable++;
        } else if (numUnavailable < maxUnavailable) candidates.push(oldPod.metadata.name ?? '');
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { deletes: [...replacements, ...candidates.slice(0, remaining)], creates: [] };
  }

  const deletes: string[] = [];
  const shouldNotRunPods: string[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of nodeToPods) {
    const split = splitNode(pods, hash, generation);
    if (!split) {
      numSurge++;
      continue;
    }
    const { newPod, oldPod } = split;
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue; // nothing old here: the manage step handles it
    if (!newPod) {
      if (!available(oldPod)) {
        if (!o.shouldRun(nodeName)) deletes.push(oldPod.metadata.name ?? '');
        else allowedNodes.push(nodeName);
      } else if (!o.shouldRun(nodeName)) shouldNotRunPods.push(oldPod.metadata.name ?? '');
      else if (numSurge < maxSurge) candidateNodes.push(nodeName);
      continue;
    }
    // Already surged here: the old pod goes once the new one is available.
    if (!available(newPod)) numSurge++;
    else deletes.push(oldPod.metadata.name ?? '');
  }
  const deletable = Math.min(Math.max(0, numAvailable - o.desiredNumberScheduled), shouldNotRunPods.length);
  deletes.push(...shouldNotRunPods.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNodes.length);
  return { deletes, creates: [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)] };
}
