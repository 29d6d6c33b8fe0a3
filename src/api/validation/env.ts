// Container environment: `env` (names, and valueFrom with exactly one source)
// and `envFrom` (a ConfigMap or a Secret, with an optional prefix). Names use
// the relaxed rule that is the default in 1.32 (any printable ASCII but '=').

import type { FieldError } from '../field-errors.js';
import { invalidValue, notSupported, required } from '../field-errors.js';
import { obj, objects, str, type JsonObject } from './json-read.js';
import { isConfigMapKey, isQualifiedName, isRelaxedEnvVarName, nameIsDNSSubdomain } from './names.js';
import { child, index } from './path.js';

/** Field paths the downward API can convert for apiVersion v1 (ConvertDownwardAPIFieldLabel). */
const CONVERTIBLE = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid',
  'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName',
  'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);
export const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

/** validateObjectFieldSelector (fieldRef) against the allowed expressions. */
export function validateObjectFieldSelector(fs: JsonObject, allowed: string[], path: string): FieldError[] {
  const apiVersion = str(fs.apiVersion);
  const fieldPath = str(fs.fieldPath);
  if (!apiVersion) return [required(child(path, 'apiVersion'))];
  if (!fieldPath) return [required(child(path, 'fieldPath'))];
  const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath);
  let conversionError = '';
  if (apiVersion !== 'v1') conversionError = `unsupported pod version: ${apiVersion}`;
  else if (!sub && !CONVERTIBLE.has(fieldPath)) conversionError = `field label not supported: ${fieldPath}`;
  if (conversionError) return [invalidValue(child(path, 'fieldPath'), fieldPath, `error converting fieldPath: ${conversionError}`)];
  if (sub) {
    const subscript = sub[2] ?? '';
    const name = sub[1] === 'metadata.annotations' ? subscript.toLowerCase() : subscript;
    return isQualifiedName(name).map((m) => invalidValue(path, name, m));
  }
  return allowed.includes(fieldPath) ? [] : [notSupported(child(path, 'fieldPath'), fieldPath, allowed)];
}

function validateKeySelector(s: JsonObject, path: string): FieldError[] {
  const errs = nameIsDNSSubdomain(str(s.name), false).map((m) => invalidValue(child(path, 'name'), str(s.name), m));
  const k = str(s.key);
  if (!k) errs.push(required(child(path, 'key')));
  else for (const m of isConfigMapKey(k)) errs.push(invalidValue(child(path, 'key'), k, m));
  return errs;
}

function validateValueFrom(ev: JsonObject, path: string): FieldError[] {
  const vf = obj(ev.valueFrom);
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  const fieldRef = obj(vf.fieldRef);
  if (fieldRef) {
    n++;
    errs.push(...validateObjectFieldSelector(fieldRef, ENV_FIELD_PATHS, child(path, 'fieldRef')));
  }
  const rf = obj(vf.resourceFieldRef);
  if (rf) {
    n++;
    const res = str(rf.resource);
    if (!res) errs.push(required(child(path, 'resourceFieldRef', 'resource')));
    else if (!RESOURCE_FIELD_PATHS.includes(res) && !res.startsWith('requests.hugepages-') && !res.startsWith('limits.hugepages-')) {
      errs.push(notSupported(child(path, 'resourceFieldRef', 'resource'), res, RESOURCE_FIELD_PATHS));
    }
  }
  for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const sel = obj(vf[kind]);
    if (!sel) continue;
    n++;
    errs.push(...validateKeySelector(sel, child(path, kind)));
  }
  if (n === 0) errs.push(invalidValue(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value)) errs.push(invalidValue(path, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(invalidValue(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** ValidateEnv */
export function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [ev, i] of objects(env)) {
    const p = index(path, i);
    const name = str(ev.name);
    if (!name) errs.push(required(child(p, 'name')));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(invalidValue(child(p, 'name'), name, m));
    errs.push(...validateValueFrom(ev, child(p, 'valueFrom')));
  }
  return errs;
}

/** ValidateEnvFrom */
export function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [ev, i] of objects(envFrom)) {
    const p = index(path, i);
    const prefix = str(ev.prefix);
    if (prefix) for (const m of isRelaxedEnvVarName(prefix)) errs.push(invalidValue(child(p, 'prefix'), prefix, m));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = obj(ev[kind]);
      if (!ref) continue;
      n++;
      const name = str(ref.name);
      if (!name) errs.push(required(child(p, kind, 'name')));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(invalidValue(child(p, kind, 'name'), name, m));
    }
    if (n === 0) errs.push(invalidValue(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalidValue(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}
