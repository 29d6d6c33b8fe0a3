// The message a pod that fits no node gets, worded exactly as kube-scheduler
// 1.32 words it (framework.FitError.Error() plus what DefaultPreemption's
// PostFilter appends), e.g.
//
//   0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint
//   {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available:
//   1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.
//
// Filter part: "<count> <reason>" for every distinct reason over all nodes
// (a node rejected for two reasons counts for both), as strings sorted
// byte-wise (Go's sort.Strings), joined by ", ". When a PreFilter rejected the
// pod outright its message replaces the histogram.
//
// Preemption part: hale never preempts, so it prints what 1.32's
// DefaultPreemption prints when it finds no victims: a node rejected as
// UnschedulableAndUnresolvable (taints, selectors, affinity, missing labels)
// is "Preemption is not helpful for scheduling"; a node rejected as
// Unschedulable (resources, ports, anti-affinity, skew) is "No preemption
// victims found for incoming pod" — which is what 1.32 prints whenever no pod
// on that node has a lower priority than the incoming pod. A pod with
// preemptionPolicy Never gets "preemption: not eligible due to preemptionPolicy=Never.".

import type { Rejection } from './framework.js';

/** schedule_one.go ErrNoNodesAvailable */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const PREEMPTION_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';

/** framework.Diagnosis, reduced to what the message needs. */
export interface Diagnosis {
  /** every node of the snapshot, by name */
  readonly nodeNames: readonly string[];
  /** nodes that were evaluated and rejected */
  readonly statuses: ReadonlyMap<string, Rejection>;
  /** the status of every node not in `statuses` (a PreFilter rejection or a PreFilterResult that left it out) */
  readonly absent?: Rejection;
  /** a PreFilter rejected every node with this message */
  readonly preFilterMsg?: string;
}

/** How many nodes gave each reason. */
export function reasonHistogram(d: Diagnosis): Record<string, number> {
  const out: Record<string, number> = {};
  const count = (r: Rejection | undefined, n: number) => {
    if (!r || n <= 0) return;
    for (const reason of r.reasons) out[reason] = (out[reason] ?? 0) + n;
  };
  for (const r of d.statuses.values()) count(r, 1);
  count(d.absent, d.nodeNames.length - d.statuses.size);
  return out;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** FitError.Error() with no PostFilter message. */
export function fitErrorMessage(d: Diagnosis): string {
  let msg = `0/${d.nodeNames.length} nodes are available:`;
  if (d.preFilterMsg) return `${msg} ${d.preFilterMsg}.`;
  const hist = Object.entries(reasonHistogram(d))
    .map(([reason, n]) => `${n} ${reason}`)
    .sort(byteOrder);
  if (hist.length > 0) msg += ` ${hist.join(', ')}.`;
  return msg;
}

/** The PostFilter message DefaultPreemption would add when it finds nothing to preempt. */
export function preemptionMessage(d: Diagnosis, preemptionPolicy: string): string {
  if (preemptionPolicy === 'Never') return `preemption: ${PREEMPTION_POLICY_NEVER}`;
  const statuses = new Map<string, Rejection>();
  for (const name of d.nodeNames) {
    const st = d.statuses.get(name) ?? d.absent;
    const resolvable = st?.code === 'Unschedulable';
    statuses.set(name, { plugin: 'DefaultPreemption', code: 'UnschedulableAndUnresolvable', reasons: [resolvable ? NO_PREEMPTION_VICTIMS : PREEMPTION_NOT_HELPFUL] });
  }
  return `preemption: ${fitErrorMessage({ nodeNames: d.nodeNames, statuses })}`;
}

/** The whole condition / event message. */
export function failureMessage(d: Diagnosis, preemptionPolicy: string): string {
  return `${fitErrorMessage(d)} ${preemptionMessage(d, preemptionPolicy)}`;
}
