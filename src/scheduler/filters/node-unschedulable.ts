// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that
// tolerate node.kubernetes.io/unschedulable:NoSchedule (DaemonSet pods do).

import { reject, type FilterPlugin } from '../framework.js';
import { tolerationsTolerate, type Taint } from '../tolerations.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

export const nodeUnschedulableFilter: FilterPlugin = {
  name: NODE_UNSCHEDULABLE,
  prepare(cycle) {
    const tolerated = tolerationsTolerate(cycle.pod.tolerations, UNSCHEDULABLE_TAINT);
    return {
      kind: 'filter',
      check: (node) =>
        node.unschedulable && !tolerated ? reject(NODE_UNSCHEDULABLE, 'UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE) : undefined,
    };
  },
};
