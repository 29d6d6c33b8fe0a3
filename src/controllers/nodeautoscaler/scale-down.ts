// Scale-down planning: which pool nodes have been unneeded long enough to be
// drained and removed. A node is unneeded when (Cluster Autoscaler's rules,
// with hale's shorter default time):
// - it is Ready, schedulable, not being removed, and its pool is above min;
// - its pods request less than the pool's utilizationThreshold of its
//   allocatable cpu and memory (the larger ratio counts);
// - every pod on it that is not a DaemonSet pod can move: it has a
//   controller (a bare pod would be lost), is not annotated
//   cluster-autoscaler.kubernetes.io/safe-to-evict="false", is not held by a
//   PodDisruptionBudget that allows no disruption now, and the scheduler's
//   filters place it on another node (so pods on node-local volumes stay).
// It is removed once it has been unneeded for the pool's unneededFor without
// a break. At most one node with pods per pool per pass (draining is slow
// and each drain changes the picture), empty ones up to MAX_EMPTY_BULK.
// No pool shrinks while pods are waiting for capacity. Pure.

import type { KObject } from '../../api/object.js';
import { obj, str } from '../../api/validation/json-read.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';
import { pdbSpecOf, pdbStatusOf } from '../../machinery/pdb/pdb.js';
import { podKey, schedulePod, Snapshot, type FilterPlugin, type NodeInfo } from '../../scheduler/index.js';
import type { PoolConfig } from './pool-config.js';
import { isNodeHealthy } from './repair.js';
import type { SinceTracker } from './since-tracker.js';

export const SAFE_TO_EVICT = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
/** Cluster Autoscaler's --max-empty-bulk-delete. */
export const MAX_EMPTY_BULK = 10;

export interface ScaleDownInput {
  pools: ReadonlyMap<string, { config: PoolConfig; nodes: readonly KObject[] }>;
  /** every node of the cluster (destinations for moved pods) */
  nodes: readonly KObject[];
  /** bound, non-terminal pods */
  pods: readonly KObject[];
  namespaces: readonly KObject[];
  pdbs: readonly KObject[];
  /** nodes already being removed */
  busy: ReadonlySet<string>;
  /** true while any pod waits for capacity (no scale-down then) */
  scaleUpPending: boolean;
  extraFilters?: readonly FilterPlugin[];
}

export interface Removal {
  node: string;
  pool: string;
  /** no pods to move (DaemonSet pods aside) */
  empty: boolean;
  utilizationPercent: number;
}

export interface ScaleDownPlan {
  remove: Removal[];
  /** nodes unneeded now, with why the others are not (for logs and tests) */
  unneeded: string[];
  blocked: Map<string, string>;
  nextDueMs: number | undefined;
}

function isDaemonSetPod(p: KObject): boolean {
  return controllerOf(p)?.kind === 'DaemonSet';
}

/** max(cpu, memory) requested / allocatable, in percent. */
export function utilizationPercent(info: NodeInfo): number {
  const cpu = info.allocatable.milliCPU > 0 ? info.requested.milliCPU / info.allocatable.milliCPU : 0;
  const mem = info.allocatable.memory > 0 ? info.requested.memory / info.allocatable.memory : 0;
  return Math.max(cpu, mem) * 100;
}

function pdbBlocks(pod: KObject, pdbs: readonly KObject[]): string | undefined {
  for (const pdb of pdbs) {
    if (pdb.metadata.namespace !== pod.metadata.namespace) continue;
    let matches = false;
    try {
      matches = selectorFromLabelSelector(pdbSpecOf(pdb).selector).matches(pod.metadata.labels ?? {});
    } catch {
      continue; // an invalid selector matches nothing, as in the eviction API
    }
    if (matches && (pdbStatusOf(pdb).disruptionsAllowed ?? 0) < 1) return `pod ${podKey(pod)} is protected by PodDisruptionBudget ${pdb.metadata.name} (no disruption allowed now)`;
  }
  return undefined;
}

/** Why a pod cannot leave its node, or undefined when it can. */
function podBlocker(pod: KObject, pdbs: readonly KObject[]): string | undefined {
  if (pod.metadata.annotations?.[SAFE_TO_EVICT] === 'false') return `pod ${podKey(pod)} is annotated ${SAFE_TO_EVICT}=false`;
  if (!controllerOf(pod)) return `pod ${podKey(pod)} has no controller to re-create it`;
  return pdbBlocks(pod, pdbs);
}

export function planScaleDown(input: ScaleDownInput, unneededSince: SinceTracker, nowMono: number): ScaleDownPlan {
  const plan: ScaleDownPlan = { remove: [], unneeded: [], blocked: new Map(), nextDueMs: undefined };
  const seen = new Set<string>();
  // No pool may shrink: no snapshot of the cluster to build (trackers forget what they held).
  if (![...input.pools.values()].some((p) => p.config.scaleDown.enabled && p.nodes.length > 0)) {
    unneededSince.retain(seen);
    return plan;
  }
  const sim = new Snapshot(input.nodes, input.pods, { namespaces: input.namespaces });
  const opts = { extraFilters: input.extraFilters ?? [], random: () => 0 };
  // Destinations never include nodes on their way out.
  for (const name of input.busy) sim.removeNode(name);
  let emptyBulk = 0;
  for (const [poolName, { config, nodes }] of [...input.pools].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (!config.scaleDown.enabled) continue;
    let remaining = nodes.filter((n) => !input.busy.has(n.metadata.name ?? '')).length;
    let removedWithPods = false;
    for (const node of [...nodes].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
      const name = node.metadata.name ?? '';
      if (input.busy.has(name)) continue;
      const key = node.metadata.uid ?? name;
      const info = sim.nodeInfo(name);
      const why = ((): string | undefined => {
        if (!info) return 'not in the snapshot';
        if (!isNodeHealthy(node)) return 'not Ready';
        if (info.unschedulable) return 'cordoned';
        const u = utilizationPercent(info);
        if (u >= config.scaleDown.thresholdPercent) return `utilization ${u.toFixed(1)}% ≥ ${config.scaleDown.thresholdPercent}%`;
        for (const p of info.pods) {
          if (isDaemonSetPod(p.pod)) continue;
          const b = podBlocker(p.pod, input.pdbs);
          if (b) return b;
        }
        return undefined;
      })();
      if (why !== undefined) {
        plan.blocked.set(name, why);
        continue;
      }
      seen.add(key);
      plan.unneeded.push(name);
      const heldMs = unneededSince.hold(key, nowMono);
      const left = config.scaleDown.unneededMs - heldMs;
      if (left > 0) {
        plan.nextDueMs = plan.nextDueMs === undefined ? left : Math.min(plan.nextDueMs, left);
        continue;
      }
      if (input.scaleUpPending || remaining <= config.min) continue;
      const movable = info!.pods.filter((p) => !isDaemonSetPod(p.pod));
      const empty = movable.length === 0;
      if (empty ? emptyBulk >= MAX_EMPTY_BULK : removedWithPods) continue;
      // Try the move on the shared simulation: the node leaves, its pods must land elsewhere.
      const utilization = utilizationPercent(info!);
      const podObjects = movable.map((p) => p.pod);
      sim.removeNode(name);
      const placed: string[] = [];
      let stuck: string | undefined;
      for (const p of podObjects) {
        // Same key: assuming it elsewhere moves the pod off the removed node in the simulation.
        const moved: KObject = { ...p, spec: { ...(obj(p.spec) ?? {}), nodeName: undefined } };
        const r = schedulePod(moved, sim, opts);
        if (!r.ok) {
          stuck = `pod ${podKey(p)} fits no other node: ${str(r.message)}`;
          break;
        }
        sim.assume(moved, r.nodeName);
        placed.push(podKey(moved));
      }
      if (stuck !== undefined) {
        for (const k of placed) sim.forget(k);
        sim.setNode(node);
        for (const p of podObjects) sim.setPod(p);
        plan.blocked.set(name, stuck);
        plan.unneeded.pop();
        continue;
      }
      plan.remove.push({ node: name, pool: poolName, empty, utilizationPercent: utilization });
      remaining--;
      if (empty) emptyBulk++;
      else removedWithPods = true;
    }
  }
  unneededSince.retain(seen);
  return plan;
}
