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
// Like kube-scheduler, in clusters of 100 nodes or more the Filter phase stops
// once it found numFeasibleNodesToFind feasible nodes (adaptive
// percentageOfNodesToScore: 50 % − nodes/125, at least 5 %, at least 100
// nodes), starting where the previous attempt stopped (`startIndex`; the
// result says how many nodes it processed). A pod that fits nowhere is
// still checked against every node, so failure messages count them all.
//
// Differences from kube-scheduler, on purpose: nothing is preempted (see failure-message.ts for what the message says).
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
  /** where in the node list Filter starts (kube-scheduler's nextStartNodeIndex); default 0 */
  startIndex?: number;
  /** KubeSchedulerConfiguration percentageOfNodesToScore; default 0 (adaptive) */
  percentageOfNodesToScore?: number;
}

/** kube-scheduler's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** How many feasible nodes the Filter phase looks for among `all` nodes (numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(all: number, percentageOfNodesToScore = 0): number {
  if (all < MIN_FEASIBLE_NODES_TO_FIND) return all;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(all / 125));
  const n = Math.trunc((all * percentage) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

interface ResolvedScheduleOptions {
  random: () => number;
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

export type ScheduleResult =
  | { ok: true; nodeName: string; score: number; /** nodes the Filter phase went through */ processed: number }
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
    checks.push(prep.check.bind(prep));
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
    // Only a failure's message needs every name.
    const nodeNames = (): string[] => nodes.map((n) => n.name);

    const pre = preFilter(cycle, o.filters);
    if ('rejection' in pre) {
      const msg = pre.rejection.reasons.join(', ');
      return failure({ nodeNames: nodeNames(), statuses: new Map(), absent: pre.rejection, preFilterMsg: msg }, info.preemptionPolicy);
    }

    const statuses = new Map<string, Rejection>();
    const feasible: NodeInfo[] = [];
    const candidates = pre.names ? nodes.filter((n) => pre.names?.has(n.name)) : nodes;
    const want = numFeasibleNodesToFind(candidates.length, opts.percentageOfNodesToScore ?? 0);
    const start = candidates.length ? Math.abs(Math.trunc(opts.startIndex ?? 0)) % candidates.length : 0;
    let processed = 0;
    for (; processed < candidates.length && feasible.length < want; processed++) {
      const node = candidates[(start + processed) % candidates.length]!;
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
      return failure({ nodeNames: nodeNames(), statuses, ...(absent ? { absent } : {}) }, info.preemptionPolicy);
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
    return { ok: true, nodeName: pick.name, score: best, processed };
  } catch (err) {
    if (err instanceof SchedulingError) return { ok: false, message: err.message, reasons: {}, unschedulable: false };
    throw err;
  }
}
