// Pod volumes (ValidateVolumes): unique DNS-label names, exactly one source,
// and per-source checks for the sources people use (emptyDir, hostPath,
// configMap, secret, persistentVolumeClaim, downwardAPI, projected, nfs, csi,
// ephemeral, gitRepo). The remaining in-tree sources only count towards
// "exactly one". Also the path rules shared with mounts and PVs.

import type { FieldError } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, notSupported, required, tooLong } from '../field-errors.js';
import { validateObjectFieldSelector, VOLUME_FIELD_PATHS } from './env.js';
import { obj, objects, optNum, optStr, str, type JsonObject } from './json-read.js';
import { validateTemplateObjectMeta } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.js';
import { child, index } from './path.js';
import { validatePersistentVolumeClaimSpec } from './pvc-spec.js';
import { quantityFromJSON, signOf } from './quantity.js';

/** Volume sources in the order Kubernetes checks them; `as` is the path a second source is reported on. */
const SOURCES: Array<{ field: string; as?: string }> = [
  { field: 'emptyDir' }, { field: 'hostPath' }, { field: 'gitRepo' }, { field: 'gcePersistentDisk' },
  { field: 'awsElasticBlockStore' }, { field: 'secret' }, { field: 'nfs' }, { field: 'iscsi' }, { field: 'glusterfs' },
  { field: 'flocker' }, { field: 'persistentVolumeClaim' }, { field: 'rbd' }, { field: 'cinder' },
  { field: 'cephfs', as: 'cephFS' }, { field: 'quobyte' }, { field: 'downwardAPI', as: 'downwarAPI' }, { field: 'fc' },
  { field: 'flexVolume' }, { field: 'configMap' }, { field: 'azureFile' }, { field: 'vsphereVolume' },
  { field: 'photonPersistentDisk' }, { field: 'portworxVolume' }, { field: 'azureDisk' }, { field: 'storageos' },
  { field: 'projected' }, { field: 'scaleIO' }, { field: 'csi' }, { field: 'ephemeral' }, { field: 'image' },
];

export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** validatePathNoBacksteps */
export function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [invalidValue(path, p, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, no '..' element. */
export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalidValue(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

/** ValidateLocalNonReservedPath: also may not start with '..'. */
export function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(invalidValue(path, p, "must not start with '..'"));
  return errs;
}

function validateMode(v: unknown, path: string): FieldError[] {
  const m = optNum(v);
  return m !== undefined && (m > 0o777 || m < 0) ? [invalidValue(path, m, FILE_MODE_ERROR)] : [];
}

function validateKeyToPath(kp: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(kp.key)) errs.push(required(child(path, 'key')));
  if (!str(kp.path)) errs.push(required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(str(kp.path), child(path, 'path')));
  errs.push(...validateMode(kp.mode, child(path, 'mode')));
  return errs;
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

export function validateHostPath(hp: JsonObject, path: string): FieldError[] {
  const p = str(hp.path);
  if (!p) return [required(child(path, 'path'))];
  const errs = validatePathNoBacksteps(p, child(path, 'path'));
  const t = optStr(hp.type);
  if (t !== undefined && !HOST_PATH_TYPES.includes(t)) errs.push(notSupported(child(path, 'type'), t, HOST_PATH_TYPES));
  return errs;
}

export function validateNFS(nfs: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(nfs.server)) errs.push(required(child(path, 'server')));
  if (!str(nfs.path)) errs.push(required(child(path, 'path')));
  if (!str(nfs.path).startsWith('/')) errs.push(invalidValue(child(path, 'path'), str(nfs.path), 'must be an absolute path'));
  return errs;
}

/** ValidateCSIDriverName */
export function validateCSIDriverName(driver: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!driver) errs.push(required(path));
  if (driver.length > 63) errs.push(tooLong(path, 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalidValue(path, driver, m));
  return errs;
}

function validateDownwardAPIFile(f: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(f.path)) errs.push(required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(str(f.path), child(path, 'path')));
  const fieldRef = obj(f.fieldRef);
  const resourceFieldRef = obj(f.resourceFieldRef);
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, VOLUME_FIELD_PATHS, child(path, 'fieldRef')));
    if (resourceFieldRef) errs.push(invalidValue(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resourceFieldRef) {
    if (!str(resourceFieldRef.containerName)) errs.push(required(child(path, 'resourceFieldRef', 'containerName')));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(f.mode, child(path, 'mode')));
  return errs;
}

function validateProjected(p: JsonObject, path: string): FieldError[] {
  const errs = validateMode(p.defaultMode, child(path, 'defaultMode'));
  const seen = new Set<string>();
  const notePath = (x: string, label: unknown): void => {
    if (!x) return;
    if (seen.has(x)) errs.push(invalidValue(path, label, 'conflicting duplicate paths'));
    seen.add(x);
  };
  for (const [src, i] of objects(p.sources)) {
    const srcPath = index(child(path, 'sources'), i);
    let n = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const s = obj(src[kind]);
      if (!s) continue;
      n++;
      const kp = child(srcPath, kind);
      if (!str(s.name)) errs.push(required(child(kp, 'name')));
      for (const [item, j] of objects(s.items)) {
        errs.push(...validateKeyToPath(item, index(child(kp, 'items'), j)));
        notePath(str(item.path), str(s.name));
      }
    }
    const dapi = obj(src.downwardAPI);
    if (dapi) {
      n++;
      for (const [item] of objects(dapi.items)) {
        errs.push(...validateDownwardAPIFile(item, child(srcPath, 'downwardAPI')));
        notePath(str(item.path), str(item.path));
      }
    }
    const sat = obj(src.serviceAccountToken);
    if (sat) {
      n++;
      const sp = child(srcPath, 'serviceAccountToken');
      const exp = optNum(sat.expirationSeconds) ?? 3600;
      if (exp < 600) errs.push(invalidValue(child(sp, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(invalidValue(child(sp, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!str(sat.path)) errs.push(required(child(path, 'path')));
      else errs.push(...validateLocalNonReservedPath(str(sat.path), child(path, 'path')));
    }
    if (obj(src.clusterTrustBundle)) n++;
    if (n > 1) errs.push(forbiddenField(srcPath, 'may not specify more than 1 volume type per source'));
  }
  return errs;
}

function validateSourceBody(field: string, src: JsonObject, path: string, volName: string, podName: string | undefined): FieldError[] {
  const p = child(path, field);
  switch (field) {
    case 'emptyDir': {
      const limit = src.sizeLimit;
      if (limit !== undefined && limit !== null) {
        const q = quantityFromJSON(limit);
        if (q.ok && signOf(q.q) < 0) return [forbiddenField(child(p, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity')];
      }
      return [];
    }
    case 'hostPath':
      return validateHostPath(src, p);
    case 'gitRepo': {
      const errs = str(src.repository) ? [] : [required(child(p, 'repository'))];
      return [...errs, ...validateLocalDescendingPath(str(src.directory), child(p, 'directory'))];
    }
    case 'secret': {
      const errs = str(src.secretName) ? [] : [required(child(p, 'secretName'))];
      errs.push(...validateMode(src.defaultMode, child(p, 'defaultMode')));
      for (const [item, i] of objects(src.items)) errs.push(...validateKeyToPath(item, index(child(p, 'items'), i)));
      return errs;
    }
    case 'configMap': {
      const errs = str(src.name) ? [] : [required(child(p, 'name'))];
      errs.push(...validateMode(src.defaultMode, child(p, 'defaultMode')));
      for (const [item, i] of objects(src.items)) errs.push(...validateKeyToPath(item, index(child(p, 'items'), i)));
      return errs;
    }
    case 'persistentVolumeClaim':
      return str(src.claimName) ? [] : [required(child(p, 'claimName'))];
    case 'nfs':
      return validateNFS(src, p);
    case 'downwardAPI': {
      const errs = validateMode(src.defaultMode, child(p, 'defaultMode'));
      for (const [item] of objects(src.items)) errs.push(...validateDownwardAPIFile(item, p));
      return errs;
    }
    case 'projected':
      return validateProjected(src, p);
    case 'csi': {
      const errs = validateCSIDriverName(str(src.driver), child(p, 'driver'));
      const ref = obj(src.nodePublishSecretRef);
      if (ref) {
        if (!str(ref.name)) errs.push(required(child(p, 'nodePublishSecretRef', 'name')));
        else for (const m of nameIsDNSSubdomain(str(ref.name), false)) errs.push(invalidValue(child(p, 'name'), str(ref.name), m));
      }
      return errs;
    }
    case 'ephemeral': {
      const tmpl = obj(src.volumeClaimTemplate);
      if (!tmpl) return [required(child(p, 'volumeClaimTemplate'))];
      const tp = child(p, 'volumeClaimTemplate');
      const errs = [...validateTemplateObjectMeta(tmpl.metadata, child(tp, 'metadata')), ...validatePersistentVolumeClaimSpec(tmpl.spec, child(tp, 'spec'))];
      if (podName && volName) {
        const pvcName = `${podName}-${volName}`;
        for (const m of nameIsDNSSubdomain(pvcName, false)) errs.push(invalidValue(child(path, 'name'), volName, `PVC name ${JSON.stringify(pvcName)}: ${m}`));
      }
      return errs;
    }
    default:
      return [];
  }
}

/** validateVolumeSource: exactly one source, each one checked. */
export function validateVolumeSource(vol: JsonObject, path: string, volName: string, podName: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const s of SOURCES) {
    const src = obj(vol[s.field]);
    if (!src) continue;
    if (count > 0) {
      errs.push(forbiddenField(child(path, s.as ?? s.field), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSourceBody(s.field, src, path, volName, podName));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** What mounts need to know about the pod's valid volumes. */
export interface VolumeInfo {
  /** the volume is a persistentVolumeClaim or an ephemeral volume (may back a volumeDevice) */
  pvc: boolean;
  image: boolean;
}

/** ValidateVolumes: returns the valid volumes by name (an invalid one is left out, as Kubernetes does). */
export function validateVolumes(volumes: unknown, path: string, podName: string | undefined): { vols: Map<string, VolumeInfo>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const vols = new Map<string, VolumeInfo>();
  const createdPVCs = new Set<string>();
  if (podName) for (const [v] of objects(volumes)) if (obj(v.ephemeral)) createdPVCs.add(`${podName}-${str(v.name)}`);
  for (const [v, i] of objects(volumes)) {
    const p = index(path, i);
    const name = str(v.name);
    const el = validateVolumeSource(v, p, name, podName);
    if (!name) el.push(required(child(p, 'name')));
    else for (const m of isDNS1123Label(name)) el.push(invalidValue(child(p, 'name'), name, m));
    if (vols.has(name)) el.push(duplicate(child(p, 'name'), name));
    if (el.length === 0) vols.set(name, { pvc: !!obj(v.persistentVolumeClaim) || !!obj(v.ephemeral), image: !!obj(v.image) });
    else errs.push(...el);
    const claim = obj(v.persistentVolumeClaim);
    if (claim && createdPVCs.has(str(claim.claimName))) {
      errs.push(invalidValue(child(p, 'persistentVolumeClaim', 'claimName'), str(claim.claimName), 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  }
  return { vols, errs };
}

