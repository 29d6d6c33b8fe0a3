// storage.k8s.io/v1 VolumeAttachment validation: attacher (a CSI driver name),
// exactly one source, node name, status sizes; the spec never changes.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, required, tooLong } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goStruct } from './go-syntax.js';
import { obj, optStr, semanticEqual, str, strMap, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateCSIDriverName } from './volumes.js';

function validateStatus(va: KObject): FieldError[] {
  const status = obj(va.status) ?? {};
  const errs: FieldError[] = [];
  const meta = strMap(status.attachmentMetadata);
  const size = Object.entries(meta).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > 256 * 1024) errs.push(tooLong('status.attachmentMetadata', 256 * 1024));
  for (const e of ['attachError', 'detachError']) {
    const ve: JsonObject | undefined = obj(status[e]);
    if (ve && str(ve.message).length > 1024) errs.push(tooLong(`status.${e}.message`, 256 * 1024));
  }
  return errs;
}

export function validateVolumeAttachmentCreate(va: KObject): FieldError[] {
  const spec = obj(va.spec) ?? {};
  const errs = validateObjectMeta(va.metadata, { nameFn: nameIsDNSSubdomain, namespaced: false });
  if (!str(spec.attacher)) errs.push(required('spec.attacher'));
  const source = obj(spec.source) ?? {};
  const pv = optStr(source.persistentVolumeName);
  const inline = obj(source.inlineVolumeSpec);
  if (!inline && pv === undefined) errs.push(required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (inline && pv !== undefined) errs.push(forbiddenField('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (pv !== undefined && pv === '') errs.push(required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  for (const m of nameIsDNSSubdomain(str(spec.nodeName), false)) errs.push(invalidValue('spec.nodeName', str(spec.nodeName), m));
  errs.push(...validateStatus(va));
  // ValidateVolumeAttachmentV1
  errs.push(...validateCSIDriverName(str(spec.attacher), 'spec.attacher'));
  if (pv) for (const m of nameIsDNSSubdomain(pv, false)) errs.push(invalidValue('spec.source.persistentVolumeName', pv, m));
  return errs;
}

export function validateVolumeAttachmentUpdate(va: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(va.metadata, old.metadata), ...validateVolumeAttachmentCreate(va)];
  if (!semanticEqual(va.spec, old.spec)) errs.push(invalidGo('spec', goStruct('storage.VolumeAttachmentSpec', va.spec), 'field is immutable'));
  return errs;
}

export function validateVolumeAttachmentStatusUpdate(va: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(va.metadata, old.metadata), ...validateStatus(va)];
}
