// Controller references (pkg/controller's ControllerRefManager): an object
// has at most one owner reference with controller=true; a controller owns
// the pods its selector matches and that have no other controller (adopt),
// and lets go of the pods it owns that its selector no longer matches
// (release). Both are patches that carry the object's uid as a precondition
// in spirit: a pod recreated under the same name is never adopted by mistake.

import type { KObject, OwnerReference } from '../api/object.js';

/**
 * The owner reference with controller=true. Not memoised: a scan of the one
 * or two references an object has costs less than a WeakMap lookup, and a
 * WeakMap entry for every cached object burdens every garbage collection.
 */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  if (!refs) return undefined;
  for (const r of refs) if (r.controller === true) return r;
  return undefined;
}

export function controllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The strategic merge patch that adds `ref` as the controller of an orphan object (the uid pins the target). */
export function adoptPatch(obj: KObject, ref: OwnerReference): object {
  return { metadata: { ownerReferences: [ref], uid: obj.metadata.uid } };
}

/** The strategic merge patch that removes `ownerUid`'s reference from an object. */
export function releasePatch(obj: KObject, ownerUid: string): object {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata.uid } };
}

export type Claim = 'owned' | 'adopt' | 'release' | 'ignore';

/**
 * What the controller `owner` does with `obj`, given whether its selector
 * matches: keep an owned match, adopt a matching orphan (unless the owner is
 * being deleted), release an owned object that stopped matching, ignore the rest.
 */
export function claim(owner: KObject, obj: KObject, selectorMatches: boolean): Claim {
  const ref = controllerOf(obj);
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (selectorMatches) return 'owned';
    // An object on its way out is not released: it is going anyway.
    return obj.metadata.deletionTimestamp || owner.metadata.deletionTimestamp ? 'owned' : 'release';
  }
  if (!selectorMatches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) return 'ignore';
  return 'adopt';
}
