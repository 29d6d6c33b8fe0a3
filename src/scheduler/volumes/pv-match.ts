// Which PersistentVolume fits a claim, as Kubernetes 1.32's component-helpers
// storage/volume (pv_helpers.go) decides it: FindMatchingVolume,
// CheckVolumeModeMismatches, CheckAccessModes, CheckNodeAffinity,
// IsVolumeBoundToClaim and GetBindVolumeToClaim. Pure functions over plain
// API JSON, shared by the scheduler's VolumeBinding plugin and (if it wants
// them) the PV controller.
//
// FindMatchingVolume's two callers differ: the PV controller passes no node
// (and with delayBinding only volumes pre-bound to the claim count); the
// scheduler passes the node, whose labels must satisfy the volume's
// spec.nodeAffinity and whose access modes must cover the claim's. A volume
// pre-bound to the claim (claimRef naming it) wins outright — or, with a node
// it does not accept, means "no match on this node". Otherwise the smallest
// Available volume of the claim's class that fits wins (first of equals).

import type { KObject } from '../../api/object.js';
import { ANN_BOUND_BY_CONTROLLER } from '../../api/storage.js';
import type { JsonObject } from '../../api/validation/json-read.js';
import { cmp, quantityFromJSON, type Quantity } from '../../api/validation/quantity.js';
import type { Labels } from '../../machinery/labels/requirement.js';
import { selectorFromLabelSelector, type LabelSelectorJson } from '../../machinery/labels/selector.js';
import { RequiredNodeAffinity } from '../node-selector.js';

/** v1.BetaStorageClassAnnotation: still read before spec.storageClassName */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
/** storage/volume NotSupportedProvisioner: a class whose volumes are made by hand */
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';

export interface ClaimRef {
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

interface VolumeSpec {
  capacity?: { storage?: unknown };
  accessModes?: string[];
  storageClassName?: string;
  volumeMode?: string;
  volumeAttributesClassName?: string;
  claimRef?: ClaimRef | null;
  nodeAffinity?: { required?: unknown } | null;
}

interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: { storage?: unknown } };
  storageClassName?: string;
  volumeMode?: string;
  selector?: LabelSelectorJson | null;
}

const ZERO: Quantity = (() => {
  const r = quantityFromJSON('0');
  if (!r.ok) throw new Error('cannot parse the quantity 0');
  return r.q;
})();

/** A storage quantity; missing or unparsable counts as zero (Go's zero resource.Quantity). */
function storageOf(v: unknown): Quantity {
  if (v === undefined || v === null) return ZERO;
  const r = quantityFromJSON(v);
  return r.ok ? r.q : ZERO;
}

const volumeSpec = (pv: KObject): VolumeSpec => (pv.spec ?? {}) as VolumeSpec;
const claimSpec = (claim: KObject): ClaimSpec => (claim.spec ?? {}) as ClaimSpec;

/** GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
export function claimClass(claim: KObject): string {
  const ann = claim.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return claimSpec(claim).storageClassName ?? '';
}

/** GetPersistentVolumeClass: the beta annotation, else spec.storageClassName, else "". */
export function volumeClass(pv: KObject): string {
  const ann = pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return volumeSpec(pv).storageClassName ?? '';
}

/** The claim's storage request (zero when it names none). */
export function requestedStorage(claim: KObject): Quantity {
  return storageOf(claimSpec(claim).resources?.requests?.storage);
}

/** CheckVolumeModeMismatches: a missing volumeMode is Filesystem on both sides. */
export function volumeModeMismatch(claim: KObject, pv: KObject): boolean {
  return (claimSpec(claim).volumeMode ?? 'Filesystem') !== (volumeSpec(pv).volumeMode ?? 'Filesystem');
}

/** CheckAccessModes: the volume offers every access mode the claim asks for. */
export function accessModesCovered(claim: KObject, pv: KObject): boolean {
  const have = new Set(volumeSpec(pv).accessModes ?? []);
  return (claimSpec(claim).accessModes ?? []).every((m) => have.has(m));
}

/**
 * CheckNodeAffinity: the volume's spec.nodeAffinity.required accepts a node
 * with these labels. Kubernetes matches against a node that has labels only
 * (no name), so matchFields terms do not constrain.
 */
export function volumeAcceptsNode(pv: KObject, labels: Labels): boolean {
  const required = volumeSpec(pv).nodeAffinity?.required;
  if (!required) return true;
  // The volume's NodeSelector is API JSON, the same shape a pod's required node affinity has.
  const spec = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } } } as unknown as JsonObject;
  const affinity = new RequiredNodeAffinity(spec);
  return affinity.matches({ name: '', labels });
}

/** IsVolumeBoundToClaim: claimRef names the claim (and its uid, when the ref has one). */
export function isVolumeBoundToClaim(pv: KObject, claim: KObject): boolean {
  const ref = volumeSpec(pv).claimRef;
  if (!ref) return false;
  if ((ref.name ?? '') !== (claim.metadata.name ?? '') || (ref.namespace ?? '') !== (claim.metadata.namespace ?? '')) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

export interface FindMatchingVolumeOptions {
  /** Scheduler path: the node's labels must satisfy the volume's node affinity; access modes are checked. */
  node?: { labels: Labels };
  /** Volumes already chosen for other claims of the same pod. */
  excluded?: ReadonlySet<string>;
  /** PV controller path (no node): only volumes pre-bound to the claim may match. */
  delayBinding: boolean;
}

/** FindMatchingVolume (VolumeAttributesClass disabled, as in 1.32 by default: volumes naming one never match). */
export function findMatchingVolume(claim: KObject, volumes: Iterable<KObject>, opts: FindMatchingVolumeOptions): KObject | undefined {
  const requested = requestedStorage(claim);
  const wantedClass = claimClass(claim);
  const cs = claimSpec(claim);
  const selector = cs.selector ? selectorFromLabelSelector(cs.selector) : undefined;
  let smallest: { pv: KObject; size: Quantity } | undefined;
  for (const pv of volumes) {
    const name = pv.metadata.name ?? '';
    if (opts.excluded?.has(name)) continue;
    const vs = volumeSpec(pv);
    if (vs.claimRef && !isVolumeBoundToClaim(pv, claim)) continue;
    const size = storageOf(vs.capacity?.storage);
    if (cmp(size, requested) < 0) continue;
    if (volumeModeMismatch(claim, pv)) continue;
    if (vs.volumeAttributesClassName) continue;
    if (pv.metadata.deletionTimestamp) continue;
    const affinityOk = opts.node ? volumeAcceptsNode(pv, opts.node.labels) : true;
    if (isVolumeBoundToClaim(pv, claim)) return affinityOk ? pv : undefined;
    if (!opts.node && opts.delayBinding) continue;
    if ((pv.status as { phase?: string } | undefined)?.phase !== 'Available') continue;
    if (selector && !selector.matches(pv.metadata.labels ?? {})) continue;
    if (volumeClass(pv) !== wantedClass) continue;
    if (!affinityOk) continue;
    if (opts.node && !accessModesCovered(claim, pv)) continue;
    if (!smallest || cmp(smallest.size, size) > 0) smallest = { pv, size };
  }
  return smallest?.pv;
}

/** reference.GetReference for a claim: what a volume's claimRef holds. */
export function claimRefOf(claim: KObject): ClaimRef {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata.namespace ?? '',
    name: claim.metadata.name ?? '',
    uid: claim.metadata.uid ?? '',
    apiVersion: 'v1',
    resourceVersion: claim.metadata.resourceVersion ?? '',
  };
}

/**
 * GetBindVolumeToClaim: a copy of the volume whose claimRef names the claim,
 * marked bound-by-controller unless it was already bound to it; `dirty` says
 * whether anything changed.
 */
export function bindVolumeToClaim(pv: KObject, claim: KObject): { pv: KObject; dirty: boolean } {
  const setBoundByController = !isVolumeBoundToClaim(pv, claim);
  const vs = volumeSpec(pv);
  let spec = pv.spec as Record<string, unknown> | undefined;
  let annotations = pv.metadata.annotations;
  let dirty = false;
  const ref = vs.claimRef;
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || (ref.uid ?? '') !== (claim.metadata.uid ?? '')) {
    spec = { ...(spec ?? {}), claimRef: claimRefOf(claim) };
    dirty = true;
  }
  if (setBoundByController && annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
    annotations = { ...(annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' };
    dirty = true;
  }
  return { pv: { ...pv, metadata: { ...pv.metadata, ...(annotations ? { annotations } : {}) }, ...(spec ? { spec } : {}) }, dirty };
}
