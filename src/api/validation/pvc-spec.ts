// PersistentVolumeClaimSpec validation (ValidatePersistentVolumeClaimSpec),
// shared by PVCs, StatefulSet volumeClaimTemplates and ephemeral volumes.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { arr, obj, optStr, str, type JsonObject } from './json-read.js';
import { invalidGo } from './more-errors.js';
import { isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { child, key } from './path.js';
import { canonical, quantityFromJSON, signOf } from './quantity.js';
import { validateLabelSelector } from './selector.js';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const VOLUME_MODES = ['Block', 'Filesystem'];

/** Access modes shared by PV and PVC: known values, and ReadWriteOncePod alone. */
export function validateAccessModes(modes: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of arr(modes).map(str)) {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbiddenField(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateDataSource(ds: JsonObject, path: string, withNamespace: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ds.name)) errs.push(required(child(path, 'name')));
  if (!str(ds.kind)) errs.push(required(child(path, 'kind')));
  const group = str(ds.apiGroup);
  if (!group && str(ds.kind) !== 'PersistentVolumeClaim') {
    errs.push(invalidValue(path, str(ds.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (group) for (const m of isDNS1123Subdomain(group)) errs.push(invalidValue(child(path, 'apiGroup'), group, m));
  const ns = optStr(ds.namespace);
  if (withNamespace && ns) for (const m of nameIsDNSLabel(ns, false)) errs.push(invalidValue(child(path, 'namespace'), ns, m));
  return errs;
}

/** Kubernetes passes a *field.Path as the bad value here; %#v prints the struct. */
const GO_DATA_SOURCE_PATH = 'field.Path{name:"dataSource", index:"", parent:(*field.Path)(0xc000000000)}';

export function validatePersistentVolumeClaimSpec(specIn: unknown, path: string): FieldError[] {
  const spec = obj(specIn) ?? {};
  const errs: FieldError[] = [];
  if (arr(spec.accessModes).length === 0) errs.push(required(child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (obj(spec.selector)) errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  errs.push(...validateAccessModes(spec.accessModes, child(path, 'accessModes')));
  const storagePath = key(child(path, 'resources'), 'storage');
  const raw = obj(obj(spec.resources)?.requests)?.storage;
  if (raw === undefined || raw === null) {
    errs.push(required(storagePath));
  } else {
    const q = quantityFromJSON(raw);
    if (!q.ok) errs.push(invalidValue(storagePath, raw, q.error));
    else if (signOf(q.q) <= 0) errs.push(invalidValue(storagePath, canonical(q.q), 'must be greater than zero'));
  }
  const sc = optStr(spec.storageClassName);
  if (sc) for (const m of nameIsDNSSubdomain(sc, false)) errs.push(invalidValue(child(path, 'storageClassName'), sc, m));
  const vm = optStr(spec.volumeMode);
  if (vm !== undefined && !VOLUME_MODES.includes(vm)) errs.push(notSupported(child(path, 'volumeMode'), vm, VOLUME_MODES));
  const ds = obj(spec.dataSource);
  const dsr = obj(spec.dataSourceRef);
  if (ds) errs.push(...validateDataSource(ds, child(path, 'dataSource'), false));
  if (dsr) errs.push(...validateDataSource(dsr, child(path, 'dataSourceRef'), true));
  if (dsr && str(dsr.namespace)) {
    if (ds) errs.push(invalidGo(path, GO_DATA_SOURCE_PATH, 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (ds && dsr) {
    if (str(ds.apiGroup) !== str(dsr.apiGroup) || str(ds.kind) !== str(dsr.kind) || str(ds.name) !== str(dsr.name)) {
      errs.push(invalidGo(path, GO_DATA_SOURCE_PATH, 'must match dataSourceRef'));
    }
  }
  return errs;
}
