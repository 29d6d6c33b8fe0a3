// Scale-up planning: which pools grow, by how many nodes, for which pending
// pods — decided by the scheduler's own filters, so the autoscaler never adds
// a node the pods could not use (Cluster Autoscaler simulates the same way).
//
// For each unschedulable pod, oldest first:
// 1. does it fit the cluster as it will be — the real nodes, the machines
//    already launching (as template nodes) and the pods already placed by
//    this plan? Then it only waits; nothing is added for it;
// 2. else does it fit a node this plan already opens? It goes there;
// 3. else the first pool (by name) with room whose template node takes it
//    opens one more node.
// Pods of one controller are an equivalence group: once one of them fits
// no real node, the rest skip step 1 (the cluster only fills up during a
// plan), and once one fits no pool, the rest do too — so 5,000 replicas cost
// a few full passes, not 5,000. Pure and synchronous.

import type { KObject } from '../../api/object.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { podKey, schedulePod, Snapshot, type FilterPlugin } from '../../scheduler/index.js';
import type { PoolConfig } from './pool-config.js';
import { templateNode } from './template-node.js';

export interface ScaleUpPool {
  config: PoolConfig;
  /** nodes the pool may still add (max − registered − launching) */
  room: number;
  /** what a new node offers; undefined: unknown (no template capacity and no registered node) */
  capacity: Record<string, string> | undefined;
}

export interface ScaleUpInput {
  pools: readonly ScaleUpPool[];
  /** the cluster's nodes as the scheduler should see them, launching machines included */
  nodes: readonly KObject[];
  /** bound, non-terminal pods */
  pods: readonly KObject[];
  namespaces: readonly KObject[];
  /** unschedulable pods, any order */
  pending: readonly KObject[];
  /** the scheduler's volume filters over the current claims/volumes */
  extraFilters?: readonly FilterPlugin[];
}

export interface ScaleUpPlan {
  /** pool → nodes to add */
  add: Map<string, number>;
  /** pod key → pool whose new node it is planned on */
  triggered: Map<string, string>;
  /** pod key → why no pool can take it (CA's NotTriggerScaleUp message) */
  notTriggered: Map<string, string>;
  /** pods that fit existing or launching capacity */
  waiting: number;
}

function created(p: KObject): string {
  return p.metadata.creationTimestamp ?? '';
}

function groupOf(p: KObject): string {
  const c = controllerOf(p);
  return c ? `${p.metadata.namespace}/${c.uid}` : podKey(p);
}

/** The scheduler's verdict on a pool's template node for a pod, as one short reason. */
function templateVerdict(pod: KObject, pool: ScaleUpPool, namespaces: readonly KObject[], extra: readonly FilterPlugin[]): string | undefined {
  if (!pool.capacity) return `${pool.config.name}: node capacity unknown (set spec.template.spec.capacity)`;
  const probe = new Snapshot([templateNode(pool.config, `${pool.config.name}-template`, pool.capacity)], [], { namespaces });
  const r = schedulePod(pod, probe, { extraFilters: extra, random: () => 0 });
  if (r.ok) return undefined;
  const reasons = Object.keys(r.reasons);
  return `${pool.config.name}: ${reasons.length > 0 ? reasons.join(', ') : r.message}`;
}

export function planScaleUp(input: ScaleUpInput): ScaleUpPlan {
  const plan: ScaleUpPlan = { add: new Map(), triggered: new Map(), notTriggered: new Map(), waiting: 0 };
  // Nothing waits: no snapshot of the cluster to build (the common pass).
  if (input.pending.length === 0) return plan;
  const extra = input.extraFilters ?? [];
  const opts = { extraFilters: extra, random: () => 0 };
  const real = new Snapshot(input.nodes, input.pods, { namespaces: input.namespaces });
  const fresh = new Snapshot([], [], { namespaces: input.namespaces });
  const freshPool = new Map<string, string>();
  const room = new Map(input.pools.map((p) => [p.config.name, p.room]));
  const pools = [...input.pools].sort((a, b) => a.config.name.localeCompare(b.config.name));
  const realFull = new Set<string>();
  const noPool = new Map<string, string>();
  let opened = 0;
  const pending = [...input.pending].sort((a, b) => created(a).localeCompare(created(b)) || podKey(a).localeCompare(podKey(b)));
  for (const pod of pending) {
    const key = podKey(pod);
    const group = groupOf(pod);
    const known = noPool.get(group);
    if (known !== undefined) {
      plan.notTriggered.set(key, known);
      continue;
    }
    if (!realFull.has(group)) {
      const r = schedulePod(pod, real, opts);
      if (r.ok) {
        real.assume(pod, r.nodeName);
        plan.waiting++;
        continue;
      }
      realFull.add(group);
    }
    if (fresh.numNodes > 0) {
      const r = schedulePod(pod, fresh, opts);
      if (r.ok) {
        fresh.assume(pod, r.nodeName);
        plan.triggered.set(key, freshPool.get(r.nodeName) ?? '');
        continue;
      }
    }
    const why: string[] = [];
    let placed = false;
    for (const pool of pools) {
      const name = pool.config.name;
      if ((room.get(name) ?? 0) <= 0) {
        why.push(`${name}: max node group size reached (${pool.config.max})`);
        continue;
      }
      const verdict = templateVerdict(pod, pool, input.namespaces, extra);
      if (verdict !== undefined) {
        why.push(verdict);
        continue;
      }
      const nodeName = `${name}-new-${opened++}`;
      fresh.setNode(templateNode(pool.config, nodeName, pool.capacity!));
      freshPool.set(nodeName, name);
      const r = schedulePod(pod, fresh, opts);
      if (r.ok && r.nodeName === nodeName) {
        fresh.assume(pod, nodeName);
        room.set(name, (room.get(name) ?? 0) - 1);
        plan.add.set(name, (plan.add.get(name) ?? 0) + 1);
        plan.triggered.set(key, name);
        placed = true;
        break;
      }
      // The template takes the pod alone but not next to the pods this plan put on new nodes (spread, anti-affinity).
      fresh.removeNode(nodeName);
      freshPool.delete(nodeName);
      why.push(`${name}: ${r.ok ? 'placement changed by other new nodes' : Object.keys(r.reasons).join(', ') || r.message}`);
    }
    if (!placed) {
      const msg = pools.length === 0 ? 'no node pools' : why.join('; ');
      // Pool-independent reasons (max reached, template mismatch) hold for the whole group.
      noPool.set(group, msg);
      plan.notTriggered.set(key, msg);
    }
  }
  return plan;
}
