// Topology spread constraints as PodTopologySpread evaluates them, shared by
// its filter (whenUnsatisfiable: DoNotSchedule) and its score (ScheduleAnyway
// and the system default constraints).
//
// - labelSelector absent selects no pod; `{}` selects every pod but, as in
//   Kubernetes, an empty selector counts nothing (countPodsMatchSelector).
// - matchLabelKeys: the pod's values for those keys are ANDed into the selector.
// - minDomains defaults to 1, nodeAffinityPolicy to Honor, nodeTaintsPolicy to Ignore.
// - Only pods in the incoming pod's namespace that are not terminating count.
// - System defaults (used when the pod has no constraints at all):
//   kubernetes.io/hostname maxSkew 3 and topology.kubernetes.io/zone maxSkew 5,
//   both ScheduleAnyway, selecting "the pods of the same workload". Kubernetes
//   builds that selector from the Services selecting the pod and its
//   controlling ReplicaSet / StatefulSet / ReplicationController; a caller may
//   supply exactly that (DefaultSpreadSelector), otherwise pods with the same
//   controller (same ownerReference uid, for those three kinds) are the same
//   workload.

import type { KObject } from '../api/object.js';
import { arr, obj, objects, optNum, str, type JsonObject } from '../api/validation/json-read.js';
import type { Labels } from '../machinery/labels/requirement.js';
import { selectorFromLabelSelector, type LabelSelector, type LabelSelectorJson, type LabelSelectorRequirementJson } from '../machinery/labels/selector.js';
import { SchedulingError } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { RequiredNodeAffinity } from './node-selector.js';
import type { PodInfo } from './pod-info.js';
import { findUntoleratedTaint, isDoNotScheduleTaint } from './tolerations.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** Which pods a constraint counts. */
export interface PodMatcher {
  /** labels.Selector.Empty(): an empty matcher counts no pod */
  readonly empty: boolean;
  matches(pod: Pick<PodInfo, 'labels' | 'controller'>): boolean;
  /** set when it selects exactly the pods controlled by this uid: nodes keep those counts */
  readonly controllerUid?: string;
}

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly matcher: PodMatcher;
  readonly minDomains: number;
  readonly honorNodeAffinity: boolean;
  readonly honorNodeTaints: boolean;
}

/**
 * The selector Kubernetes' DefaultSelector would build for `pod` (Services
 * selecting it, its controller's selector); undefined when nothing selects it.
 */
export type DefaultSpreadSelector = (pod: KObject) => LabelSelector | undefined;

export type UnsatisfiableAction = 'DoNotSchedule' | 'ScheduleAnyway';

function selectorMatcher(sel: LabelSelector): PodMatcher {
  return { empty: sel.empty, matches: (p) => sel.matches(p.labels) };
}

/** The constraint's selector with the pod's matchLabelKeys values folded in. */
function constraintSelector(c: JsonObject, podLabels: Labels): LabelSelector {
  // The API layer validated this object's shape; selectorFromLabelSelector re-checks every key and value.
  const sel = obj(c.labelSelector) as LabelSelectorJson | undefined;
  const extra: LabelSelectorRequirementJson[] = [];
  for (const key of arr(c.matchLabelKeys).map(str)) {
    const v = podLabels[key];
    if (typeof v === 'string') extra.push({ key, operator: 'In', values: [v] });
  }
  // A nil selector stays "nothing" (Kubernetes 1.32 returns it unchanged).
  if (!sel || extra.length === 0) return selectorFromLabelSelector(sel);
  return selectorFromLabelSelector({ matchLabels: sel.matchLabels ?? null, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] });
}

/** filterTopologySpreadConstraints over the pod's own constraints. Throws SchedulingError on a selector that does not parse. */
export function podSpreadConstraints(pod: PodInfo, action: UnsatisfiableAction): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const [c] of objects(pod.spec.topologySpreadConstraints)) {
    if (str(c.whenUnsatisfiable) !== action) continue;
    let selector: LabelSelector;
    try {
      selector = constraintSelector(c, pod.labels);
    } catch (err) {
      if (err instanceof Error) throw new SchedulingError(`running PreFilter plugin "PodTopologySpread": ${err.message}`);
      throw err;
    }
    out.push({
      maxSkew: optNum(c.maxSkew) ?? 0,
      topologyKey: str(c.topologyKey),
      matcher: selectorMatcher(selector),
      minDomains: optNum(c.minDomains) ?? 1,
      honorNodeAffinity: str(c.nodeAffinityPolicy) !== 'Ignore',
      honorNodeTaints: str(c.nodeTaintsPolicy) === 'Honor',
    });
  }
  return out;
}

const WORKLOAD_KINDS = new Set(['apps/v1 ReplicaSet', 'apps/v1 StatefulSet', 'v1 ReplicationController']);

function sameWorkload(pod: PodInfo, custom: DefaultSpreadSelector | undefined): PodMatcher | undefined {
  if (custom) {
    const sel = custom(pod.pod);
    return sel && !sel.empty ? selectorMatcher(sel) : undefined;
  }
  const owner = pod.controller;
  if (!owner || !WORKLOAD_KINDS.has(`${owner.apiVersion} ${owner.kind}`) || !owner.uid) return undefined;
  return { empty: false, matches: (p) => p.controller?.uid === owner.uid, controllerUid: owner.uid };
}

/** buildDefaultConstraints with the system defaults (all ScheduleAnyway, so only scoring uses them). */
export function defaultSpreadConstraints(pod: PodInfo, custom: DefaultSpreadSelector | undefined): SpreadConstraint[] {
  const matcher = sameWorkload(pod, custom);
  if (!matcher) return [];
  const base = { matcher, minDomains: 1, honorNodeAffinity: true, honorNodeTaints: false };
  return [
    { ...base, topologyKey: LABEL_HOSTNAME, maxSkew: 3 },
    { ...base, topologyKey: LABEL_ZONE, maxSkew: 5 },
  ];
}

/** nodeLabelsMatchSpreadConstraints: the node has every topology key. */
export function nodeHasAllKeys(labels: Labels, constraints: readonly SpreadConstraint[]): boolean {
  return constraints.every((c) => typeof labels[c.topologyKey] === 'string');
}

/** matchNodeInclusionPolicies: whether `node` is a domain member for this constraint. */
export function nodeIncluded(c: SpreadConstraint, pod: PodInfo, node: NodeInfo, required: RequiredNodeAffinity): boolean {
  if (c.honorNodeAffinity && !required.matches(node)) return false;
  if (c.honorNodeTaints && findUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint)) return false;
  return true;
}

/** countPodsMatchSelector over one node's pods; "same controller" matchers read the node's running count. */
export function countMatching(node: NodeInfo, matcher: PodMatcher, namespace: string): number {
  if (matcher.empty) return 0;
  if (matcher.controllerUid !== undefined) return node.countControlled(namespace, matcher.controllerUid);
  let n = 0;
  for (const p of node.pods) if (!p.terminating && p.namespace === namespace && matcher.matches(p)) n++;
  return n;
}
