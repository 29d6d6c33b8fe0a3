// PersistentVolumeClaim validation: ValidatePersistentVolumeClaim and the
// update rule (the spec is immutable except binding volumeName once, growing
// resources.requests.storage of a bound claim, and setting storageClassName
// from nil), plus status writes.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, immutable, invalidValue, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { arr, clone, obj, optStr, semanticEqual, str, strMap, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';
import { specDiff } from './spec-diff.js';
import { validatePersistentVolumeClaimSpec } from './pvc-spec.js';
import { cmp, quantityFromJSON, type Quantity } from './quantity.js';

const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

export function validatePVCCreate(pvc: KObject): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true }), ...validatePersistentVolumeClaimSpec(pvc.spec, 'spec')];
}

function storageOf(spec: JsonObject): Quantity {
  const r = quantityFromJSON(obj(obj(spec.resources)?.requests)?.storage);
  return r.ok ? r.q : { mantissa: 0n, exp: 0, format: 'DecimalSI' };
}

export function validatePVCUpdate(pvc: KObject, old: KObject): FieldError[] {
  const spec = obj(pvc.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const errs = [...validateObjectMetaUpdate(pvc.metadata, old.metadata), ...validatePVCCreate(pvc)];
  const newClone = clone(spec);
  const oldClone = clone(oldSpec);
  if (!str(oldSpec.volumeName)) oldClone.volumeName = newClone.volumeName;
  const oldAnn = strMap(old.metadata?.annotations);
  const newAnn = strMap(pvc.metadata?.annotations);
  const oldSc = optStr(oldSpec.storageClassName);
  const newSc = optStr(spec.storageClassName);
  const upgradeFromAnnotation =
    BETA_CLASS in oldAnn && oldSc === undefined && newSc !== undefined && newSc === oldAnn[BETA_CLASS] && (!(BETA_CLASS in newAnn) || newAnn[BETA_CLASS] === oldAnn[BETA_CLASS]);
  if (upgradeFromAnnotation) {
    delete newClone.storageClassName;
  } else {
    if ((newAnn[BETA_CLASS] ?? '') !== (oldAnn[BETA_CLASS] ?? '')) errs.push(immutable(`metadata.annotations.${BETA_CLASS}`, newAnn[BETA_CLASS] ?? ''));
    if (newSc !== undefined && oldSc === undefined && (!(BETA_CLASS in oldAnn) || newSc === oldAnn[BETA_CLASS])) newClone.storageClassName = oldClone.storageClassName;
  }
  const bound = str(obj(pvc.status)?.phase) === 'Bound';
  const requests = obj(obj(newClone.resources)?.requests);
  if (bound && requests) requests.storage = obj(obj(oldSpec.resources)?.requests)?.storage;
  if (bound && newClone.volumeAttributesClassName !== undefined) newClone.volumeAttributesClassName = oldClone.volumeAttributesClassName;
  if (!semanticEqual(newClone, oldClone)) {
    errs.push(
      forbiddenField('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff(oldClone, newClone, 'core.PersistentVolumeClaimSpec')}`),
    );
  }
  const newSize = storageOf(spec);
  if (cmp(newSize, storageOf(oldSpec)) < 0) {
    // RecoverVolumeExpansionFailure (beta, on in 1.32): shrinking is allowed down to above status.capacity.
    const statusSize = quantityFromJSON(obj(obj(old.status)?.capacity)?.storage);
    const floor = statusSize.ok ? statusSize.q : { mantissa: 0n, exp: 0, format: 'DecimalSI' as const };
    if (cmp(newSize, floor) <= 0) errs.push(forbiddenField('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  if (optStr(spec.volumeMode) !== optStr(oldSpec.volumeMode)) errs.push(immutable('volumeMode', optStr(spec.volumeMode)));
  return errs;
}

export function validatePVCStatusUpdate(pvc: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata);
  if (arr(obj(pvc.spec)?.accessModes).length === 0) errs.push(required('Spec.accessModes'));
  for (const [name, raw] of Object.entries(obj(obj(pvc.status)?.capacity) ?? {})) {
    const q = quantityFromJSON(raw);
    if (!q.ok) errs.push(invalidValue(`status.capacity[${name}]`, raw, q.error));
    else if (q.q.mantissa < 0n) errs.push(invalidValue(`status.capacity[${name}]`, raw, 'must be a valid resource quantity'));
  }
  return errs;
}
