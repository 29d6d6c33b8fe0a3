// What the stateless and the stateful case share: the bench's context, the
// power-off of a node (t0 = when `hale node power-off` had returned), the
// milestones of a failure measured from t0, and the way back to a healthy
// cluster before the next repeat — power on, wait until the node is Ready,
// untainted, unfenced and the workload healthy, then let the node renew its
// Lease long enough to count as healthy for fencing's quorum again.

import type { BenchClient } from '../support/client.js';
import { sleep, wallMs } from '../support/time.js';
import type { NodeFailureCluster } from './cluster.js';
import { watchNode } from './node-watch.js';
import type { Observer, Snapshot } from './observer.js';

export const NS = 'default';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable:NoExecute';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service:NoExecute';
export const ANNOTATION_FENCED = 'hale.dev/fenced';

/** How long a repeat waits for a milestone before calling it "not recovered". */
export const MILESTONE_TIMEOUT_MS = 90_000;
/** After recovery: a node counts as healthy for fencing's quorum after 7 s of continuous renewals (6 s grant + 1 s drift). */
const SETTLE_MS = 10_000;

export interface BenchContext {
  cluster: NodeFailureCluster;
  client: BenchClient;
  observer: Observer;
  log(line: string): void;
}

/** Seconds from t0 to a milestone; undefined when it did not happen within MILESTONE_TIMEOUT_MS. */
export type Milestone = number | undefined;

export interface PowerOff {
  /** when the power-off command had returned (ms, wall clock) */
  t0: number;
  /** how long the command took (ms) */
  callMs: number;
  /** ms from the node's agent dying to the command's return (how much earlier the node really died than t0); undefined if not seen */
  deadBeforeT0Ms: number | undefined;
  /** the node Lease's `hale.dev/fencing-armed` just before the power-off (the control plane fences only an armed node) */
  fencingArmed: string | undefined;
}

export async function powerOff(ctx: BenchContext, node: string): Promise<PowerOff> {
  const lease = await ctx.client.call('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`);
  const armed = lease.status === 200 ? (JSON.parse(lease.body) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.['hale.dev/fencing-armed'] : undefined;
  const r = await ctx.cluster.node('power-off', node);
  const dead = r.agentGoneAt === undefined ? undefined : r.returnedAt - r.agentGoneAt;
  ctx.log(`  ${r.output} (call ${(r.returnedAt - r.calledAt).toFixed(0)} ms; agent dead ${dead === undefined ? 'not seen' : `${dead.toFixed(0)} ms before it returned`})`);
  return { t0: r.returnedAt, callMs: r.returnedAt - r.calledAt, deadBeforeT0Ms: dead, fencingArmed: armed };
}

/** Seconds from `t0` to the first fresh snapshot satisfying `pred`, waiting at most until t0 + MILESTONE_TIMEOUT_MS. */
export async function milestone(ctx: BenchContext, t0: number, pred: (s: Snapshot) => boolean): Promise<Milestone> {
  const at = await ctx.observer.until(pred, Math.max(0, t0 + MILESTONE_TIMEOUT_MS - wallMs()));
  return at === undefined ? undefined : (at - t0) / 1000;
}

/**
 * Seconds from t0 to the node first carrying fencing's marks (the
 * out-of-service taint or `hale.dev/fenced`), seen through a watch: the
 * marks can last only milliseconds, too short for the poll.
 */
export async function fencedMilestone(ctx: BenchContext, t0: number, node: string): Promise<Milestone> {
  const w = await watchNode(ctx.client, node, (n) => (n.spec?.taints ?? []).some((t) => `${t.key}:${t.effect}` === TAINT_OUT_OF_SERVICE) || ANNOTATION_FENCED in (n.metadata.annotations ?? {}));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), Math.max(0, t0 + MILESTONE_TIMEOUT_MS - wallMs()))));
    const at = await Promise.race([w.firstSeen, timeout]);
    return at === undefined ? undefined : (at - t0) / 1000;
  } finally {
    clearTimeout(timer);
    w.close();
  }
}

export function nodeUnknown(node: string): (s: Snapshot) => boolean {
  return (s) => s.nodes.get(node)?.ready === 'Unknown';
}

export function nodeTainted(node: string, taint: string): (s: Snapshot) => boolean {
  return (s) => s.nodes.get(node)?.taints.includes(taint) ?? false;
}

/** Ready, no taints, not marked fenced. */
export function nodeHealthy(s: Snapshot, node: string): boolean {
  const n = s.nodes.get(node);
  return !!n && n.ready === 'True' && n.taints.filter((t) => !t.startsWith('node.kubernetes.io/unschedulable:')).length === 0 && !(ANNOTATION_FENCED in n.annotations);
}

/** Powers `node` on and waits until it and the workload (`healthy`) are back, then settles. */
export async function recover(ctx: BenchContext, node: string, healthy: (s: Snapshot) => boolean): Promise<void> {
  const r = await ctx.cluster.node('power-on', node);
  ctx.log(`  ${r.output} (call ${(r.returnedAt - r.calledAt).toFixed(0)} ms)`);
  const back = await ctx.observer.until((s) => nodeHealthy(s, node) && healthy(s), 120_000);
  if (back === undefined) throw new Error(`${node} powered on: the node (Ready, untainted, unfenced) and the workload were not back within 120 s; last seen: ${JSON.stringify(ctx.observer.latest.nodes.get(node))}`);
  ctx.log(`  ${node} back and the workload healthy ${((back - r.returnedAt) / 1000).toFixed(1)} s after power-on`);
  await sleep(SETTLE_MS);
}

export function fmtS(m: Milestone): string {
  return m === undefined ? `not recovered (${MILESTONE_TIMEOUT_MS / 1000} s)` : `${m.toFixed(2)} s`;
}
