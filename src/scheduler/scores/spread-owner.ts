// PodTopologySpread (score part, weight 2): spreads the pods of one workload.
// The pod's ScheduleAnyway constraints, or — when it has no constraints at
// all — the system defaults (hostname maxSkew 3, zone maxSkew 5 over "the
// same workload", see spread-constraints.ts). A node scores, per constraint,
// matchingPodsInItsDomain × log(domains + 2) + (maxSkew − 1); fewer is
// better, so normalisation maps the lowest raw score to 100:
// 100 × (max + min − score) / max.
//
// With the system defaults a node without a zone label still spreads by
// hostname; with the pod's own constraints, nodes lacking a key score 0.

import type { ScorePlugin } from '../framework.js';
import { MAX_NODE_SCORE } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { RequiredNodeAffinity } from '../node-selector.js';
import {
  LABEL_HOSTNAME,
  LABEL_ZONE,
  countMatching,
  defaultSpreadConstraints,
  nodeHasAllKeys,
  nodeIncluded,
  podSpreadConstraints,
  type DefaultSpreadSelector,
} from '../spread-constraints.js';

export function spreadScore(defaultSelector: DefaultSpreadSelector | undefined): ScorePlugin {
  return {
    name: 'PodTopologySpread',
    weight: 2,
    prepare(cycle, feasible) {
      const pod = cycle.pod;
      if (cycle.nodes.length === 0) return undefined;
      const own = objectsPresent(pod.spec.topologySpreadConstraints);
      const constraints = own ? podSpreadConstraints(pod, 'ScheduleAnyway') : defaultSpreadConstraints(pod, defaultSelector);
      if (constraints.length === 0) return undefined;
      // Only non-default rules require every topology key on a node.
      const requireAll = own;

      const ignored = new Set<string>();
      const counts = constraints.map(() => new Map<string, number>());
      for (const node of feasible) {
        if (requireAll && !nodeHasAllKeys(node.labels, constraints)) {
          ignored.add(node.name);
          continue;
        }
        constraints.forEach((c, i) => {
          if (c.topologyKey === LABEL_HOSTNAME) return;
          const value = node.labels[c.topologyKey] ?? '';
          if (!counts[i]!.has(value)) counts[i]!.set(value, 0);
        });
      }
      const weights = constraints.map((c, i) =>
        Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : counts[i]!.size) + 2),
      );
      const required = new RequiredNodeAffinity(pod.spec);
      // The system defaults for a pod that says nothing about nodes count every
      // node: a zone's count is the snapshot's running total, no walk over nodes.
      const uid = constraints[0]?.matcher.controllerUid;
      let onNodes: ReadonlyMap<NodeInfo, number> | undefined;
      if (!own && required.isEmpty && uid !== undefined && constraints.every((c) => c.topologyKey === LABEL_HOSTNAME || c.topologyKey === LABEL_ZONE) && !constraints.some((c) => c.honorNodeTaints)) {
        onNodes = cycle.snapshot.controlledOnNodes(uid, pod.namespace);
        constraints.forEach((c, i) => {
          if (c.topologyKey === LABEL_HOSTNAME) return;
          for (const value of counts[i]!.keys()) counts[i]!.set(value, cycle.snapshot.controlledInZone(uid, pod.namespace, value));
        });
      } else for (const node of cycle.nodes) {
        if (requireAll && !nodeHasAllKeys(node.labels, constraints)) continue;
        constraints.forEach((c, i) => {
          // Hostname domains are counted per node at score time: nothing to add up here.
          if (c.topologyKey === LABEL_HOSTNAME) return;
          const value = node.labels[c.topologyKey] ?? '';
          const cur = counts[i]!.get(value);
          if (cur === undefined || !nodeIncluded(c, pod, node, required)) return;
          counts[i]!.set(value, cur + countMatching(node, c.matcher, pod.namespace));
        });
      }

      return {
        score(node) {
          if (ignored.size > 0 && ignored.has(node.name)) return 0;
          let s = 0;
          for (let i = 0; i < constraints.length; i++) {
            const c = constraints[i]!;
            const value = node.labels[c.topologyKey];
            if (typeof value !== 'string') continue;
            const cnt =
              c.topologyKey !== LABEL_HOSTNAME ? (counts[i]!.get(value) ?? 0) : onNodes ? (onNodes.get(node) ?? 0) : countMatching(node, c.matcher, pod.namespace);
            s += cnt * weights[i]! + (c.maxSkew - 1);
          }
          return Math.round(s);
        },
        normalize(scores, nodes) {
          let min = Number.MAX_SAFE_INTEGER;
          let max = 0;
          scores.forEach((s, i) => {
            if (ignored.has(nodes[i]!.name)) return;
            min = Math.min(min, s);
            max = Math.max(max, s);
          });
          return scores.map((s, i) => {
            if (ignored.has(nodes[i]!.name)) return 0;
            if (max === 0) return MAX_NODE_SCORE;
            return Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max);
          });
        },
      };
    },
  };
}

/** len(pod.Spec.TopologySpreadConstraints) > 0 */
function objectsPresent(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}
