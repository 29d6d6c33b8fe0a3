// InterPodAffinity (filter part), in Kubernetes' order of checks:
// 1. the pod's required affinity: the node must carry every term's topology
//    key, and its domain must hold a pod matching ALL the terms — unless no
//    pod anywhere matches and the pod matches its own terms (the first pod of
//    a group that wants to be together) → `node(s) didn't match pod affinity rules`
//    (UnschedulableAndUnresolvable);
// 2. the pod's required anti-affinity: no pod matching a term may be in the
//    node's domain for that term → `node(s) didn't match pod anti-affinity rules`;
// 3. existing pods' required anti-affinity: no pod already placed may have a
//    term matching this pod whose domain contains the node →
//    `node(s) didn't satisfy existing pods anti-affinity rules`.
// 2 and 3 are Unschedulable (evicting the other pod would help). Terminating
// pods still count, as in Kubernetes.

import { existingTermMatches, incomingTermMatches, type AffinityTerm } from '../affinity-term.js';
import { reject, type FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

/** topologyToMatchedTermCount, keyed "key\0value". */
class TopologyCounts {
  private readonly m = new Map<string, number>();

  add(node: NodeInfo, key: string, n = 1): void {
    const v = node.labels[key];
    if (typeof v !== 'string') return;
    const k = `${key}\0${v}`;
    this.m.set(k, (this.m.get(k) ?? 0) + n);
  }

  get(key: string, value: string): number {
    return this.m.get(`${key}\0${value}`) ?? 0;
  }

  get size(): number {
    return this.m.size;
  }
}

export const interPodAffinityFilter: FilterPlugin = {
  name: INTER_POD_AFFINITY,
  prepare(cycle) {
    const pod = cycle.pod;
    const nsLabels = (ns: string) => cycle.snapshot.namespaceLabels(ns);
    const incomingNsLabels = nsLabels(pod.namespace);
    const affinity = pod.requiredAffinityTerms;
    const anti = pod.requiredAntiAffinityTerms;

    const existingAnti = new TopologyCounts();
    const affinityCounts = new TopologyCounts();
    const antiCounts = new TopologyCounts();
    const matchesAll = (terms: readonly AffinityTerm[], p: PodInfo) => terms.every((t) => incomingTermMatches(t, p, nsLabels));
    // Without terms of its own, only existing pods with required anti-affinity can reject it (kube-scheduler's PreFilter).
    const own = affinity.length > 0 || anti.length > 0;
    for (const node of own ? cycle.nodes : cycle.snapshot.nodesWithRequiredAntiAffinityPods()) {
      for (const existing of own ? node.pods : node.podsWithRequiredAntiAffinity) {
        for (const t of existing.requiredAntiAffinityTerms) {
          if (existingTermMatches(t, pod, incomingNsLabels)) existingAnti.add(node, t.topologyKey);
        }
        if (affinity.length > 0 && matchesAll(affinity, existing)) for (const t of affinity) affinityCounts.add(node, t.topologyKey);
        for (const t of anti) if (incomingTermMatches(t, existing, nsLabels)) antiCounts.add(node, t.topologyKey);
      }
    }
    if (affinity.length === 0 && anti.length === 0 && existingAnti.size === 0) return { kind: 'skip' };
    const selfMatches = affinity.length > 0 && matchesAll(affinity, pod);

    return {
      kind: 'filter',
      check(node) {
        let podsExist = true;
        for (const t of affinity) {
          const v = node.labels[t.topologyKey];
          if (typeof v !== 'string') return reject(INTER_POD_AFFINITY, 'UnschedulableAndUnresolvable', ERR_REASON_AFFINITY_RULES_NOT_MATCH);
          if (affinityCounts.get(t.topologyKey, v) <= 0) podsExist = false;
        }
        if (!podsExist && !(affinityCounts.size === 0 && selfMatches)) {
          return reject(INTER_POD_AFFINITY, 'UnschedulableAndUnresolvable', ERR_REASON_AFFINITY_RULES_NOT_MATCH);
        }
        for (const t of anti) {
          const v = node.labels[t.topologyKey];
          if (typeof v === 'string' && antiCounts.get(t.topologyKey, v) > 0) {
            return reject(INTER_POD_AFFINITY, 'Unschedulable', ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
          }
        }
        if (existingAnti.size > 0) {
          for (const [k, v] of Object.entries(node.labels)) {
            if (existingAnti.get(k, v) > 0) return reject(INTER_POD_AFFINITY, 'Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
          }
        }
        return undefined;
      },
    };
  },
};
