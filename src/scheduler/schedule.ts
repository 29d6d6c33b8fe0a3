// One scheduling attempt for one pod, as kube-scheduler 1.32's default
// profile makes it: PreFilter every filter plugin, Filter every node (the
// first plugin that rejects a node names the reason), Score the feasible
// nodes with the default weights, pick the best, and break ties at random
// (uniformly, with the injected random source).
//
// Filter order (Kubernetes' default plugin order): NodeUnschedulable,
// NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
// [extraFilters — where Kubernetes runs its volume plugins], PodTopologySpread,
// InterPodAffinity.
// Scores (weight): TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1
// (least allocated), PodTopologySpread 2, InterPodAffinity 2,
// NodeResourcesBalancedAllocation 1. (ImageLocality is left out: hale's nodes
// report no images, on which it scores every node 0.)
//
// Differences from kube-scheduler, on purpose: every node is evaluated
// (Kubernetes samples a percentage of nodes in clusters over 100 nodes), and
// nothing is preempted (see failure-message.ts for what the message says).
// Call it only for pods without spec.nodeName whose scheduler is this one and
// that are not gated (supported-fields.ts). Pure and synchronous: nothing is
// written, the snapshot is only read.

import type { KObject } from '../api/object.js';
import { failureMessage, NO_NODES_AVAILABLE, reasonHistogram, type Diagnosis } from './failure-message.js';
import { nodeNameFilter } from './filters/node-name.js';
import { nodePortsFilter } from './filters/node-ports.js';
import { nodeAffinityFilter } from './filters/node-selector-affinity.js';
import { nodeUnschedulableFilter } from './filters/node-unschedulable.js';
import { interPodAffinityFilter } from './filters/pod-affinity.js';
import { nodeResourcesFitFilter } from './filters/resources.js';
import { taintTolerationFilter } from './filters/taints.js';
import { topologySpreadFilter } from './filters/topology-spread.js';
import { SchedulingError, type Cycle, type FilterPlugin, type Rejection, type ScorePlugin } from './framework.js';
import type { NodeInfo } from './node-info.js';
import { incomingPodInfo } from './pod-info.js';
import { balancedAllocationScore } from './scores/balanced-allocation.js';
import { interPodAffinityScore } from './scores/inter-pod-affinity-preferred.js';
import { leastAllocatedScore } from './scores/least-allocated.js';
import { nodeAffinityScore } from './scores/node-affinity-preferred.js';
import { spreadScore } from './scores/spread-owner.js';
import { taintTolerationScore } from './scores/taint-toleration-preferred.js';
import type { Snapshot } from './snapshot.js';
import type { DefaultSpreadSelector } from './spread-constraints.js';

export interface ScheduleOptions {
  /** Uniform in [0, 1); chooses among equally scored nodes. Default Math.random. */
  random?: () => number;
  /**
   * The selector of "the same workload" for default spreading (Kubernetes'
   * DefaultSelector: Services selecting the pod merged with its controller's
   * selector). Default: pods with the same controlling ReplicaSet,
   * StatefulSet or ReplicationController (by uid).
   */
  defaultSpreadSelector?: DefaultSpreadSelector;
  /** More filters (volumes, …), run after NodeResourcesFit as Kubernetes' volume plugins are. */
  extraFilters?: readonly FilterPlugin[];
}

interface ResolvedScheduleOptions {
  random: () => number;
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

export type ScheduleResult =
  | { ok: true; nodeName: string; score: number }
  | {
      ok: false;
      /** the PodScheduled condition / FailedScheduling event message */
      message: string;
      /** how many nodes gave each reason (empty for errors and for zero nodes) */
      reasons: Record<string, number>;
      /** true: reason Unschedulable (retry when the cluster changes); false: reason SchedulerError (retry with backoff) */
      unschedulable: boolean;
    };

const FILTERS_BEFORE_EXTRA: readonly FilterPlugin[] = [
  nodeUnschedulableFilter,
  nodeNameFilter,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePortsFilter,
  nodeResourcesFitFilter,
];
const FILTERS_AFTER_EXTRA: readonly FilterPlugin[] = [topologySpreadFilter, interPodAffinityFilter];

function resolveScheduleOptions(opts: ScheduleOptions): ResolvedScheduleOptions {
  return {
    random: opts.random ?? Math.random,
    filters: [...FILTERS_BEFORE_EXTRA, ...(opts.extraFilters ?? []), ...FILTERS_AFTER_EXTRA],
    scores: [
      taintTolerationScore,
      nodeAffinityScore,
      leastAllocatedScore,
      spreadScore(opts.defaultSpreadSelector),
      interPodAffinityScore,
      balancedAllocationScore,
    ],
  };
}

type Check = (node: NodeInfo) => Rejection | undefined;

/** The PreFilter phase's outcome: the per-node checks and the candidate nodes, or a rejection of all. */
type PreFiltered = { checks: Check[]; names: Set<string> | undefined; narrowedBy: string[] } | { rejection: Rejection };

function preFilter(cycle: Cycle, filters: readonly FilterPlugin[]): PreFiltered {
  const checks: Check[] = [];
  const narrowedBy: string[] = [];
  let names: Set<string> | undefined;
  let resolvable: Rejection | undefined;
  for (const f of filters) {
    const prep = f.prepare(cycle);
    if (prep.kind === 'skip') continue;
    if (prep.kind === 'reject') {
      // Kubernetes stops at an unresolvable rejection, but runs the other PreFilters after a resolvable one.
      if (prep.rejection.code === 'UnschedulableAndUnresolvable') return { rejection: prep.rejection };
      resolvable = prep.rejection;
      continue;
    }
    checks.push((n) => prep.check(n));
    if (prep.nodeNames) {
      narrowedBy.push(f.name);
      names = names ? new Set([...names].filter((n) => prep.nodeNames?.has(n))) : new Set(prep.nodeNames);
      if (names.size === 0) {
        const sorted = [...narrowedBy].sort();
        const msg = sorted.length === 1 ? `node(s) didn't satisfy plugin ${sorted[0]}` : `node(s) didn't satisfy plugin(s) [${sorted.join(' ')}] simultaneously`;
        return { rejection: { plugin: f.name, code: 'UnschedulableAndUnresolvable', reasons: [msg] } };
      }
    }
  }
  return resolvable ? { rejection: resolvable } : { checks, names, narrowedBy };
}

function failure(d: Diagnosis, preemptionPolicy: string): ScheduleResult {
  return { ok: false, message: failureMessage(d, preemptionPolicy), reasons: reasonHistogram(d), unschedulable: true };
}

export function schedulePod(pod: KObject, snapshot: Snapshot, opts: ScheduleOptions = {}): ScheduleResult {
  const o = resolveScheduleOptions(opts);
  const nodes = snapshot.nodeInfos();
  if (nodes.length === 0) return { ok: false, message: NO_NODES_AVAILABLE, reasons: {}, unschedulable: true };
  try {
    const info = incomingPodInfo(pod);
    const cycle: Cycle = { pod: info, snapshot, nodes };
    const nodeNames = nodes.map((n) => n.name);

    const pre = preFilter(cycle, o.filters);
    if ('rejection' in pre) {
      const msg = pre.rejection.reasons.join(', ');
      return failure({ nodeNames, statuses: new Map(), absent: pre.rejection, preFilterMsg: msg }, info.preemptionPolicy);
    }

    const statuses = new Map<string, Rejection>();
    const feasible: NodeInfo[] = [];
    for (const node of nodes) {
      if (pre.names && !pre.names.has(node.name)) continue;
      let rejected: Rejection | undefined;
      for (const check of pre.checks) {
        rejected = check(node);
        if (rejected) break;
      }
      if (rejected) statuses.set(node.name, rejected);
      else feasible.push(node);
    }
    if (feasible.length === 0) {
      const absent: Rejection | undefined = pre.names
        ? { plugin: '', code: 'UnschedulableAndUnresolvable', reasons: [`node(s) didn't satisfy plugin(s) [${[...pre.narrowedBy].sort().join(' ')}]`] }
        : undefined;
      return failure({ nodeNames, statuses, ...(absent ? { absent } : {}) }, info.preemptionPolicy);
    }

    const totals = feasible.map(() => 0);
    for (const plugin of o.scores) {
      const prep = plugin.prepare(cycle, feasible);
      if (!prep) continue;
      const raw = feasible.map((n) => prep.score(n));
      const normalized = prep.normalize ? prep.normalize(raw, feasible) : raw;
      normalized.forEach((s, i) => {
        totals[i] = (totals[i] ?? 0) + s * plugin.weight;
      });
    }
    const best = Math.max(...totals);
    const tied = feasible.filter((_, i) => totals[i] === best);
    const pick = tied[Math.min(tied.length - 1, Math.floor(o.random() * tied.length))] ?? tied[0]!;
    return { ok: true, nodeName: pick.name, score: best };
  } catch (err) {
    if (err instanceof SchedulingError) return { ok: false, message: err.message, reasons: {}, unschedulable: false };
    throw err;
  }
}
