// The shape of a scheduling plugin, modelled on kube-scheduler's framework
// but synchronous and without cycle-state plumbing: a plugin looks at the pod
// and the snapshot once per attempt (`prepare`, Kubernetes' PreFilter /
// PreScore) and hands back a per-node function (Filter / Score).
//
// Invariants: plugins never mutate the snapshot or the pod; a rejection
// carries the exact reason strings kube-scheduler 1.32 reports, and the code
// (Unschedulable vs UnschedulableAndUnresolvable) that decides what the
// preemption part of the failure message says about that node.

import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Snapshot } from './snapshot.js';

/**
 * framework.Unschedulable: preemption could help (another pod's resources or
 * ports are in the way). framework.UnschedulableAndUnresolvable: nothing that
 * evicting pods could change (labels, taints, the node's own size).
 */
export type RejectionCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** A framework.Status that rejects: one or more reasons, as printed in the failure histogram. */
export interface Rejection {
  readonly code: RejectionCode;
  readonly reasons: readonly string[];
  /** the plugin that rejected (Kubernetes' plugin name, e.g. "NodeResourcesFit") */
  readonly plugin: string;
}

/** Everything one scheduling attempt may read. */
export interface Cycle {
  readonly pod: PodInfo;
  readonly snapshot: Snapshot;
  /** every node of the snapshot, sorted by name */
  readonly nodes: readonly NodeInfo[];
}

/** What a filter decided before looking at single nodes (PreFilter). */
export type FilterPrep =
  /** the plugin has nothing to check for this pod (framework.Skip) */
  | { readonly kind: 'skip' }
  /** every node is rejected with this status (a PreFilter rejection) */
  | { readonly kind: 'reject'; readonly rejection: Rejection }
  | {
      readonly kind: 'filter';
      /** PreFilterResult: only these nodes can fit; the rest are rejected without being checked */
      readonly nodeNames?: ReadonlySet<string>;
      check(node: NodeInfo): Rejection | undefined;
    };

export interface FilterPlugin {
  /** Kubernetes' plugin name; it appears in "didn't satisfy plugin(s) [...]" messages */
  readonly name: string;
  prepare(cycle: Cycle): FilterPrep;
}

/** What a score plugin computed for one attempt (PreScore). */
export interface ScorePrep {
  /** raw score of one feasible node */
  score(node: NodeInfo): number;
  /** NormalizeScore: maps the raw scores of all feasible nodes (same order) to 0..100 */
  normalize?(scores: number[], nodes: readonly NodeInfo[]): number[];
}

export interface ScorePlugin {
  readonly name: string;
  /** the plugin's weight in the default profile */
  readonly weight: number;
  /** undefined means framework.Skip: the plugin contributes nothing to this attempt */
  prepare(cycle: Cycle, feasible: readonly NodeInfo[]): ScorePrep | undefined;
}

/** kube-scheduler's MaxNodeScore. */
export const MAX_NODE_SCORE = 100;

/**
 * A pod the scheduler cannot even evaluate (for example a label selector that
 * does not parse). Kubernetes reports these as a scheduler error rather than
 * "unschedulable"; the message is kept for the pod's condition.
 */
export class SchedulingError extends Error {
  override readonly name = 'SchedulingError';
}

export function reject(plugin: string, code: RejectionCode, ...reasons: string[]): Rejection {
  return { plugin, code, reasons };
}
