// Defaults inside pod volumes (SetDefaults_Volume and the per-source ones):
// a volume with no source is an emptyDir; configMap, secret, downwardAPI and
// projected get defaultMode 420 (0644); hostPath gets type ""; fieldRefs get
// apiVersion v1; projected tokens expire after an hour; ephemeral claim
// templates get the PVC spec defaults.

import { obj, objects, type JsonObject } from '../validation/json-read.js';
import { defaultPVCSpec } from './pvc.js';
import { canonicalQuantity } from './quantities.js';

const SOURCE_FIELDS = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

const DEFAULT_MODE = 0o644;

export function defaultFieldRef(ref: JsonObject | undefined): void {
  if (ref && (ref.apiVersion === undefined || ref.apiVersion === '')) ref.apiVersion = 'v1';
}

function setIfMissing(o: JsonObject, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

function defaultDownwardItems(items: unknown): void {
  for (const [item] of objects(items)) defaultFieldRef(obj(item.fieldRef));
}

/** Defaults of in-tree sources shared by pod volumes and PersistentVolumes (their +default markers). */
export function defaultLegacySources(src: JsonObject): void {
  const iscsi = obj(src.iscsi);
  if (iscsi) setIfMissing(iscsi, 'iscsiInterface', 'default');
  const rbd = obj(src.rbd);
  if (rbd) {
    setIfMissing(rbd, 'pool', 'rbd');
    setIfMissing(rbd, 'user', 'admin');
    setIfMissing(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const az = obj(src.azureDisk);
  if (az) {
    setIfMissing(az, 'cachingMode', 'ReadWrite');
    setIfMissing(az, 'fsType', 'ext4');
    setIfMissing(az, 'readOnly', false);
    setIfMissing(az, 'kind', 'Shared');
  }
  const sio = obj(src.scaleIO);
  if (sio) {
    setIfMissing(sio, 'storageMode', 'ThinProvisioned');
    setIfMissing(sio, 'fsType', 'xfs');
  }
  const hp = obj(src.hostPath);
  if (hp) setIfMissing(hp, 'type', '');
}

export function defaultVolume(v: JsonObject): void {
  if (!SOURCE_FIELDS.some((f) => v[f] !== undefined && v[f] !== null)) v.emptyDir = {};
  const ed = obj(v.emptyDir);
  if (ed && ed.sizeLimit !== undefined && ed.sizeLimit !== null) ed.sizeLimit = canonicalQuantity(ed.sizeLimit, false);
  for (const f of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = obj(v[f]);
    if (s) setIfMissing(s, 'defaultMode', DEFAULT_MODE);
  }
  defaultDownwardItems(obj(v.downwardAPI)?.items);
  for (const [src] of objects(obj(v.projected)?.sources)) {
    defaultDownwardItems(obj(src.downwardAPI)?.items);
    const sat = obj(src.serviceAccountToken);
    if (sat) setIfMissing(sat, 'expirationSeconds', 3600);
  }
  defaultLegacySources(v);
  const tmpl = obj(obj(v.ephemeral)?.volumeClaimTemplate);
  if (tmpl) defaultPVCSpec(obj(tmpl.spec));
}
