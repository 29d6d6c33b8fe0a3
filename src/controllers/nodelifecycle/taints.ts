// The taints the node lifecycle controller owns, derived from a node's Ready
// condition and spec.unschedulable:
//
// - NoExecute (evicts, through taint eviction): `not-ready` when Ready is
//   False, `unreachable` when it is Unknown; the two are exclusive and are
//   swapped at once. Adding one goes through the zone's rate limiter (the
//   caller's business); removing one is immediate. They carry `timeAdded`.
// - NoSchedule (keeps new pods off, never rate limited): the same two keys,
//   and `unschedulable` for a cordoned node.
//
// Every other taint on the node is someone else's and is kept as it is.

import type { KObject } from '../../api/object.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export function taintsOf(node: KObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []);
}

/** The NoExecute taint key the Ready status calls for, if any. */
export function noExecuteKeyFor(ready: string): string | undefined {
  if (ready === 'False') return TAINT_NOT_READY;
  if (ready === 'Unknown') return TAINT_UNREACHABLE;
  return undefined;
}

/** The NoExecute readiness taint the node carries now, if any. */
export function currentNoExecuteKey(node: KObject): string | undefined {
  return taintsOf(node).find((t) => t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE))?.key;
}

function noScheduleKeys(node: KObject, ready: string): string[] {
  const keys: string[] = [];
  const k = noExecuteKeyFor(ready);
  if (k) keys.push(k);
  if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true) keys.push(TAINT_UNSCHEDULABLE);
  return keys;
}

const OWNED_NO_SCHEDULE = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE]);
const OWNED_NO_EXECUTE = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

/**
 * The node's taints with the controller's NoSchedule ones made right and its
 * NoExecute one set to `noExecute` (undefined: none). Returns undefined when
 * nothing changes.
 */
export function reconcileTaints(node: KObject, ready: string, noExecute: string | undefined, nowIso: string): Taint[] | undefined {
  const cur = taintsOf(node);
  const wantNoSchedule = new Set(noScheduleKeys(node, ready));
  const next: Taint[] = [];
  for (const t of cur) {
    if (t.effect === 'NoSchedule' && OWNED_NO_SCHEDULE.has(t.key)) {
      if (wantNoSchedule.delete(t.key)) next.push(t);
      continue;
    }
    if (t.effect === 'NoExecute' && OWNED_NO_EXECUTE.has(t.key)) {
      if (t.key === noExecute) {
        next.push(t);
        noExecute = undefined;
      }
      continue;
    }
    next.push(t);
  }
  for (const key of wantNoSchedule) next.push({ key, effect: 'NoSchedule' });
  if (noExecute) next.push({ key: noExecute, effect: 'NoExecute', timeAdded: nowIso });
  const same = next.length === cur.length && next.every((t, i) => t === cur[i]);
  return same ? undefined : next;
}
