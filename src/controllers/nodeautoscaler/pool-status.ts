// The status the autoscaler writes on a NodePool: counts, the machines still
// launching, when it last scaled, and two conditions (metav1.Condition):
// ProviderReady (can this server make the pool's machines?) and
// RepairAllowed (False while the repair circuit breaker is open). A
// condition's lastTransitionTime moves only when its status changes.

import type { KObject } from '../../api/object.js';
import type { LaunchingMachine, NodePoolStatus } from '../../api/nodepool/types.js';
import { setCondition } from '../../machinery/conditions.js';

export interface PoolStatusInput {
  generation: number;
  nodes: number;
  readyNodes: number;
  launching: readonly LaunchingMachine[];
  lastScaleUpTime?: string;
  lastScaleDownTime?: string;
  providerError?: string;
  breaker: { open: boolean; unhealthy: number; total: number; maxPercent: number };
}

export function currentStatus(pool: KObject): NodePoolStatus {
  return (pool.status ?? {}) as NodePoolStatus;
}

export function buildStatus(prev: NodePoolStatus, s: PoolStatusInput, nowMs: number): NodePoolStatus {
  const provider = s.providerError
    ? { type: 'ProviderReady', status: 'False' as const, reason: 'ProviderUnavailable', message: s.providerError, observedGeneration: s.generation }
    : { type: 'ProviderReady', status: 'True' as const, reason: 'Ready', message: '', observedGeneration: s.generation };
  const b = s.breaker;
  const repair = b.open
    ? { type: 'RepairAllowed', status: 'False' as const, reason: 'TooManyUnhealthy', message: `${b.unhealthy} of ${b.total} nodes unhealthy (more than ${b.maxPercent}%): repairs held back`, observedGeneration: s.generation }
    : { type: 'RepairAllowed', status: 'True' as const, reason: 'Healthy', message: `${b.unhealthy} of ${b.total} nodes unhealthy`, observedGeneration: s.generation };
  return {
    observedGeneration: s.generation,
    nodes: s.nodes,
    readyNodes: s.readyNodes,
    launching: s.launching.map((m) => ({ ...m })),
    ...(s.lastScaleUpTime ? { lastScaleUpTime: s.lastScaleUpTime } : {}),
    ...(s.lastScaleDownTime ? { lastScaleDownTime: s.lastScaleDownTime } : {}),
    conditions: setCondition(setCondition(prev.conditions ?? [], provider, nowMs), repair, nowMs),
  };
}
