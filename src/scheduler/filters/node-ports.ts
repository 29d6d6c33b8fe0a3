// NodePorts: a pod's host ports must be free on the node (same protocol and
// port on 0.0.0.0 or the same host IP). Resolvable by preemption, so the
// status is Unschedulable.

import { reject, type FilterPlugin } from '../framework.js';

export const NODE_PORTS = 'NodePorts';
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePortsFilter: FilterPlugin = {
  name: NODE_PORTS,
  prepare(cycle) {
    const wanted = cycle.pod.hostPorts;
    if (wanted.length === 0) return { kind: 'skip' };
    return {
      kind: 'filter',
      check: (node) => (wanted.some((p) => node.usedPorts.conflicts(p)) ? reject(NODE_PORTS, 'Unschedulable', ERR_REASON_NODE_PORTS) : undefined),
    };
  },
};
