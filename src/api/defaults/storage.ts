// PersistentVolume and StorageClass defaults: a PV starts Pending, with
// reclaim policy Retain and volumeMode Filesystem (a provisioner sets the
// class's policy explicitly); a StorageClass reclaims with Delete and binds
// Immediately.

import type { KObject } from '../object.js';
import { ensureObj, str, type JsonObject } from '../validation/json-read.js';
import { defaultResourceList } from './quantities.js';
import { defaultLegacySources } from './volumes.js';

export function defaultPV(pv: KObject): void {
  const spec = ensureObj(pv as JsonObject, 'spec');
  if (!str(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = 'Filesystem';
  defaultResourceList(spec, 'capacity');
  defaultLegacySources(spec);
  const status = ensureObj(pv as JsonObject, 'status');
  if (!str(status.phase)) status.phase = 'Pending';
}

export function defaultStorageClass(sc: KObject): void {
  if (!str(sc.reclaimPolicy)) sc.reclaimPolicy = 'Delete';
  if (!str(sc.volumeBindingMode)) sc.volumeBindingMode = 'Immediate';
}
