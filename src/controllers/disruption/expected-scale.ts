// The denominator of a percentage budget (getExpectedScale): the sum of the
// scale (spec.replicas) of every controller that controls a selected pod,
// each counted once. The controller is found through the pod's controllerRef,
// read from the informers' caches:
//
// - a ReplicaSet owned by a Deployment that still exists (same uid) counts
//   as the Deployment; otherwise the ReplicaSet's own replicas count (as
//   Kubernetes' scale-subresource fallback does for an orphaned ReplicaSet);
// - a StatefulSet counts its replicas;
// - a pod without a controllerRef is "unmanaged": it is reported, not counted;
// - a controllerRef to a controller that does not exist (or no longer has
//   that uid), to a kind without a scale subresource, or to an unknown kind
//   is an error: the budget cannot be computed (SyncFailed).

import type { KObject, OwnerReference } from '../../api/object.js';
import { findKind } from '../../api/resources.js';
import { controllerOf } from '../../controller/controller-ref.js';

export interface ScaleLookup {
  replicaSet(namespace: string, name: string): KObject | undefined;
  deployment(namespace: string, name: string): KObject | undefined;
  statefulSet(namespace: string, name: string): KObject | undefined;
}

export interface ExpectedScale {
  expected: number;
  /** names of selected pods without a controller */
  unmanaged: string[];
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function isKind(ref: OwnerReference, kind: string, groups: string[]): boolean {
  return ref.kind === kind && groups.includes(groupOf(ref.apiVersion));
}

function replicasOf(o: KObject): number {
  return (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

/** The controller (uid and scale) behind `ref`, or undefined when it does not exist; throws for kinds without a scale. */
function controllerScale(ref: OwnerReference, namespace: string, lookup: ScaleLookup): { uid: string; scale: number } | undefined {
  if (isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) {
    const rs = lookup.replicaSet(namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    const owner = controllerOf(rs);
    if (owner && isKind(owner, 'Deployment', ['apps', 'extensions'])) {
      const d = lookup.deployment(namespace, owner.name);
      if (d && d.metadata.uid === owner.uid) return { uid: d.metadata.uid ?? '', scale: replicasOf(d) };
    }
    return { uid: rs.metadata.uid ?? '', scale: replicasOf(rs) };
  }
  if (isKind(ref, 'StatefulSet', ['apps'])) {
    const ss = lookup.statefulSet(namespace, ref.name);
    if (!ss || ss.metadata.uid !== ref.uid) return undefined;
    return { uid: ss.metadata.uid ?? '', scale: replicasOf(ss) };
  }
  // The generic scale-subresource finder: hale serves scale only for the kinds above.
  const r = findKind(ref.apiVersion, ref.kind);
  if (!r) return noKindMatch(ref);
  if (!r.subresources.some((s) => s.name === 'scale')) throw new Error(`${r.group ? `${r.plural}.${r.group}` : r.plural} does not implement the scale subresource`);
  return undefined;
}

function noKindMatch(ref: OwnerReference): never {
  throw new Error(`no matches for kind ${JSON.stringify(ref.kind)} in version ${JSON.stringify(ref.apiVersion)}`);
}

/** getExpectedScale; throws `found no controllers for pod "x"` when a pod's controller cannot be found. */
export function expectedScale(pods: KObject[], lookup: ScaleLookup): ExpectedScale {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = controllerScale(ref, pod.metadata.namespace ?? '', lookup);
    if (!found) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata.name ?? '')}`);
    scales.set(found.uid, found.scale);
  }
  let expected = 0;
  for (const n of scales.values()) expected += n;
  return { expected, unmanaged };
}
