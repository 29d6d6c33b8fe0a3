// TaintToleration (filter part): a node's NoSchedule and NoExecute taints must
// all be tolerated; PreferNoSchedule only lowers the score. The first
// untolerated taint, in the node's order, names the reason:
// `node(s) had untolerated taint {key: value}`. The node's taints include the
// readiness taint NodeInfo adds to a node that is not Ready.

import { reject, type FilterPlugin } from '../framework.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, type Taint } from '../tolerations.js';

export const TAINT_TOLERATION = 'TaintToleration';

/** The reason kube-scheduler 1.32 gives for an untolerated taint. */
export function untoleratedTaintReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value}}`;
}

export const taintTolerationFilter: FilterPlugin = {
  name: TAINT_TOLERATION,
  prepare(cycle) {
    const tolerations = cycle.pod.tolerations;
    return {
      kind: 'filter',
      check(node) {
        const t = findUntoleratedTaint(node.taints, tolerations, isDoNotScheduleTaint);
        return t ? reject(TAINT_TOLERATION, 'UnschedulableAndUnresolvable', untoleratedTaintReason(t)) : undefined;
      },
    };
  },
};
