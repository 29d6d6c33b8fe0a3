// VolumeBinding (kube-scheduler 1.32's plugin, pkg/scheduler/framework/
// plugins/volumebinding): where a pod's PersistentVolumeClaims let it run.
//
// - A claim that is missing or being deleted rejects every node
//   (UnschedulableAndUnresolvable), as does a claim bound to a volume that
//   does not exist, or an unbound claim whose class binds Immediately (the PV
//   binder binds it first; the scheduler looks again when it is bound).
// - A bound claim's volume must accept the node: its required node affinity
//   ("node(s) had volume node affinity conflict") — a hale/local volume pins
//   its pods to its node.
// - An unbound claim of a WaitForFirstConsumer class needs, on the node, an
//   Available volume of its class that fits it and accepts the node, or a
//   provisioner that can make one there (the class's allowedTopologies;
//   hale/local not on simulated nodes): "node(s) didn't find available
//   persistent volumes to bind". What happens after the node is chosen (the
//   static volume's claimRef, or `volume.kubernetes.io/selected-node` for the
//   provisioner) is `bindClaims` below, run by the scheduling loop.

import type { KObject } from '../../api/object.js';
import { ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, PROVISIONER_LOCAL } from '../../api/storage.js';
import { LABEL_SIMULATED } from '../../api/fencing.js';
import { volumeMismatch } from '../../volumes/claim-match.js';
import { reject, type FilterPlugin, type Rejection } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { RequiredNodeAffinity } from '../node-selector.js';

export const VOLUME_BINDING = 'VolumeBinding';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

/** What the plugin reads: the scheduler's caches of claims, volumes and classes. */
export interface VolumeLookup {
  claim(namespace: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  volumes(): Iterable<KObject>;
  storageClass(name: string): KObject | undefined;
}

interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName?: string };
  ephemeral?: unknown;
}

/** The claim names a pod's volumes refer to (ephemeral volumes: `<pod>-<volume>`). */
export function podClaimNames(pod: KObject): string[] {
  const out: string[] = [];
  for (const v of ((pod.spec as { volumes?: PodVolume[] } | undefined)?.volumes ?? [])) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata.name ?? ''}-${v.name}`);
  }
  return out;
}

function affinityOf(pv: KObject): RequiredNodeAffinity | undefined {
  const required = (pv.spec as { nodeAffinity?: { required?: unknown } } | undefined)?.nodeAffinity?.required;
  if (!required) return undefined;
  return new RequiredNodeAffinity({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } } } as never);
}

function accepts(pv: KObject, node: NodeInfo): boolean {
  return affinityOf(pv)?.matches(node) ?? true;
}

/** A static volume for an unbound claim on this node: Available, fitting, accepting the node; the smallest. */
export function staticVolumeFor(claim: KObject, node: NodeInfo, v: VolumeLookup): KObject | undefined {
  let best: { pv: KObject; size: number } | undefined;
  for (const pv of v.volumes()) {
    if (pv.metadata.deletionTimestamp || (pv.status as { phase?: string } | undefined)?.phase !== 'Available') continue;
    const ref = (pv.spec as { claimRef?: { name?: string; namespace?: string } } | undefined)?.claimRef;
    if (ref?.name && !(ref.name === claim.metadata.name && ref.namespace === claim.metadata.namespace)) continue;
    if (volumeMismatch(pv, claim) || !accepts(pv, node)) continue;
    const size = Number.parseFloat(String((pv.spec as { capacity?: { storage?: string } }).capacity?.storage ?? '0')) || 0;
    if (!best || size < best.size) best = { pv, size };
  }
  return best?.pv;
}

/** Whether the class's provisioner can make a volume on the node. */
function canProvision(sc: KObject, node: NodeInfo): boolean {
  const provisioner = (sc as { provisioner?: string }).provisioner ?? '';
  if (!provisioner || provisioner === 'kubernetes.io/no-provisioner') return false;
  if (provisioner === PROVISIONER_LOCAL && node.labels[LABEL_SIMULATED] === 'true') return false;
  const topologies = (sc as { allowedTopologies?: { matchLabelExpressions?: { key: string; values?: string[] }[] }[] }).allowedTopologies ?? [];
  if (topologies.length === 0) return true;
  return topologies.some((t) => (t.matchLabelExpressions ?? []).every((e) => (e.values ?? []).includes(node.labels[e.key] ?? '')));
}

function delayed(claim: KObject, v: VolumeLookup): boolean {
  const cls = (claim.spec as { storageClassName?: string } | undefined)?.storageClassName ?? '';
  const sc = cls ? v.storageClass(cls) : undefined;
  return (sc as { volumeBindingMode?: string } | undefined)?.volumeBindingMode === 'WaitForFirstConsumer';
}

export function volumeBindingFilter(v: VolumeLookup): FilterPlugin {
  return {
    name: VOLUME_BINDING,
    prepare(cycle) {
      const names = podClaimNames(cycle.pod.pod);
      if (names.length === 0) return { kind: 'skip' };
      const bound: KObject[] = [];
      const unbound: KObject[] = [];
      for (const name of names) {
        const claim = v.claim(cycle.pod.namespace, name);
        if (!claim) return { kind: 'reject', rejection: reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" not found`) };
        if (claim.metadata.deletionTimestamp) return { kind: 'reject', rejection: reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" is being deleted`) };
        const volumeName = (claim.spec as { volumeName?: string } | undefined)?.volumeName;
        if (volumeName) {
          const pv = v.volume(volumeName);
          if (!pv) return { kind: 'reject', rejection: reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', ERR_PV_NOT_EXIST) };
          bound.push(pv);
        } else if (delayed(claim, v)) unbound.push(claim);
        else return { kind: 'reject', rejection: reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', ERR_UNBOUND_IMMEDIATE) };
      }
      return {
        kind: 'filter',
        check: (node): Rejection | undefined => {
          if (bound.some((pv) => !accepts(pv, node))) return reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', ERR_NODE_CONFLICT);
          for (const claim of unbound) {
            if (staticVolumeFor(claim, node, v)) continue;
            const sc = v.storageClass((claim.spec as { storageClassName?: string }).storageClassName ?? '');
            if (!sc || !canProvision(sc, node)) return reject(VOLUME_BINDING, 'UnschedulableAndUnresolvable', ERR_BIND_CONFLICT);
          }
          return undefined;
        },
      };
    },
  };
}

/** A write the loop makes for an unbound WaitForFirstConsumer claim once the pod's node is chosen. */
export type ClaimBinding = { kind: 'volume'; pv: KObject; claim: KObject } | { kind: 'provision'; claim: KObject; node: string };

/**
 * Kubernetes' AssumePodVolumes + BindPodVolumes, as writes to make: a static
 * volume gets the claim in its claimRef (the PV binder then completes the
 * binding), otherwise the claim gets `volume.kubernetes.io/selected-node`
 * (the provisioner makes the volume there). Empty: nothing to wait for.
 */
export function claimBindings(pod: KObject, node: NodeInfo, v: VolumeLookup): ClaimBinding[] {
  const out: ClaimBinding[] = [];
  for (const name of podClaimNames(pod)) {
    const claim = v.claim(pod.metadata.namespace ?? '', name);
    if (!claim || (claim.spec as { volumeName?: string } | undefined)?.volumeName || !delayed(claim, v)) continue;
    const pv = staticVolumeFor(claim, node, v);
    if (pv) out.push({ kind: 'volume', pv, claim });
    else if (claim.metadata.annotations?.[ANN_SELECTED_NODE] !== node.name) out.push({ kind: 'provision', claim, node: node.name });
  }
  return out;
}

/** The PV update that pre-binds `pv` to `claim` (Kubernetes' binder marks it bound-by-controller). */
export function preBoundVolume(pv: KObject, claim: KObject): KObject {
  return {
    ...pv,
    metadata: { ...pv.metadata, annotations: { ...(pv.metadata.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' } },
    spec: {
      ...(pv.spec as object),
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace ?? '', name: claim.metadata.name ?? '', uid: claim.metadata.uid ?? '', resourceVersion: claim.metadata.resourceVersion ?? '' },
    },
  };
}

/** Whether every claim of the pod is bound (the pod may be bound to its node). */
export function claimsBound(pod: KObject, v: VolumeLookup): boolean {
  return podClaimNames(pod).every((n) => !!(v.claim(pod.metadata.namespace ?? '', n)?.spec as { volumeName?: string } | undefined)?.volumeName);
}
