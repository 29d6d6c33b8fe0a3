// A StatefulSet pod's identity and storage (stateful_set_utils.go): the pod
// of ordinal i is `<set>-<i>` with labels `statefulset.kubernetes.io/pod-name`
// and `apps.kubernetes.io/pod-index`, hostname `<set>-<i>` and subdomain
// `serviceName` (set once, at creation: they are immutable), the
// `controller-revision-hash` label of the revision it was made from, and for
// each volumeClaimTemplate a volume of the same name on the claim
// `<template>-<set>-<i>`, whose labels are the template's plus the selector's
// matchLabels.
//
// Invariant: an ordinal's name is a function of the set and the ordinal
// alone, so "is there a pod for ordinal i" is a cache lookup by name, and the
// API server's name uniqueness is what keeps one pod per identity.

import type { KObject, OwnerReference } from '../../api/object.js';
import { podFromTemplate, type PodTemplate } from '../../controller/pod-template.js';
import type { LabelSelectorJson } from '../../machinery/labels/selector.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export type RetentionPolicyType = 'Retain' | 'Delete';

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelectorJson;
  template?: PodTemplate;
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  volumeClaimTemplates?: KObject[];
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: RetentionPolicyType; whenScaled?: RetentionPolicyType };
  ordinals?: { start?: number };
}

export function specOf(set: KObject): StatefulSetSpec {
  return (set.spec ?? {}) as StatefulSetSpec;
}

export function replicasOf(set: KObject): number {
  return specOf(set).replicas ?? 1;
}

export function startOrdinal(set: KObject): number {
  return specOf(set).ordinals?.start ?? 0;
}

/** the last ordinal in range (start - 1 when replicas is 0) */
export function endOrdinal(set: KObject): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

export function podName(set: KObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

const PARENT_AND_ORDINAL = /^(.*)-([0-9]+)$/;
const MAX_INT32 = 2 ** 31 - 1;

/** The parent name and ordinal a pod's name encodes; ordinal -1 when it encodes none. */
export function parentAndOrdinal(pod: KObject): { parent: string; ordinal: number } {
  const m = PARENT_AND_ORDINAL.exec(pod.metadata.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n > MAX_INT32) return { parent: '', ordinal: -1 };
  return { parent: m[1] ?? '', ordinal: n };
}

export function ordinalOf(pod: KObject): number {
  return parentAndOrdinal(pod).ordinal;
}

/** isMemberOf: the pod's name says it belongs to `set`. */
export function isMemberOf(set: KObject, pod: KObject): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

export function inOrdinalRange(set: KObject, pod: KObject): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export function podRevision(pod: KObject): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? '';
}

export function claimName(set: KObject, template: KObject, ordinal: number): string {
  return `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
}

/** The claims of the pod of `ordinal`, by template name, as they are created (getPersistentVolumeClaims). */
export function claimsFor(set: KObject, ordinal: number): Map<string, KObject> {
  const spec = specOf(set);
  const out = new Map<string, KObject>();
  for (const t of spec.volumeClaimTemplates ?? []) {
    const claim = structuredClone(t);
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    const meta = claim.metadata;
    delete (meta as { creationTimestamp?: unknown }).creationTimestamp;
    meta.name = claimName(set, t, ordinal);
    meta.namespace = set.metadata.namespace ?? '';
    meta.labels = { ...(meta.labels ?? {}), ...(spec.selector?.matchLabels ?? {}) };
    delete claim.status;
    out.set(t.metadata.name ?? '', claim);
  }
  return out;
}

interface PodSpecShape {
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean } }[];
  hostname?: string;
  subdomain?: string;
}

/** identityMatches: name, namespace and pod-name label as the set says. */
export function identityMatches(set: KObject, pod: KObject): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

/** storageMatches: every claim template has a volume of its name on the ordinal's claim. */
export function storageMatches(set: KObject, pod: KObject): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map(((pod.spec as PodSpecShape | undefined)?.volumes ?? []).map((v) => [v.name, v]));
  for (const [name, claim] of claimsFor(set, ordinal)) {
    const v = volumes.get(name);
    if (v?.persistentVolumeClaim?.claimName !== claim.metadata.name) return false;
  }
  return true;
}

/** updateIdentity: the name, namespace and identity labels (never hostname/subdomain: immutable). */
export function updateIdentity(set: KObject, pod: KObject): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace ?? '';
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** updateStorage: one volume per claim template on the ordinal's claim, first; the template's other volumes after. */
export function updateStorage(set: KObject, pod: KObject): void {
  const spec = (pod.spec ?? (pod.spec = {})) as PodSpecShape;
  const claims = claimsFor(set, ordinalOf(pod));
  if (claims.size === 0) return;
  const claimVolumes = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata.name ?? '' } }));
  spec.volumes = [...claimVolumes, ...(spec.volumes ?? []).filter((v) => !claims.has(v.name))];
}

/** newStatefulSetPod + setPodRevision: the pod of `ordinal` from `set`'s template (the set with a revision applied). */
export function newStatefulSetPod(o: { set: KObject; owner: OwnerReference; ordinal: number; revision: string }): KObject {
  const set = o.set;
  const pod = podFromTemplate({ template: specOf(set).template ?? {}, namespace: set.metadata.namespace ?? '', owner: o.owner, name: podName(set, o.ordinal) });
  updateIdentity(set, pod);
  const spec = pod.spec as PodSpecShape;
  // initIdentity: immutable after creation, so set only here.
  spec.hostname = pod.metadata.name;
  const service = specOf(set).serviceName;
  if (service) spec.subdomain = service;
  updateStorage(set, pod);
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [REVISION_LABEL]: o.revision };
  return pod;
}
