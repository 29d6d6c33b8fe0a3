// PersistentVolume validation (ValidatePersistentVolume and its update):
// access modes, capacity, reclaim policy, node affinity, exactly one volume
// source, and the source, volumeMode and nodeAffinity that may not change.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, immutable, invalidValue, notSupported, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goStruct } from './go-syntax.js';
import { clone, obj, optStr, semanticEqual, str, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo, notSupportedGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { child, key } from './path.js';
import { specDiff } from './spec-diff.js';
import { validateAccessModes, VOLUME_MODES } from './pvc-spec.js';
import { canonical, quantityFromJSON, signOf } from './quantity.js';
import { validateNodeSelector } from './scheduling.js';
import { validateCSIDriverName, validateHostPath, validateNFS, validatePathNoBacksteps } from './volumes.js';

/** PersistentVolumeSource fields in Kubernetes' order; `as` is where a second source is reported. */
const PV_SOURCES: Array<{ field: string; as?: string; noForbid?: boolean }> = [
  { field: 'hostPath' }, { field: 'gcePersistentDisk' }, { field: 'awsElasticBlockStore' }, { field: 'glusterfs' },
  { field: 'flocker' }, { field: 'nfs' }, { field: 'rbd' }, { field: 'quobyte' }, { field: 'cephfs', as: 'cephFS' },
  { field: 'iscsi' }, { field: 'cinder' }, { field: 'fc' }, { field: 'flexVolume', noForbid: true }, { field: 'azureFile' },
  { field: 'vsphereVolume' }, { field: 'photonPersistentDisk' }, { field: 'portworxVolume' }, { field: 'azureDisk' },
  { field: 'scaleIO' }, { field: 'local' }, { field: 'storageos' }, { field: 'csi' },
];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function validateSecretRef(ref: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ref.name);
  const ns = str(ref.namespace);
  if (!name) errs.push(required(child(path, 'name')));
  else for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalidValue(child(path, 'name'), name, m));
  if (!ns) errs.push(required(child(path, 'namespace')));
  return errs;
}

function validateSourceBody(field: string, src: JsonObject, path: string): FieldError[] {
  const p = child(path, field);
  switch (field) {
    case 'hostPath':
      return validateHostPath(src, p);
    case 'nfs':
      return validateNFS(src, p);
    case 'local':
      return str(src.path) ? validatePathNoBacksteps(str(src.path), child(p, 'path')) : [required(child(p, 'path'))];
    case 'csi': {
      const errs = validateCSIDriverName(str(src.driver), child(p, 'driver'));
      if (!str(src.volumeHandle)) errs.push(required(child(p, 'volumeHandle')));
      for (const r of ['controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef']) {
        const ref = obj(src[r]);
        if (ref) errs.push(...validateSecretRef(ref, child(p, r)));
      }
      return errs;
    }
    default:
      return [];
  }
}

/** ValidatePersistentVolumeSpec (not inline). */
function validatePVSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(spec.accessModes) || spec.accessModes.length === 0) errs.push(required('spec.accessModes'));
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
  const capacity = obj(spec.capacity) ?? {};
  const capKeys = Object.keys(capacity);
  if (capKeys.length === 0) errs.push(required('spec.capacity'));
  if (!capKeys.includes('storage') || capKeys.length > 1) {
    const v = `core.ResourceList{${capKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(capacity[k])}`).join(', ')}}`;
    errs.push(notSupportedGo('spec.capacity', v, ['storage']));
  }
  for (const [name, raw] of Object.entries(capacity)) {
    const p = key('spec.capacity', name);
    const q = quantityFromJSON(raw);
    if (!q.ok) errs.push(invalidValue(p, raw, q.error));
    else if (signOf(q.q) <= 0) {
      if (signOf(q.q) < 0) errs.push(invalidValue(p, Number(canonical(q.q)) || canonical(q.q), 'must be a valid resource quantity'));
      errs.push(invalidValue(p, canonical(q.q), 'must be greater than zero'));
    }
  }
  const rp = str(spec.persistentVolumeReclaimPolicy);
  if (rp && !RECLAIM_POLICIES.includes(rp)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', rp, RECLAIM_POLICIES));
  const na = obj(spec.nodeAffinity);
  if (na) {
    const req = obj(na.required);
    if (req) errs.push(...validateNodeSelector(req, false, 'spec.nodeAffinity.required'));
    else errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
  }
  let count = 0;
  for (const s of PV_SOURCES) {
    const src = obj(spec[s.field]);
    if (!src) continue;
    if (count > 0 && !s.noForbid) {
      errs.push(forbiddenField(child('spec', s.as ?? s.field), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSourceBody(s.field, src, 'spec'));
    if (s.field === 'local' && !na) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (count === 0) errs.push(required('spec', 'must specify a volume type'));
  const hp = obj(spec.hostPath);
  if (hp && str(hp.path).replace(/\/+$/, '') === '' && str(hp.path).startsWith('/') && rp === 'Recycle') {
    errs.push(forbiddenField('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const sc = str(spec.storageClassName);
  if (sc) for (const m of nameIsDNSSubdomain(sc, false)) errs.push(invalidValue('spec.storageClassName', sc, m));
  const vm = optStr(spec.volumeMode);
  if (vm !== undefined && !VOLUME_MODES.includes(vm)) errs.push(notSupported('spec.volumeMode', vm, VOLUME_MODES));
  return errs;
}

export function validatePVCreate(pv: KObject): FieldError[] {
  return [...validateObjectMeta(pv.metadata, { nameFn: nameIsDNSSubdomain, namespaced: false }), ...validatePVSpec(obj(pv.spec) ?? {})];
}

const NON_SOURCE_FIELDS = new Set([
  'accessModes', 'capacity', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions',
  'volumeMode', 'nodeAffinity', 'volumeAttributesClassName',
]);

function sourceOf(spec: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => !NON_SOURCE_FIELDS.has(k)));
}

export function validatePVUpdate(pv: KObject, old: KObject): FieldError[] {
  const spec = obj(pv.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const errs = [...validateObjectMetaUpdate(pv.metadata, old.metadata), ...validatePVCreate(pv)];
  const newSource = sourceOf(clone(spec));
  const oldSource = sourceOf(oldSpec);
  // A CSI ControllerExpandSecretRef may be added to an old volume.
  const newCSI = obj(newSource.csi);
  if (newCSI && obj(oldSource.csi) && !obj(obj(oldSource.csi)?.controllerExpandSecretRef)) delete newCSI.controllerExpandSecretRef;
  if (!semanticEqual(newSource, oldSource)) {
    errs.push(forbiddenField('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${specDiff(oldSource, newSource, 'core.PersistentVolumeSource')}`));
  }
  if (optStr(spec.volumeMode) !== optStr(oldSpec.volumeMode)) errs.push(immutable('volumeMode', optStr(spec.volumeMode)));
  if (obj(oldSpec.nodeAffinity) && !semanticEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(invalidGo('nodeAffinity', goStruct('core.VolumeNodeAffinity', spec.nodeAffinity), 'field is immutable, except for updating from beta label to GA'));
  }
  return errs;
}

export function validatePVStatusUpdate(pv: KObject, old: KObject): FieldError[] {
  return validateObjectMetaUpdate(pv.metadata, old.metadata);
}
