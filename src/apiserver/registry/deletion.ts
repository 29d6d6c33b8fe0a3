// What a DELETE does to one object, decided from the stored object alone
// (Kubernetes' BeforeDelete + deletionFinalizersForGarbageCollection +
// markAsDeleting): the object either leaves the store now, or is kept with a
// deletionTimestamp until its grace period ends or its finalizers are gone.
//
// Invariants: generation moves once, when deletionTimestamp is first set; a
// deadline only ever moves earlier; the garbage-collection finalizers
// (`orphan`, `foregroundDeletion`) are added only when a collector is
// installed to remove them, otherwise the object would never go.

import type { KObject } from '../../api/object.js';
import { resourceKey, type ResourceInfo } from '../../api/resources.js';
import { rfc3339 } from './names.js';
import { podGracePeriod } from './strategy.js';
import { deepCopy } from '../../machinery/deep-copy.js';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export interface DeletePlan {
  /** the object as it is written back (when kept) or as it was (when it leaves) */
  next: KObject;
  /** true: write `next` back; false: remove the object from the store */
  keep: boolean;
}

/**
 * The finalizers a delete with `policy` leaves on the object. No policy keeps
 * what is there (a second plain delete does not cancel an orphaning one).
 */
function gcFinalizers(current: string[], policy: PropagationPolicy | undefined): string[] {
  if (policy === undefined) return current;
  const rest = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === 'Orphan') return [...rest, ORPHAN_FINALIZER];
  if (policy === 'Foreground') return [...rest, FOREGROUND_FINALIZER];
  return rest;
}

export function planDelete(o: {
  resource: ResourceInfo;
  current: KObject;
  gracePeriodSeconds: number | undefined;
  propagationPolicy: PropagationPolicy | undefined;
  /** a garbage collector will remove `orphan` / `foregroundDeletion` */
  collector: boolean;
  now: number;
}): DeletePlan {
  const { resource: r, current, now } = o;
  const m = current.metadata;
  const next = deepCopy(current);
  const nm = next.metadata;
  let keep = false;

  if (o.collector) {
    const before = nm.finalizers ?? [];
    const after = gcFinalizers(before, o.propagationPolicy);
    if (after.join('\0') !== before.join('\0')) {
      if (after.length > 0) nm.finalizers = after;
      else delete nm.finalizers;
    }
  }

  // Graceful deletion: a pod a node may be running gets a deadline; its node finishes the delete.
  if (resourceKey(r) === 'pods') {
    const grace = podGracePeriod(current, o.gracePeriodSeconds);
    if (grace > 0) {
      const deadline = now + grace * 1000;
      const existing = m.deletionTimestamp ? Date.parse(m.deletionTimestamp) : Infinity;
      if (deadline < existing) {
        nm.deletionTimestamp = rfc3339(deadline);
        nm.deletionGracePeriodSeconds = grace;
      }
      keep = true;
    } else if (m.deletionTimestamp || (nm.finalizers?.length ?? 0) > 0) {
      nm.deletionGracePeriodSeconds = 0;
      nm.deletionTimestamp = m.deletionTimestamp ?? rfc3339(now);
    }
  }
  if ((nm.finalizers?.length ?? 0) > 0) {
    if (!nm.deletionTimestamp) nm.deletionTimestamp = rfc3339(now);
    if (nm.deletionGracePeriodSeconds === undefined) nm.deletionGracePeriodSeconds = 0;
    keep = true;
  }
  if (r.plural === 'namespaces' && !r.group) {
    const fin = ((current.spec ?? {}) as { finalizers?: string[] }).finalizers ?? [];
    if (fin.length > 0) {
      if (!nm.deletionTimestamp) nm.deletionTimestamp = rfc3339(now);
      nm.deletionGracePeriodSeconds = 0;
      next.status = { ...((next.status ?? {}) as object), phase: 'Terminating' };
      keep = true;
    }
  }
  // Controllers must notice that the object is going (rest.BeforeDelete / markAsDeleting).
  if (keep && !m.deletionTimestamp && nm.deletionTimestamp && (m.generation ?? 0) > 0) {
    nm.generation = (m.generation ?? 0) + 1;
  }
  return { next, keep };
}

/** Being deleted, no finalizer left, no grace period running: the object leaves the store. */
export function readyToGo(r: ResourceInfo, o: KObject): boolean {
  const m = o.metadata;
  if (!m.deletionTimestamp || (m.finalizers?.length ?? 0) > 0 || (m.deletionGracePeriodSeconds ?? 0) > 0) return false;
  if (r.plural === 'namespaces' && !r.group) {
    return (((o.spec ?? {}) as { finalizers?: string[] }).finalizers?.length ?? 0) === 0;
  }
  return true;
}
