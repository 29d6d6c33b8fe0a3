// NodePool validation for create, update and status writes (registered in
// src/api/validation/rules.ts), with Kubernetes' field.Error wording:
//  - metadata.name a DNS-1123 label of at most 57 characters (node names are
//    `<pool>-<5 chars>`), cluster-scoped;
//  - spec: minNodes >= 0, maxNodes required, >= minNodes and <= 5000;
//    provider.type local|sim|exec, provider.exec required iff exec (argv
//    non-empty, argv[0] absolute); template labels (not the pool label),
//    taints (as a Node's), capacity (resource names, quantities >= 0);
//    percentages 0..100; durations Go duration strings, not negative (timeouts
//    positive);
//  - status (status writes only): counts >= 0, launching machines named as
//    Nodes are (unique, with `since`), metav1.Conditions.
// The whole spec is mutable. Runs after defaulting; never throws on odd JSON.

import { duplicate, forbiddenField, invalidValue, notSupported, required, type FieldError } from '../field-errors.js';
import type { KObject } from '../object.js';
import { arr, obj, objects, optNum, str, type JsonObject } from '../validation/json-read.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../validation/meta.js';
import { inclusiveRangeError, isDNS1123Subdomain, maxLenError, nameIsDNSLabel, type NameFn } from '../validation/names.js';
import { child, index, key } from '../validation/path.js';
import { readQuantity, validateResourceName, validateResourceQuantityValue } from '../validation/resources.js';
import { validateTaints } from '../validation/scheduling.js';
import { validateConditions } from './conditions.js';
import { parseSignedDuration } from './duration.js';
import { LABEL_NODEPOOL, type ProviderType } from './types.js';

/** A pool's nodes are `<pool>-<5 chars>`: the pool name leaves room for the suffix in a 63-character label. */
export const MAX_NODEPOOL_NAME_LENGTH = 57;
export const MAX_NODES_LIMIT = 5000;
export const PROVIDER_TYPES: readonly ProviderType[] = ['exec', 'local', 'sim'];
export const DURATION_ERROR = 'must be a duration such as 30s, 5m or 1h';

/** NameIsDNSLabel, with the 57-character limit in place of 63. */
export const nodePoolName: NameFn = (name, prefix) => {
  const msgs = nameIsDNSLabel(name, prefix).filter((m) => m !== maxLenError(63));
  if (Buffer.byteLength(name, 'utf8') > MAX_NODEPOOL_NAME_LENGTH) msgs.unshift(maxLenError(MAX_NODEPOOL_NAME_LENGTH));
  return msgs;
};

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function nonNegative(v: unknown, path: string): FieldError[] {
  const n = optNum(v);
  return n !== undefined && n < 0 ? [invalidValue(path, n, 'must be greater than or equal to 0')] : [];
}

function percent(v: unknown, path: string): FieldError[] {
  const n = optNum(v);
  return n !== undefined && (n < 0 || n > 100) ? [invalidValue(path, n, inclusiveRangeError(0, 100))] : [];
}

/** A Go duration string; negative never, zero only when `positive` is false. Absent is fine (defaults fill it). */
function duration(v: unknown, path: string, positive: boolean): FieldError[] {
  if (!present(v) || typeof v !== 'string') return [];
  const ms = parseSignedDuration(v);
  if (ms === undefined) return [invalidValue(path, v, DURATION_ERROR)];
  if (positive && ms <= 0) return [invalidValue(path, v, 'must be greater than 0')];
  if (ms < 0) return [invalidValue(path, v, 'must be greater than or equal to 0')];
  return [];
}

function validateArgv(v: unknown, path: string): FieldError[] {
  const args = arr(v);
  if (args.length === 0) return [required(path)];
  const first = str(args[0]);
  return first.startsWith('/') ? [] : [invalidValue(index(path, 0), first, 'must be an absolute path')];
}

function validateProvider(provider: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(provider.type);
  if (type === '') errs.push(required(child(path, 'type')));
  else if (!(PROVIDER_TYPES as readonly string[]).includes(type)) errs.push(notSupported(child(path, 'type'), type, [...PROVIDER_TYPES]));
  const exec = obj(provider.exec);
  const execPath = child(path, 'exec');
  if (type === 'exec') {
    if (!exec) errs.push(required(execPath));
    else {
      errs.push(...validateArgv(exec.create, child(execPath, 'create')));
      errs.push(...validateArgv(exec.delete, child(execPath, 'delete')));
      errs.push(...duration(exec.timeout, child(execPath, 'timeout'), true));
    }
  } else if (present(provider.exec) && type !== '') {
    errs.push(forbiddenField(execPath, `may only be set when ${child(path, 'type')} is "exec"`));
  }
  return errs;
}

function validateTemplate(template: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const labelsPath = child(path, 'metadata', 'labels');
  const labels = obj(obj(template.metadata)?.labels);
  errs.push(...validateLabels(labels, labelsPath));
  if (labels && Object.hasOwn(labels, LABEL_NODEPOOL)) {
    errs.push(forbiddenField(key(labelsPath, LABEL_NODEPOOL), "set by hale to the pool's name"));
  }
  const spec = obj(template.spec) ?? {};
  errs.push(...validateTaints(spec.taints, child(path, 'spec', 'taints')));
  for (const [name, raw] of Object.entries(obj(spec.capacity) ?? {})) {
    const p = child(path, 'spec', 'capacity', name);
    errs.push(...validateResourceName(name, p));
    const q = readQuantity(raw, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, p));
  }
  return errs;
}

function validateSpec(pool: KObject): FieldError[] {
  const spec = obj(pool.spec) ?? {};
  const errs: FieldError[] = [];
  const min = optNum(spec.minNodes);
  const max = optNum(spec.maxNodes);
  errs.push(...nonNegative(min, 'spec.minNodes'));
  if (max === undefined) errs.push(required('spec.maxNodes'));
  else if (max < 0) errs.push(...nonNegative(max, 'spec.maxNodes'));
  else if (min !== undefined && min >= 0 && max < min) errs.push(invalidValue('spec.maxNodes', max, 'must be greater than or equal to spec.minNodes'));
  else if (max > MAX_NODES_LIMIT) errs.push(invalidValue('spec.maxNodes', max, `must be less than or equal to ${MAX_NODES_LIMIT}`));
  errs.push(...validateProvider(obj(spec.provider) ?? {}, 'spec.provider'));
  errs.push(...validateTemplate(obj(spec.template) ?? {}, 'spec.template'));
  const scaleDown = obj(spec.scaleDown) ?? {};
  errs.push(...percent(scaleDown.utilizationThreshold, 'spec.scaleDown.utilizationThreshold'));
  errs.push(...duration(scaleDown.unneededFor, 'spec.scaleDown.unneededFor', false));
  const repair = obj(spec.repair) ?? {};
  errs.push(...duration(repair.after, 'spec.repair.after', false));
  errs.push(...percent(repair.maxUnhealthyPercent, 'spec.repair.maxUnhealthyPercent'));
  errs.push(...duration(spec.provisionTimeout, 'spec.provisionTimeout', true));
  return errs;
}

function validateStatus(pool: KObject): FieldError[] {
  const status = obj(pool.status) ?? {};
  const errs: FieldError[] = [];
  for (const f of ['observedGeneration', 'nodes', 'readyNodes']) errs.push(...nonNegative(status[f], `status.${f}`));
  const names = new Set<string>();
  for (const [m, i] of objects(status.launching)) {
    const p = index('status.launching', i);
    const name = str(m.name);
    if (name === '') errs.push(required(child(p, 'name')));
    else {
      for (const msg of isDNS1123Subdomain(name)) errs.push(invalidValue(child(p, 'name'), name, msg));
      if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    if (str(m.since) === '') errs.push(required(child(p, 'since')));
  }
  errs.push(...validateConditions(status.conditions, 'status.conditions'));
  return errs;
}

export function validateNodePoolCreate(pool: KObject): FieldError[] {
  return [...validateObjectMeta(pool.metadata, { nameFn: nodePoolName, namespaced: false }), ...validateSpec(pool)];
}

export function validateNodePoolUpdate(pool: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(pool.metadata, old.metadata), ...validateSpec(pool)];
}

/** A status write: the registry has already kept the stored spec, so only metadata and status are checked. */
export function validateNodePoolStatusUpdate(pool: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(pool.metadata, old.metadata), ...validateStatus(pool)];
}
