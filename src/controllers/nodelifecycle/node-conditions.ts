// What the node lifecycle controller writes into a silent node's status
// (tryUpdateNodeHealth): the kubelet's Ready, MemoryPressure, DiskPressure and
// PIDPressure conditions turn Unknown — reason NodeStatusUnknown, "Kubelet
// stopped posting node status." — keeping their last heartbeat; a condition
// the kubelet never posted is added with NodeStatusNeverUpdated.
// NetworkUnavailable is not the kubelet's and is left alone.

import type { KObject } from '../../api/object.js';

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function nodeConditions(node: KObject): NodeCondition[] {
  return ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []);
}

/** 'True' | 'False' | 'Unknown', or '' for a node that has not posted a Ready condition yet (no readiness taint for it). */
export function readyStatus(node: KObject): string {
  return nodeConditions(node).find((c) => c.type === 'Ready')?.status ?? '';
}

export function readyHeartbeat(node: KObject): string | undefined {
  return nodeConditions(node).find((c) => c.type === 'Ready')?.lastHeartbeatTime;
}

/** The conditions with the kubelet's turned Unknown, or undefined when they all are already. */
export function unknownConditions(node: KObject, nowIso: string): NodeCondition[] | undefined {
  const conds = nodeConditions(node).map((c) => ({ ...c }));
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const c = conds.find((x) => x.type === type);
    if (!c) {
      conds.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata.creationTimestamp ?? nowIso,
        lastTransitionTime: nowIso,
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = nowIso;
      changed = true;
    }
  }
  return changed ? conds : undefined;
}
