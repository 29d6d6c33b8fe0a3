// What NoExecute taints mean for one pod (Kubernetes 1.32
// pkg/controller/tainteviction: getNoExecuteTaints, GetMatchingTolerations,
// getMinTolerationTime), as pure functions:
//
// - every NoExecute taint of the node must be tolerated, or the pod goes now;
// - for each taint only the FIRST toleration (in pod order) that tolerates it
//   counts, as in v1helper.GetMatchingTolerations — so `[{key: k}, {key: k,
//   tolerationSeconds: 5}]` tolerates k forever;
// - a counted toleration without tolerationSeconds tolerates forever; with
//   seconds ≤ 0 the pod goes now; otherwise it goes `seconds` after the taint
//   started. The pod's deadline is the earliest over its taints.
//
// Times are monotonic milliseconds of the controller's clock. A taint starts
// when its `timeAdded` says, if that is earlier than when the controller
// first saw it, else when first seen (a timeAdded in the future — another
// machine's clock — never postpones an eviction). Kubernetes counts from when
// its taint manager processed the node update; timeAdded makes a restarted
// controller keep the original deadlines instead of starting them over.

import type { KObject } from '../../api/object.js';
import { objects, str } from '../../api/validation/json-read.js';
import { toleratesTaint, type Taint, type Toleration } from '../../scheduler/tolerations.js';

export interface NoExecuteTaint extends Taint {
  /** Date.parse of timeAdded, when present and valid */
  readonly addedMs: number | undefined;
}

/** A NoExecute taint as the controller tracks it: since when (monotonic ms) it counts. */
export interface TaintState extends Taint {
  readonly since: number;
}

export interface PodToleration extends Toleration {
  /** tolerationSeconds; undefined tolerates forever */
  readonly seconds: number | undefined;
}

export type Verdict =
  /** some taint is not tolerated: delete now */
  | { kind: 'untolerated'; taint: Taint }
  /** every taint is tolerated without a deadline */
  | { kind: 'forever' }
  /** delete at `deadline` (monotonic ms; may be in the past) */
  | { kind: 'at'; deadline: number };

/** getNoExecuteTaints: the node's NoExecute taints, in node order. */
export function noExecuteTaints(node: KObject): NoExecuteTaint[] {
  const spec = node.spec as { taints?: unknown } | undefined;
  return objects(spec?.taints)
    .filter(([t]) => str(t.effect) === 'NoExecute')
    .map(([t]) => {
      const added = str(t.timeAdded);
      const parsed = Date.parse(added);
      // A timeAdded in whole seconds (as most writers, hale's included, put it) may be up to 999 ms before
      // the taint really came: count from the end of that second, so no toleration ends early.
      const wholeSecond = !/\.\d+/.test(added);
      return { key: str(t.key), value: str(t.value), effect: 'NoExecute', addedMs: Number.isNaN(parsed) ? undefined : parsed + (wholeSecond ? 999 : 0) };
    });
}

export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.value === b.value && a.effect === b.effect;
}

/** Same taints (key, value, effect) as a set: whether the pods on the node must be looked at again. */
export function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  return a.length === b.length && a.every((t) => b.some((u) => sameTaint(t, u)));
}

/**
 * The monotonic time a taint counts from: the earlier of when it was first
 * seen (`seenMono`, at wall time `wallNow`) and its timeAdded.
 */
export function taintSince(t: NoExecuteTaint, seenMono: number, wallNow: number): number {
  if (t.addedMs === undefined) return seenMono;
  return seenMono - Math.max(0, wallNow - t.addedMs);
}

export function podTolerations(pod: KObject): PodToleration[] {
  const spec = pod.spec as { tolerations?: unknown } | undefined;
  return objects(spec?.tolerations).map(([t]) => ({
    key: str(t.key),
    operator: str(t.operator),
    value: str(t.value),
    effect: str(t.effect),
    seconds: typeof t.tolerationSeconds === 'number' ? t.tolerationSeconds : undefined,
  }));
}

/** What `taints` (all NoExecute, non-empty) mean for a pod with `tolerations`. */
export function verdict(taints: readonly TaintState[], tolerations: readonly PodToleration[]): Verdict {
  let deadline: number | undefined;
  for (const taint of taints) {
    const used = tolerations.find((t) => toleratesTaint(t, taint));
    if (!used) return { kind: 'untolerated', taint };
    if (used.seconds === undefined) continue;
    const at = taint.since + Math.max(0, used.seconds) * 1000;
    if (deadline === undefined || at < deadline) deadline = at;
  }
  return deadline === undefined ? { kind: 'forever' } : { kind: 'at', deadline };
}
