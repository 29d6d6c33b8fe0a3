// NodeName: a pod that names its node (spec.nodeName) fits only that node.
// Pods created with spec.nodeName are bound already and never reach the
// scheduler; the filter is here so the framework matches Kubernetes' own.

import { reject, type FilterPlugin } from '../framework.js';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeNameFilter: FilterPlugin = {
  name: NODE_NAME,
  prepare(cycle) {
    const wanted = cycle.pod.nodeName;
    if (!wanted) return { kind: 'skip' };
    return {
      kind: 'filter',
      check: (node) => (node.name === wanted ? undefined : reject(NODE_NAME, 'UnschedulableAndUnresolvable', ERR_REASON_NODE_NAME)),
    };
  },
};
