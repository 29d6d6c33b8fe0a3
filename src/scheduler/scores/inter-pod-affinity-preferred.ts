// InterPodAffinity (score part, weight 2). Each existing pod adds to the
// topology domain of its node:
//   + weight of each preferred affinity term of the pod that it matches,
//   − weight of each preferred anti-affinity term of the pod that it matches,
//   + 1 (hardPodAffinityWeight) for each of ITS required affinity terms the pod matches,
//   + / − weight of each of ITS preferred (anti-)affinity terms the pod matches.
// A node scores the sum over the domains it belongs to; scores are then
// spread linearly onto 0..100 between the worst and the best node.

import { existingTermMatches, incomingTermMatches, type AffinityTerm } from '../affinity-term.js';
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

const HARD_POD_AFFINITY_WEIGHT = 1;

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  weight: 2,
  prepare(cycle, feasible) {
    if (feasible.length === 0) return undefined;
    const pod = cycle.pod;
    const nsLabels = (ns: string) => cycle.snapshot.namespaceLabels(ns);
    const podNsLabels = nsLabels(pod.namespace);
    /** topology key → value → score */
    const topology = new Map<string, Map<string, number>>();
    const add = (node: NodeInfo, term: AffinityTerm, amount: number) => {
      const v = node.labels[term.topologyKey];
      if (typeof v !== 'string') return;
      let m = topology.get(term.topologyKey);
      if (!m) {
        m = new Map();
        topology.set(term.topologyKey, m);
      }
      m.set(v, (m.get(v) ?? 0) + amount);
    };

    // Without preferred terms of its own, only existing pods with affinity terms can score (kube-scheduler's PreScore).
    const own = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
    for (const node of own ? cycle.nodes : cycle.snapshot.nodesWithAffinityPods()) {
      const existingPods = own ? node.pods : node.podsWithAffinity;
      if (existingPods.length === 0 || Object.keys(node.labels).length === 0) continue;
      for (const existing of existingPods) {
        for (const t of pod.preferredAffinityTerms) if (incomingTermMatches(t, existing, nsLabels)) add(node, t, t.weight);
        for (const t of pod.preferredAntiAffinityTerms) if (incomingTermMatches(t, existing, nsLabels)) add(node, t, -t.weight);
        for (const t of existing.requiredAffinityTerms) if (existingTermMatches(t, pod, podNsLabels)) add(node, t, HARD_POD_AFFINITY_WEIGHT);
        for (const t of existing.preferredAffinityTerms) if (existingTermMatches(t, pod, podNsLabels)) add(node, t, t.weight);
        for (const t of existing.preferredAntiAffinityTerms) if (existingTermMatches(t, pod, podNsLabels)) add(node, t, -t.weight);
      }
    }
    if (topology.size === 0) return undefined;

    return {
      score(node) {
        let s = 0;
        for (const [key, values] of topology) {
          const v = node.labels[key];
          if (typeof v === 'string') s += values.get(v) ?? 0;
        }
        return s;
      },
      normalize(scores) {
        const max = Math.max(...scores);
        const min = Math.min(...scores);
        const diff = max - min;
        // Go computes float64(100) * (float64(s-min) / float64(diff)) and truncates; so does this.
        return scores.map((s) => (diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s - min) / diff)) : 0));
      },
    };
  },
};
