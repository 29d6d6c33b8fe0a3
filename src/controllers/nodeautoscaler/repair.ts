// Node repair: a pool's node whose Ready condition has not been True for the
// pool's repair.after (timed from the autoscaler's own first sight, see
// since-tracker.ts) is deleted and replaced — unless the circuit breaker is
// open: when more than maxUnhealthyPercent of the pool's nodes AND more than
// OK_UNHEALTHY_COUNT nodes are unhealthy at once, the cause is likely not the
// nodes (a partitioned control plane, a broken network, a bad image rollout)
// and replacing them would only churn; Cluster Autoscaler halts at the same
// thresholds (--max-total-unready-percentage 45, --ok-total-unready-count 3).
// Pure: the controller feeds it the pool's Nodes and the clock.

import type { KObject } from '../../api/object.js';
import { objects, obj, str } from '../../api/validation/json-read.js';
import type { PoolConfig } from './pool-config.js';
import type { SinceTracker } from './since-tracker.js';

/** Cluster Autoscaler's --ok-total-unready-count: this many unhealthy nodes never trip the breaker. */
export const OK_UNHEALTHY_COUNT = 3;

export function isNodeHealthy(node: KObject): boolean {
  const ready = objects(obj(node.status)?.conditions).find(([c]) => str(c.type) === 'Ready');
  return !!ready && str(ready[0].status) === 'True';
}

export function readyStatusOf(node: KObject): string {
  const ready = objects(obj(node.status)?.conditions).find(([c]) => str(c.type) === 'Ready');
  return ready ? str(ready[0].status) || 'Unknown' : 'Unknown';
}

export interface RepairPlan {
  /** nodes to delete and replace now */
  repair: string[];
  unhealthy: number;
  total: number;
  /** true: repairs are held back (too many unhealthy) */
  breakerOpen: boolean;
  /** ms until the next unhealthy node becomes due, if any */
  nextDueMs: number | undefined;
}

/**
 * Decides repairs for one pool. `nodes` are the pool's registered Nodes,
 * `busy` the names already being removed (skipped), `unhealthySince` the
 * tracker keyed by node uid (updated here).
 */
export function planRepairs(pool: PoolConfig, nodes: readonly KObject[], busy: ReadonlySet<string>, unhealthySince: SinceTracker, nowMono: number): RepairPlan {
  const sick: Array<{ name: string; key: string; forMs: number }> = [];
  for (const n of nodes) {
    const key = n.metadata.uid ?? n.metadata.name ?? '';
    if (isNodeHealthy(n)) {
      unhealthySince.clear(key);
      continue;
    }
    sick.push({ name: n.metadata.name ?? '', key, forMs: unhealthySince.hold(key, nowMono) });
  }
  const total = nodes.length;
  const unhealthy = sick.length;
  const breakerOpen = unhealthy > OK_UNHEALTHY_COUNT && unhealthy * 100 > pool.repair.maxUnhealthyPercent * total;
  const plan: RepairPlan = { repair: [], unhealthy, total, breakerOpen, nextDueMs: undefined };
  if (!pool.repair.enabled) return plan;
  for (const s of sick) {
    if (busy.has(s.name)) continue;
    const left = pool.repair.afterMs - s.forMs;
    if (left <= 0) {
      if (!breakerOpen) plan.repair.push(s.name);
    } else plan.nextDueMs = plan.nextDueMs === undefined ? left : Math.min(plan.nextDueMs, left);
  }
  plan.repair.sort();
  return plan;
}
