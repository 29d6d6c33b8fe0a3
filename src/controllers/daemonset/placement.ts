// Which nodes a DaemonSet belongs on (NodeShouldRunDaemonPod). The pod the
// DaemonSet would make for the node — its template with the daemon
// tolerations — is checked against the node as the scheduler would:
//
// - spec.nodeName of the template, if set, must be the node;
// - nodeSelector and required node affinity must match the node's labels;
// - a NoSchedule or NoExecute taint the pod does not tolerate means it should
//   not run there; it may still *continue* running there (a pod already on
//   the node is kept) unless one of those taints is NoExecute.
//
// Resources, ports and pod affinity play no part: the scheduler decides
// those, and a daemon pod that does not fit stays Pending on its node.
//
// A node that is not Ready carries node.kubernetes.io/not-ready (or
// unreachable) NoSchedule in Kubernetes — the kubelet registers with it and
// the node lifecycle controller keeps it. Until hale's node lifecycle adds
// it, the taint is read as if present, as the scheduler does (node-info.ts):
// a new node gets its pod once Ready, and a dead node's pod is kept
// (misscheduled, tolerating NoExecute) rather than counted as desired.

import type { KObject } from '../../api/object.js';
import type { JsonObject } from '../../api/validation/json-read.js';
import { readinessTaint } from '../../scheduler/node-info.js';
import { RequiredNodeAffinity } from '../../scheduler/node-selector.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, parseTaints, parseTolerations, type Taint } from '../../scheduler/tolerations.js';
import { withDaemonTolerations } from './daemon-pod.js';
import { specOf, type DaemonSet } from './daemonset.js';

export interface Placement {
  /** a daemon pod should be created on the node when none is there */
  shouldRun: boolean;
  /** a daemon pod already on the node may stay */
  shouldContinueRunning: boolean;
}

const NOWHERE: Placement = { shouldRun: false, shouldContinueRunning: false };

export function nodeShouldRunDaemonPod(node: KObject, ds: DaemonSet): Placement {
  const name = node.metadata.name ?? '';
  const podSpec = withDaemonTolerations((specOf(ds).template?.spec ?? {}) as Record<string, unknown>);
  const pinned = typeof podSpec.nodeName === 'string' ? podSpec.nodeName : '';
  if (pinned !== '' && pinned !== name) return NOWHERE;
  if (!new RequiredNodeAffinity(podSpec as JsonObject).matches({ name, labels: node.metadata.labels ?? {} })) return NOWHERE;
  const taints = effectiveTaints(node);
  const tolerations = parseTolerations(podSpec.tolerations);
  if (findUntoleratedTaint(taints, tolerations, isDoNotScheduleTaint) === undefined) return { shouldRun: true, shouldContinueRunning: true };
  // Placed pods stay unless a NoExecute taint they do not tolerate would evict them anyway.
  const evicting = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: evicting === undefined };
}

/** spec.taints plus the readiness taint a node that is not Ready would carry. */
export function effectiveTaints(node: KObject): Taint[] {
  const taints = parseTaints((node.spec as { taints?: unknown } | undefined)?.taints);
  const readiness = readinessTaint(node, taints);
  return readiness ? [...taints, readiness] : taints;
}
