// volumeMounts and volumeDevices of a container: each names a valid pod
// volume, paths are unique, subPaths stay inside the volume, and mount
// propagation is allowed (Bidirectional only for privileged containers).

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { obj, objects, optStr, str, type JsonObject } from './json-read.js';
import { notFound } from './more-errors.js';
import { child, index } from './path.js';
import { validateLocalDescendingPath, validatePathNoBacksteps, type VolumeInfo } from './volumes.js';

export function validateVolumeMounts(container: JsonObject, vols: Map<string, VolumeInfo>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const devices = new Map(objects(container.volumeDevices).map(([d]) => [str(d.name), str(d.devicePath)]));
  const devicePaths = new Set(devices.values());
  const mountpoints = new Set<string>();
  const privileged = obj(container.securityContext)?.privileged === true;
  for (const [m, i] of objects(container.volumeMounts)) {
    const p = index(path, i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (!name) errs.push(required(child(p, 'name')));
    if (!vols.has(name)) errs.push(notFound(child(p, 'name'), name));
    if (!mountPath) errs.push(required(child(p, 'mountPath')));
    if (mountpoints.has(mountPath)) errs.push(invalidValue(child(p, 'mountPath'), mountPath, 'must be unique'));
    mountpoints.add(mountPath);
    if (devices.has(name)) errs.push(invalidValue(child(p, 'name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(invalidValue(child(p, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(m.subPath);
    const subPathExpr = str(m.subPathExpr);
    if (vols.get(name)?.image) {
      if (subPath) errs.push(invalidValue(child(p, 'subPath'), subPath, 'not allowed in image volume sources'));
      if (subPathExpr) errs.push(invalidValue(child(p, 'subPathExpr'), subPathExpr, 'not allowed in image volume sources'));
    }
    // Kubernetes reports subPath problems on the list's path (no index).
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, child(path, 'subPath')));
    if (subPathExpr) {
      if (subPath) errs.push(invalidValue(child(p, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, child(path, 'subPathExpr')));
    }
    const prop = optStr(m.mountPropagation);
    if (prop !== undefined) {
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(prop)) errs.push(notSupported(child(path, 'mountPropagation'), prop, supported));
      if (prop === 'Bidirectional' && !privileged) {
        errs.push(forbiddenField(child(path, 'mountPropagation'), 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    const rro = optStr(m.recursiveReadOnly);
    if (rro !== undefined) {
      const rp = child(path, 'recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(forbiddenField(rp, 'may only be specified when readOnly is true'));
        if (prop !== undefined && prop !== 'None') errs.push(forbiddenField(rp, 'may only be specified when mountPropagation is None or not specified'));
      } else if (rro !== 'Disabled') {
        errs.push(notSupported(rp, rro, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  }
  return errs;
}

export function validateVolumeDevices(container: JsonObject, vols: Map<string, VolumeInfo>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mounts = new Map(objects(container.volumeMounts).map(([m]) => [str(m.name), str(m.mountPath)]));
  const mountPaths = new Set(mounts.values());
  const names = new Set<string>();
  const paths = new Set<string>();
  for (const [d, i] of objects(container.volumeDevices)) {
    const p = index(path, i);
    const name = str(d.name);
    const devicePath = str(d.devicePath);
    const vol = vols.get(name);
    if (!name) errs.push(required(child(p, 'name')));
    if (names.has(name)) errs.push(invalidValue(child(p, 'name'), name, 'must be unique'));
    if (vol && !vol.pvc) errs.push(invalidValue(child(p, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!vol) errs.push(notFound(child(p, 'name'), name));
    if (!devicePath) errs.push(required(child(p, 'devicePath')));
    if (paths.has(devicePath)) errs.push(invalidValue(child(p, 'devicePath'), devicePath, 'must be unique'));
    if (devicePath && validatePathNoBacksteps(devicePath, '').length > 0) {
      errs.push(invalidValue(child(p, 'devicePath'), devicePath, "can not contain backsteps ('..')"));
    } else {
      paths.add(devicePath);
    }
    if (mounts.has(name)) errs.push(invalidValue(child(p, 'name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(invalidValue(child(p, 'devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  }
  return errs;
}
