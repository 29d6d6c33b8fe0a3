// PodTopologySpread (filter part): for each DoNotSchedule constraint, placing
// the pod on a node must keep
//     matching pods in the node's domain + (1 if the pod matches itself) − global minimum ≤ maxSkew
// where domains are the topology values of the nodes that carry every
// constraint's key and pass the constraint's node inclusion policies, and the
// global minimum is 0 while there are fewer domains than minDomains.
// A node without the topology key is rejected as
// `... (missing required label)` (UnschedulableAndUnresolvable); a skew
// violation as `node(s) didn't match pod topology spread constraints`
// (Unschedulable).

import { reject, type FilterPlugin } from '../framework.js';
import { RequiredNodeAffinity } from '../node-selector.js';
import { countMatching, nodeHasAllKeys, nodeIncluded, podSpreadConstraints } from '../spread-constraints.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const topologySpreadFilter: FilterPlugin = {
  name: POD_TOPOLOGY_SPREAD,
  prepare(cycle) {
    const pod = cycle.pod;
    const constraints = podSpreadConstraints(pod, 'DoNotSchedule');
    if (constraints.length === 0) return { kind: 'skip' };
    const required = new RequiredNodeAffinity(pod.spec);
    // TpValueToMatchNum: per constraint, topology value → matching pods.
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of cycle.nodes) {
      if (!nodeHasAllKeys(node.labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!nodeIncluded(c, pod, node, required)) return;
        const value = node.labels[c.topologyKey] ?? '';
        const m = counts[i]!;
        m.set(value, (m.get(value) ?? 0) + countMatching(node, c.matcher, pod.namespace));
      });
    }
    const minimum = counts.map((m) => (m.size === 0 ? Number.MAX_SAFE_INTEGER : Math.min(...m.values())));
    return {
      kind: 'filter',
      check(node) {
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          const value = node.labels[c.topologyKey];
          if (typeof value !== 'string') return reject(POD_TOPOLOGY_SPREAD, 'UnschedulableAndUnresolvable', ERR_REASON_NODE_LABEL_NOT_MATCH);
          const domains = counts[i]!;
          const globalMin = domains.size < c.minDomains ? 0 : minimum[i]!;
          const self = c.matcher.matches(pod) ? 1 : 0;
          const skew = (domains.get(value) ?? 0) + self - globalMin;
          if (skew > c.maxSkew) return reject(POD_TOPOLOGY_SPREAD, 'Unschedulable', ERR_REASON_CONSTRAINTS_NOT_MATCH);
        }
        return undefined;
      },
    };
  },
};
