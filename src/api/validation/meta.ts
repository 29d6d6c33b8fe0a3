// ObjectMeta validation on create and update (apimachinery's ValidateObjectMeta
// and ValidateObjectMetaUpdate plus core's finalizer-name rule): name format per
// kind, namespace, labels, annotations, ownerReferences, finalizers, and the
// fields an update may not change.
//
// Where the Kubernetes registry fills a field from the stored object before it
// validates (uid, deletionTimestamp, deletionGracePeriodSeconds left empty by a
// client, resourceVersion for unconditional updates), an empty new value is
// treated as "carried over", so `kubectl replace` of a manifest is not refused.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, immutable, invalidValue, required, tooLong } from '../field-errors.js';
import type { ObjectMeta } from '../object.js';
import { goStringSlice } from './go-syntax.js';
import { arr, obj, optNum, str } from './json-read.js';
import { invalidGo } from './more-errors.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameFn } from './names.js';
import { child, index } from './path.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** ValidateLabelName: a label key is a qualified name. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => invalidValue(path, name, m));
}

/** ValidateLabels: keys are qualified names, values label values; errors sit on the map's path. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const o = obj(labels);
  if (!o) return errs;
  for (const [k, v] of Object.entries(o)) {
    errs.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(str(v))) errs.push(invalidValue(path, str(v), m));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive); all keys and values together ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const o = obj(annotations);
  if (!o) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(o)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(str(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function goOwnerReference(ref: Record<string, unknown>): string {
  const ptr = (v: unknown): string => (v === undefined || v === null ? '(*bool)(nil)' : '(*bool)(0xc000000000)');
  return (
    `v1.OwnerReference{APIVersion:${JSON.stringify(str(ref.apiVersion))}, Kind:${JSON.stringify(str(ref.kind))}, ` +
    `Name:${JSON.stringify(str(ref.name))}, UID:${JSON.stringify(str(ref.uid))}, Controller:${ptr(ref.controller)}, ` +
    `BlockOwnerDeletion:${ptr(ref.blockOwnerDeletion)}}`
  );
}

/** schema.ParseGroupVersion as FromAPIVersionAndKind uses it: a bad apiVersion yields no version. */
function versionOf(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '' };
  return { group: '', version: '' };
}

/** ValidateOwnerReferences: errors name the list's path without an index, as Kubernetes does. */
export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  const list = arr(refs);
  for (const r of list) {
    const ref = obj(r) ?? {};
    const apiVersion = str(ref.apiVersion);
    const gv = versionOf(apiVersion);
    const kind = str(ref.kind);
    if (!gv.version) errs.push(invalidValue(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!kind) errs.push(invalidValue(child(path, 'kind'), kind, 'kind must not be empty'));
    if (!str(ref.name)) errs.push(invalidValue(child(path, 'name'), str(ref.name), 'name must not be empty'));
    if (!str(ref.uid)) errs.push(invalidValue(child(path, 'uid'), str(ref.uid), 'uid must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(invalidGo(path, goOwnerReference(ref), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const cur = `${kind}/${str(ref.name)}`;
      if (firstController) {
        const all = `[]v1.OwnerReference{${list.map((x) => goOwnerReference(obj(x) ?? {})).join(', ')}}`;
        errs.push(
          invalidGo(path, all, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** ValidateFinalizers (qualified names, on the list's path) plus core's rule that a bare name must be a standard one. */
export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(finalizers).map(str);
  for (const f of list) for (const m of isQualifiedName(f)) errs.push(invalidValue(path, f, m));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalidGo(path, goStringSlice(list), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  errs.push(...validateKubeFinalizerNames(list, path));
  return errs;
}

/** validateKubeFinalizerName: a bare name must be a standard one (`foo` is refused, `example.com/foo` and `kubernetes` are fine). */
export function validateKubeFinalizerName(f: string, path: string): FieldError[] {
  return f.split('/').length === 1 && !STANDARD_FINALIZERS.has(f)
    ? [invalidValue(path, f, 'name is neither a standard finalizer name nor is it fully qualified')]
    : [];
}

export function validateKubeFinalizerNames(list: string[], path: string): FieldError[] {
  return list.flatMap((f, i) => validateKubeFinalizerName(f, index(path, i)));
}

function nonNegative(value: unknown, path: string): FieldError[] {
  const n = optNum(value);
  return n !== undefined && n < 0 ? [invalidValue(path, n, 'must be greater than or equal to 0')] : [];
}

export interface MetaOptions {
  /** the kind's ValidateNameFunc */
  nameFn: NameFn;
  /** namespaced kinds require metadata.namespace; cluster-scoped ones forbid it */
  namespaced: boolean;
}

/** ValidateObjectMeta on create. `generateName` without `name` is fine: the name is generated before storage. */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: MetaOptions, path = 'metadata'): FieldError[] {
  const m: ObjectMeta = meta ?? {};
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  const name = str(m.name);
  if (generateName) {
    for (const msg of opts.nameFn(generateName, true)) errs.push(invalidValue(child(path, 'generateName'), generateName, msg));
  }
  if (!name) {
    if (!generateName) errs.push(required(child(path, 'name'), 'name or generateName is required'));
  } else {
    for (const msg of opts.nameFn(name, false)) errs.push(invalidValue(child(path, 'name'), name, msg));
  }
  const ns = str(m.namespace);
  if (opts.namespaced) {
    if (!ns) errs.push(required(child(path, 'namespace')));
    else for (const msg of nameIsDNSLabel(ns, false)) errs.push(invalidValue(child(path, 'namespace'), ns, msg));
  } else if (ns) {
    errs.push(forbiddenField(child(path, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...nonNegative(m.generation, child(path, 'generation')));
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, child(path, 'finalizers')));
  return errs;
}

/** metav1.Time printed by %v ("2024-05-01 10:00:00 +0000 UTC"), or null. */
function goTime(v: unknown): string {
  const s = str(v);
  const d = new Date(s);
  if (!s || Number.isNaN(d.getTime())) return 'null';
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** ValidateObjectMetaUpdate (with core's finalizer-name rule). */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const m: ObjectMeta = meta ?? {};
  const o: ObjectMeta = old ?? {};
  const errs: FieldError[] = [];
  const newFinalizers = arr(m.finalizers).map(str);
  if (o.deletionTimestamp) {
    const oldSet = new Set(arr(o.finalizers).map(str));
    const extra = [...new Set(newFinalizers.filter((f) => !oldSet.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(
        forbiddenField(
          child(path, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }
  if (str(m.name) !== str(o.name)) errs.push(immutable(child(path, 'name'), str(m.name)));
  if (str(m.namespace) !== str(o.namespace)) errs.push(immutable(child(path, 'namespace'), str(m.namespace)));
  if (m.uid && m.uid !== str(o.uid)) errs.push(immutable(child(path, 'uid'), m.uid));
  if (m.deletionTimestamp && !o.deletionTimestamp) {
    errs.push(invalidGo(child(path, 'deletionTimestamp'), goTime(m.deletionTimestamp), 'field is immutable'));
  }
  const newGrace = optNum(m.deletionGracePeriodSeconds);
  const oldGrace = optNum(o.deletionGracePeriodSeconds);
  if (newGrace !== undefined && newGrace !== oldGrace) errs.push(immutable(child(path, 'deletionGracePeriodSeconds'), newGrace));
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateKubeFinalizerNames(newFinalizers, child(path, 'finalizers')));
  return errs;
}

/** ValidateTemplateObjectMeta (PVC templates of ephemeral volumes): only labels and annotations may be set. */
export function validateTemplateObjectMeta(meta: unknown, path: string): FieldError[] {
  const m = obj(meta) ?? {};
  const errs = [...validateAnnotations(m.annotations, child(path, 'annotations')), ...validateLabels(m.labels, child(path, 'labels'))];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'labels' || k === 'annotations' || v === null || v === undefined) continue;
    errs.push(forbiddenField(child(path, k), 'cannot be set'));
  }
  return errs;
}

