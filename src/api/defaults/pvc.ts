// PersistentVolumeClaim defaults: spec.volumeMode Filesystem (also inside
// StatefulSet volumeClaimTemplates and ephemeral volumes), canonical storage
// quantities, status.phase Pending, and for PVC objects the mirroring of
// dataSource and dataSourceRef that the PVC strategy does.

import { ensureObj, obj, str, type JsonObject } from '../validation/json-read.js';
import type { KObject } from '../object.js';
import { defaultResourceList } from './quantities.js';

export function defaultPVCSpec(spec: JsonObject | undefined): void {
  if (!spec) return;
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = 'Filesystem';
  const res = obj(spec.resources);
  if (res) {
    defaultResourceList(res, 'requests');
    defaultResourceList(res, 'limits');
  }
}

/**
 * The PVC strategy's NormalizeDataSources (AnyVolumeDataSource is GA): the
 * old dataSource and the new dataSourceRef mirror each other when only one is set.
 */
function normaliseDataSources(spec: JsonObject): void {
  const ds = obj(spec.dataSource);
  const dsr = obj(spec.dataSourceRef);
  if (ds && !dsr) {
    spec.dataSourceRef = { ...(ds.apiGroup !== undefined ? { apiGroup: ds.apiGroup } : {}), kind: ds.kind, name: ds.name };
  } else if (dsr && !ds && !str(dsr.namespace)) {
    spec.dataSource = { ...(dsr.apiGroup !== undefined ? { apiGroup: dsr.apiGroup } : {}), kind: dsr.kind, name: dsr.name };
  }
}

/** Defaults of a PVC body (also a StatefulSet's volumeClaimTemplates entries). */
export function defaultPVC(pvc: KObject | JsonObject): void {
  defaultPVCSpec(ensureObj(pvc as JsonObject, 'spec'));
  const status = ensureObj(pvc as JsonObject, 'status');
  if (!str(status.phase)) status.phase = 'Pending';
  defaultResourceList(status, 'capacity');
  defaultResourceList(status, 'allocatedResources');
}

/** A PersistentVolumeClaim object: its defaults plus what the PVC strategy normalises. */
export function defaultPersistentVolumeClaim(pvc: KObject): void {
  defaultPVC(pvc);
  normaliseDataSources(ensureObj(pvc as JsonObject, 'spec'));
}
