// NodeAffinity (filter part): spec.nodeSelector and the required node
// affinity must both match the node. Its PreFilter narrows the candidates
// when every required term pins node names through `metadata.name In`
// (DaemonSet pods do): other nodes are then reported as
// `node(s) didn't satisfy plugin(s) [NodeAffinity]`, and terms whose names
// contradict each other reject every node with `pod affinity terms conflict`.

import { reject, type FilterPlugin } from '../framework.js';
import { RequiredNodeAffinity, requiredNodeNames } from '../node-selector.js';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_NODE_AFFINITY_CONFLICT = 'pod affinity terms conflict';

export const nodeAffinityFilter: FilterPlugin = {
  name: NODE_AFFINITY,
  prepare(cycle) {
    const required = new RequiredNodeAffinity(cycle.pod.spec);
    if (required.isEmpty) return { kind: 'skip' };
    const names = requiredNodeNames(cycle.pod.spec);
    if (names !== undefined && names.size === 0) {
      return { kind: 'reject', rejection: reject(NODE_AFFINITY, 'UnschedulableAndUnresolvable', ERR_REASON_NODE_AFFINITY_CONFLICT) };
    }
    return {
      kind: 'filter',
      ...(names ? { nodeNames: names } : {}),
      check: (node) => (required.matches(node) ? undefined : reject(NODE_AFFINITY, 'UnschedulableAndUnresolvable', ERR_REASON_NODE_AFFINITY)),
    };
  },
};
