// The read side of kube-scheduler 1.32's volume binder
// (plugins/volumebinding/binder.go + volume_binding.go podHasPVCs), pure
// over a `VolumeLookup` of claims, volumes and classes:
//
//   checkPodClaims      every claim the pod names exists, is not Lost, not
//                       being deleted, and (ephemeral) belongs to the pod
//   getPodVolumeClaims  claims split into fully bound / unbound with delayed
//                       binding (WaitForFirstConsumer) / unbound immediate
//                       (a claim with volumeName but no bind-completed
//                       annotation counts as unbound immediate)
//   findPodVolumes      for one node: the conflict reasons, or the static
//                       bindings (volume per claim) and claims to provision
//
// "Fully bound" is Kubernetes' isPVCFullyBound: spec.volumeName set and the
// `pv.kubernetes.io/bind-completed` annotation present.
// A problem no cluster change on the node's side can fix (a missing class)
// throws SchedulingError, Kubernetes' plugin error.

import type { KObject } from '../../api/object.js';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE } from '../../api/storage.js';
import type { Labels } from '../../machinery/labels/requirement.js';
import { SchedulingError } from '../framework.js';
import { claimClass, findMatchingVolume, NOT_SUPPORTED_PROVISIONER, requestedStorage, volumeAcceptsNode, volumeClass } from './pv-match.js';
import { cmp } from '../../api/validation/quantity.js';

export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

/** The scheduler's caches of claims, volumes and classes. */
export interface VolumeLookup {
  claim(namespace: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  volumes(): Iterable<KObject>;
  storageClass(name: string): KObject | undefined;
}

export interface PodClaimRef {
  claimName: string;
  /** a generic ephemeral volume: the claim is `<pod>-<volume>` and must be owned by the pod */
  ephemeral: boolean;
}

interface PodVolume {
  name?: string;
  persistentVolumeClaim?: { claimName?: string } | null;
  ephemeral?: unknown;
}

/** The claims a pod's volumes use, in volume order (ephemeral.VolumeClaimName for ephemeral ones). */
export function podClaimRefs(pod: KObject): PodClaimRef[] {
  const out: PodClaimRef[] = [];
  for (const v of ((pod.spec as { volumes?: PodVolume[] } | undefined)?.volumes ?? [])) {
    if (v.persistentVolumeClaim) out.push({ claimName: v.persistentVolumeClaim.claimName ?? '', ephemeral: false });
    else if (v.ephemeral) out.push({ claimName: `${pod.metadata.name ?? ''}-${v.name ?? ''}`, ephemeral: true });
  }
  return out;
}

const volumeNameOf = (claim: KObject): string => (claim.spec as { volumeName?: string } | undefined)?.volumeName ?? '';

/** isPVCFullyBound */
export function isClaimFullyBound(claim: KObject): boolean {
  return volumeNameOf(claim) !== '' && claim.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

/** IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. */
export function isDelayBinding(claim: KObject, lookup: VolumeLookup): boolean {
  const name = claimClass(claim);
  if (!name) return false;
  const sc = lookup.storageClass(name);
  if (!sc) return false;
  const mode = (sc as { volumeBindingMode?: string }).volumeBindingMode;
  if (!mode) throw new SchedulingError(`VolumeBindingMode not set for StorageClass "${name}"`);
  return mode === 'WaitForFirstConsumer';
}

function controlledBy(claim: KObject, pod: KObject): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata.uid);
}

/**
 * podHasPVCs: whether the pod uses claims at all, and the first reason it
 * cannot be scheduled anywhere because of one (UnschedulableAndUnresolvable).
 */
export function checkPodClaims(pod: KObject, lookup: VolumeLookup): { hasClaims: boolean; error?: string } {
  const ns = pod.metadata.namespace ?? '';
  let hasClaims = false;
  for (const ref of podClaimRefs(pod)) {
    hasClaims = true;
    const claim = lookup.claim(ns, ref.claimName);
    if (!claim) {
      return { hasClaims, error: ref.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${ref.claimName}"` : `persistentvolumeclaim "${ref.claimName}" not found` };
    }
    if ((claim.status as { phase?: string } | undefined)?.phase === 'Lost') {
      return { hasClaims, error: `persistentvolumeclaim "${ref.claimName}" bound to non-existent persistentvolume "${volumeNameOf(claim)}"` };
    }
    if (claim.metadata.deletionTimestamp) return { hasClaims, error: `persistentvolumeclaim "${ref.claimName}" is being deleted` };
    if (ref.ephemeral && ((claim.metadata.namespace ?? '') !== ns || !controlledBy(claim, pod))) {
      return { hasClaims, error: `PVC ${claim.metadata.namespace ?? ''}/${ref.claimName} was not created for pod ${ns}/${pod.metadata.name ?? ''} (pod is not owner)` };
    }
  }
  return { hasClaims };
}

export interface PodVolumeClaims {
  readonly bound: readonly KObject[];
  readonly unboundDelayed: readonly KObject[];
  readonly unboundImmediate: readonly KObject[];
}

/** GetPodVolumeClaims; call after checkPodClaims found no error (claims missing here are skipped). */
export function getPodVolumeClaims(pod: KObject, lookup: VolumeLookup): PodVolumeClaims {
  const bound: KObject[] = [];
  const unboundDelayed: KObject[] = [];
  const unboundImmediate: KObject[] = [];
  for (const ref of podClaimRefs(pod)) {
    const claim = lookup.claim(pod.metadata.namespace ?? '', ref.claimName);
    if (!claim) continue;
    if (isClaimFullyBound(claim)) bound.push(claim);
    else if (isDelayBinding(claim, lookup) && volumeNameOf(claim) === '') unboundDelayed.push(claim);
    else unboundImmediate.push(claim);
  }
  return { bound, unboundDelayed, unboundImmediate };
}

/** Whether every claim the pod uses is fully bound (arePodVolumesBound). */
export function arePodVolumesBound(pod: KObject, lookup: VolumeLookup): boolean {
  return podClaimRefs(pod).every((ref) => {
    const claim = lookup.claim(pod.metadata.namespace ?? '', ref.claimName);
    return !!claim && isClaimFullyBound(claim);
  });
}

export interface StaticBinding {
  readonly claim: KObject;
  readonly pv: KObject;
}

export interface PodVolumes {
  /** claims that take an existing volume (its claimRef is set to them) */
  readonly staticBindings: readonly StaticBinding[];
  /** claims that get a new volume (`volume.kubernetes.io/selected-node` is set on them) */
  readonly dynamicProvisions: readonly KObject[];
}

export interface NodeFacts {
  readonly name: string;
  readonly labels: Labels;
}

/** Whether the node satisfies the class's allowedTopologies (MatchTopologySelectorTerms). */
export function topologyAllows(sc: KObject, labels: Labels): boolean {
  const terms = (sc as { allowedTopologies?: { matchLabelExpressions?: { key?: string; values?: string[] }[] }[] }).allowedTopologies ?? [];
  if (terms.length === 0) return true;
  return terms.some((t) => {
    const exprs = t.matchLabelExpressions ?? [];
    if (exprs.length === 0) return false;
    return exprs.every((e) => {
      const v = labels[e.key ?? ''];
      return v !== undefined && (e.values ?? []).includes(v);
    });
  });
}

/** Provisioner-specific placement rules: hale's own limits on where a class's provisioner can make volumes. */
export type ProvisionerAllows = (provisioner: string, node: NodeFacts) => boolean;

export interface FindPodVolumesOptions {
  /** default: every node */
  provisionerAllows?: ProvisionerAllows;
}

/**
 * FindPodVolumes for one node. `reasons` empty means the node fits; then
 * `volumes` says what Reserve/PreBind would write for it.
 */
export function findPodVolumes(claims: PodVolumeClaims, node: NodeFacts, lookup: VolumeLookup, opts: FindPodVolumesOptions = {}): { reasons: string[]; volumes: PodVolumes } {
  let boundSatisfied = true;
  let boundPVsFound = true;
  let unboundSatisfied = true;
  const staticBindings: StaticBinding[] = [];
  const dynamicProvisions: KObject[] = [];
  const done = (): { reasons: string[]; volumes: PodVolumes } => {
    const reasons: string[] = [];
    if (!boundSatisfied) reasons.push(ERR_NODE_CONFLICT);
    if (!unboundSatisfied) reasons.push(ERR_BIND_CONFLICT);
    if (!boundPVsFound) reasons.push(ERR_PV_NOT_EXIST);
    return { reasons, volumes: { staticBindings, dynamicProvisions } };
  };

  // checkBoundClaims: stops at the first volume that is missing or refuses the node.
  for (const claim of claims.bound) {
    const pv = lookup.volume(volumeNameOf(claim));
    if (!pv) {
      boundPVsFound = false;
      break;
    }
    if (!volumeAcceptsNode(pv, node.labels)) {
      boundSatisfied = false;
      break;
    }
  }

  if (claims.unboundDelayed.length === 0) return done();
  const toMatch: KObject[] = [];
  const toProvision: KObject[] = [];
  for (const claim of claims.unboundDelayed) {
    const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
    if (selected !== undefined) {
      // Provisioning was started for another node: only that node can do.
      if (selected !== node.name) {
        unboundSatisfied = false;
        return done();
      }
      toProvision.push(claim);
    } else toMatch.push(claim);
  }

  if (toMatch.length > 0) {
    // Smallest requests first (byPVCSize), so each claim gets the smallest volume that fits it.
    const ordered = [...toMatch].sort((a, b) => cmp(requestedStorage(a), requestedStorage(b)));
    const chosen = new Set<string>();
    const allVolumes = [...lookup.volumes()];
    for (const claim of ordered) {
      const cls = claimClass(claim);
      const pv = findMatchingVolume(claim, allVolumes.filter((v) => volumeClass(v) === cls), { node, excluded: chosen, delayBinding: true });
      if (!pv) {
        unboundSatisfied = false;
        toProvision.push(claim);
        continue;
      }
      chosen.add(pv.metadata.name ?? '');
      staticBindings.push({ claim, pv });
    }
  }

  if (toProvision.length > 0) {
    // checkVolumeProvisions: every remaining claim's class must be able to provision on this node.
    for (const claim of toProvision) {
      const cls = claimClass(claim);
      const key = `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;
      if (!cls) throw new SchedulingError(`running "VolumeBinding" filter plugin: no class for claim "${key}"`);
      const sc = lookup.storageClass(cls);
      if (!sc) throw new SchedulingError(`running "VolumeBinding" filter plugin: failed to find storage class "${cls}"`);
      const provisioner = (sc as { provisioner?: string }).provisioner ?? '';
      if (!provisioner || provisioner === NOT_SUPPORTED_PROVISIONER || !topologyAllows(sc, node.labels) || !(opts.provisionerAllows?.(provisioner, node) ?? true)) {
        unboundSatisfied = false;
        dynamicProvisions.length = 0;
        return done();
      }
      dynamicProvisions.push(claim);
    }
    unboundSatisfied = true;
  }
  return done();
}
