// PersistentVolumeClaim retention (StatefulSetAutoDeletePVC, GA in 1.32):
// which ownerReferences a claim of a StatefulSet pod should carry so that the
// garbage collector deletes it at the right moment, and nothing else.
//
//   whenDeleted Delete → the set is the claim's controller (the claim goes with the set);
//   whenScaled  Delete → for an ordinal outside the range (condemned by a scale-down),
//                        the pod is the claim's controller (the claim goes with the pod);
//   Retain / Retain    → no reference to the set or pod at all.
//
// A claim controlled by someone else is left alone (only our non-controller
// references are scrubbed). A claim still owned by an earlier pod of the same
// name (a different uid) is stale: the new pod must not start on it, it waits
// for the collector to remove the claim.

import type { KObject, OwnerReference } from '../../api/object.js';
import { controllerRef } from '../../controller/controller-ref.js';
import { inOrdinalRange, specOf } from './identity.js';

export function retentionPolicy(set: KObject): { whenDeleted: 'Retain' | 'Delete'; whenScaled: 'Retain' | 'Delete' } {
  const p = specOf(set).persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

const refs = (claim: KObject): OwnerReference[] => claim.metadata.ownerReferences ?? [];
const hasRef = (claim: KObject, owner: KObject): boolean => !!owner.metadata.uid && refs(claim).some((r) => r.uid === owner.metadata.uid);

function isOurs(r: OwnerReference, set: KObject, pod: KObject): boolean {
  return (r.kind === 'StatefulSet' && r.uid === set.metadata.uid) || (r.kind === 'Pod' && r.uid === pod.metadata.uid && !!pod.metadata.uid);
}

/** hasUnexpectedController: a controller that is neither the set nor the pod. */
export function hasUnexpectedController(claim: KObject, set: KObject, pod: KObject): boolean {
  return refs(claim).some((r) => r.controller === true && !isOurs(r, set, pod));
}

function hasNonControllerOwner(claim: KObject, set: KObject, pod: KObject): boolean {
  return refs(claim).some((r) => r.controller !== true && isOurs(r, set, pod));
}

/** isClaimOwnerUpToDate */
export function claimOwnersUpToDate(claim: KObject, set: KObject, pod: KObject): boolean {
  if (hasUnexpectedController(claim, set, pod)) return !hasNonControllerOwner(claim, set, pod);
  const p = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(set, pod);
  if (p.whenScaled === 'Retain' && p.whenDeleted === 'Retain') return !hasRef(claim, set) && !hasRef(claim, pod);
  if (p.whenScaled === 'Retain' && p.whenDeleted === 'Delete') return hasRef(claim, set) && !hasRef(claim, pod);
  if (p.whenScaled === 'Delete' && p.whenDeleted === 'Retain') return !hasRef(claim, set) && scaledDown === hasRef(claim, pod);
  // Delete / Delete: a scaled-down pod's claim goes with the pod, the others with the set.
  return scaledDown !== hasRef(claim, set) && scaledDown === hasRef(claim, pod);
}

/** updateClaimOwnerRefForSetAndPod: the claim's ownerReferences for the policy (a new array; the claim is not changed). */
export function claimOwnersFor(claim: KObject, set: KObject, pod: KObject): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const out = refs(claim).filter((r) => !isOurs(r, set, pod));
  if (unexpected) return out;
  const p = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(set, pod);
  const add = (owner: KObject, apiVersion: string, kind: string): void => {
    if (!out.some((r) => r.uid === owner.metadata.uid)) out.push(controllerRef(owner, apiVersion, kind));
  };
  if (p.whenScaled === 'Delete' && scaledDown) add(pod, 'v1', 'Pod');
  if (p.whenDeleted === 'Delete' && !(p.whenScaled === 'Delete' && scaledDown)) add(set, 'apps/v1', 'StatefulSet');
  return out;
}

/** hasStaleOwnerRef: the claim is owned by an earlier pod of this name (the uid differs, or the pod is not created yet). */
export function claimIsStale(claim: KObject, pod: KObject): boolean {
  return refs(claim).some((r) => r.apiVersion === 'v1' && r.kind === 'Pod' && r.name === pod.metadata.name && r.uid !== (pod.metadata.uid ?? ''));
}
