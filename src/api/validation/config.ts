// ConfigMap and Secret validation: key names, the 1 MiB size limit, the keys
// typed Secrets must carry, and `immutable: true` (data, binaryData and the
// flag itself frozen; a Secret's type never changes).

import type { FieldError } from '../field-errors.js';
import { forbiddenField, immutable, invalidValue, required, tooLong } from '../field-errors.js';
import type { KObject } from '../object.js';
import { obj, semanticEqual, str, strMap } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.js';
import { key } from './path.js';

export const MAX_SECRET_SIZE = 1024 * 1024;

/** Bytes of a base64 value (Secret data, ConfigMap binaryData are base64 in JSON). */
function decodedLength(b64: string): number {
  return Buffer.from(b64, 'base64').length;
}

export function validateConfigMapCreate(cm: KObject): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true });
  const data = strMap(cm.data);
  const binary = strMap(cm.binaryData);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalidValue(key('data', k), k, m));
    if (k in binary) errs.push(invalidValue(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(invalidValue(key('binaryData', k), k, m));
    total += decodedLength(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  return errs;
}

function immutableData(o: KObject, old: KObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (o.immutable !== true) errs.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) if (!semanticEqual(o[f], old[f])) errs.push(forbiddenField(f, 'field is immutable when `immutable` is set'));
  return errs;
}

export function validateConfigMapUpdate(cm: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(cm.metadata, old.metadata), ...immutableData(cm, old, ['data', 'binaryData']), ...validateConfigMapCreate(cm)];
}

function jsonObjectError(b64: string | undefined): string | undefined {
  if (b64 === undefined) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return obj(parsed) ? undefined : 'json: cannot unmarshal into Go value of type map[string]interface {}';
  } catch (e) {
    // JSON.parse's message stands in for Go's encoding/json error text.
    return e instanceof Error ? e.message : String(e);
  }
}

export function validateSecretCreate(secret: KObject): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true });
  const data = strMap(secret.data);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalidValue(key('data', k), k, m));
    total += decodedLength(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k);
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (!strMap(secret.metadata?.annotations)['kubernetes.io/service-account.name']) {
        errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const k = str(secret.type) === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(k)) {
        errs.push(required(key('data', k)));
        break;
      }
      const bad = jsonObjectError(data[k]);
      if (bad) errs.push(invalidValue(key('data', k), '<secret contents redacted>', bad));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required(key('data', 'username')), required(key('data', 'password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (decodedLength(data['ssh-privatekey'] ?? '') === 0) errs.push(required(key('data', 'ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(key('data', 'tls.crt')));
      if (!has('tls.key')) errs.push(required(key('data', 'tls.key')));
      break;
    default:
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata);
  if (str(secret.type) !== str(old.type)) errs.push(immutable('type', str(secret.type)));
  errs.push(...immutableData(secret, old, ['data']));
  errs.push(...validateSecretCreate(secret));
  return errs;
}
