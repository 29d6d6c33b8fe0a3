// Machines asked for and not registered yet. They are recorded in the pool's
// status.launching (name + when asked, control-plane wall time) so that a
// restarted server keeps timing them; a machine whose Node has not appeared
// within the pool's provisionTimeout is given up: the provider deletes it
// and the pool may ask for another (Cluster Autoscaler's
// --max-node-provision-time, Karpenter's registration TTL; both 15 min).
// Pure.

import type { LaunchingMachine } from '../../api/nodepool/types.js';

export interface LaunchPlan {
  /** still launching (not registered, not timed out) */
  keep: LaunchingMachine[];
  /** registered since: drop from the list */
  registered: string[];
  /** past the provision timeout: delete and drop */
  timedOut: LaunchingMachine[];
  nextDueMs: number | undefined;
}

export function planLaunching(launching: readonly LaunchingMachine[], nodeNames: ReadonlySet<string>, provisionTimeoutMs: number, nowWall: number): LaunchPlan {
  const plan: LaunchPlan = { keep: [], registered: [], timedOut: [], nextDueMs: undefined };
  for (const m of launching) {
    if (nodeNames.has(m.name)) {
      plan.registered.push(m.name);
      continue;
    }
    const since = Date.parse(m.since);
    const left = (Number.isFinite(since) ? since : nowWall) + provisionTimeoutMs - nowWall;
    if (left <= 0) plan.timedOut.push(m);
    else {
      plan.keep.push(m);
      plan.nextDueMs = plan.nextDueMs === undefined ? left : Math.min(plan.nextDueMs, left);
    }
  }
  return plan;
}
