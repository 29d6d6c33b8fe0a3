// Taints and tolerations (core/v1 Toleration.ToleratesTaint and
// v1helper.FindMatchingUntoleratedTaint). A toleration with an empty effect
// matches every effect, an empty key with operator Exists matches every key,
// an empty operator means Equal. tolerationSeconds plays no part in
// scheduling: a NoExecute toleration with a deadline still tolerates.

import { objects, str } from '../api/validation/json-read.js';

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}

export interface Toleration {
  readonly key: string;
  readonly operator: string;
  readonly value: string;
  readonly effect: string;
}

export function parseTaints(v: unknown): Taint[] {
  return objects(v).map(([t]) => ({ key: str(t.key), value: str(t.value), effect: str(t.effect) }));
}

export function parseTolerations(v: unknown): Toleration[] {
  return objects(v).map(([t]) => ({ key: str(t.key), operator: str(t.operator), value: str(t.value), effect: str(t.effect) }));
}

/** Toleration.ToleratesTaint */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator) {
    case '':
    case 'Equal':
      return t.value === taint.value;
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** v1helper.TolerationsTolerateTaint */
export function tolerationsTolerate(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/** helper.DoNotScheduleTaintsFilterFunc: the effects a filter must respect. */
export function isDoNotScheduleTaint(t: Taint): boolean {
  return t.effect === 'NoSchedule' || t.effect === 'NoExecute';
}

/** v1helper.FindMatchingUntoleratedTaint: the first taint (in node order) that passes `filter` and is not tolerated. */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  filter: (t: Taint) => boolean,
): Taint | undefined {
  return taints.find((t) => filter(t) && !tolerationsTolerate(tolerations, t));
}
