// Scheduling constraints in a pod spec and on nodes: node selector terms
// (also used by PV node affinity), pod (anti-)affinity terms, tolerations,
// taints and topology spread constraints.

import type { FieldError } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { arr, obj, objects, optNum, optStr, str, type JsonObject } from './json-read.js';
import { validateLabelName } from './meta.js';
import { duplicateGo } from './more-errors.js';
import { isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { child, index } from './path.js';
import { validateLabelSelector } from './selector.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateNodeSelectorRequirement(rq: JsonObject, allowInvalidValues: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = arr(rq.values).map(str);
  const op = str(rq.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbiddenField(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalidValue(child(path, 'operator'), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq.key), child(path, 'key')));
  if (!allowInvalidValues) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalidValue(index(child(path, 'values'), i), v, m));
    });
  }
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const op = str(rq.operator);
  const values = arr(rq.values).map(str);
  if (op === 'In' || op === 'NotIn') {
    if (values.length !== 1) errs.push(required(child(path, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalidValue(child(path, 'operator'), op, 'not a valid selector operator'));
  }
  if (str(rq.key) !== 'metadata.name') {
    errs.push(invalidValue(child(path, 'key'), str(rq.key), 'not a valid field selector key'));
  } else {
    values.forEach((v, i) => {
      for (const m of nameIsDNSSubdomain(v, false)) errs.push(invalidValue(index(child(path, 'values'), i), v, m));
    });
  }
  return errs;
}

export function validateNodeSelectorTerm(term: JsonObject, allowInvalidValues: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [rq, j] of objects(term.matchExpressions)) {
    errs.push(...validateNodeSelectorRequirement(rq, allowInvalidValues, index(child(path, 'matchExpressions'), j)));
  }
  for (const [rq, j] of objects(term.matchFields)) errs.push(...validateNodeFieldSelectorRequirement(rq, index(child(path, 'matchFields'), j)));
  return errs;
}

/** ValidateNodeSelector (a required node selector: at least one term). */
export function validateNodeSelector(ns: JsonObject, allowInvalidValues: boolean, path: string): FieldError[] {
  const termsPath = child(path, 'nodeSelectorTerms');
  if (arr(ns.nodeSelectorTerms).length === 0) return [required(termsPath, 'must have at least one node selector term')];
  const errs: FieldError[] = [];
  for (const [t, i] of objects(ns.nodeSelectorTerms)) errs.push(...validateNodeSelectorTerm(t, allowInvalidValues, index(termsPath, i)));
  return errs;
}

function validateLabelKeys(keys: unknown, sel: unknown, path: string): FieldError[] {
  const list = arr(keys).map(str);
  if (list.length === 0) return [];
  if (!obj(sel)) return [forbiddenField(path, 'must not be specified when labelSelector is not set')];
  const errs: FieldError[] = [];
  list.forEach((k, i) => errs.push(...validateLabelName(k, index(path, i))));
  return errs;
}

function validatePodAffinityTerm(term: JsonObject, path: string): FieldError[] {
  const errs = [
    ...validateLabelSelector(term.labelSelector, child(path, 'labelSelector')),
    ...validateLabelSelector(term.namespaceSelector, child(path, 'namespaceSelector')),
  ];
  for (const ns of arr(term.namespaces).map(str)) for (const m of nameIsDNSLabel(ns, false)) errs.push(invalidValue(child(path, 'namespace'), ns, m));
  errs.push(...validateLabelKeys(term.matchLabelKeys, term.labelSelector, child(path, 'matchLabelKeys')));
  errs.push(...validateLabelKeys(term.mismatchLabelKeys, term.labelSelector, child(path, 'mismatchLabelKeys')));
  const mismatch = new Set(arr(term.mismatchLabelKeys).map(str));
  arr(term.matchLabelKeys).map(str).forEach((k, i) => {
    if (mismatch.has(k)) errs.push(invalidValue(index(child(path, 'matchLabelKeys'), i), k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  const tk = str(term.topologyKey);
  if (!tk) errs.push(required(child(path, 'topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(tk, child(path, 'topologyKey')));
  return errs;
}

function validateWeight(w: unknown, path: string): FieldError[] {
  const n = optNum(w) ?? 0;
  return n <= 0 || n > 100 ? [invalidValue(path, n, 'must be in the range 1-100')] : [];
}

function validatePodAffinity(pa: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const reqPath = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  for (const [t, i] of objects(pa.requiredDuringSchedulingIgnoredDuringExecution)) errs.push(...validatePodAffinityTerm(t, index(reqPath, i)));
  const prefPath = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  for (const [w, i] of objects(pa.preferredDuringSchedulingIgnoredDuringExecution)) {
    errs.push(...validateWeight(w.weight, child(index(prefPath, i), 'weight')));
    errs.push(...validatePodAffinityTerm(obj(w.podAffinityTerm) ?? {}, child(index(prefPath, i), 'podAffinityTerm')));
  }
  return errs;
}

export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  const a = obj(affinity);
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = obj(a.nodeAffinity);
  if (na) {
    const np = child(path, 'nodeAffinity');
    const req = obj(na.requiredDuringSchedulingIgnoredDuringExecution);
    if (req) errs.push(...validateNodeSelector(req, false, child(np, 'requiredDuringSchedulingIgnoredDuringExecution')));
    const prefPath = child(np, 'preferredDuringSchedulingIgnoredDuringExecution');
    for (const [t, i] of objects(na.preferredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(...validateWeight(t.weight, child(index(prefPath, i), 'weight')));
      errs.push(...validateNodeSelectorTerm(obj(t.preference) ?? {}, true, child(index(prefPath, i), 'preference')));
    }
  }
  const pa = obj(a.podAffinity);
  if (pa) errs.push(...validatePodAffinity(pa, child(path, 'podAffinity')));
  const paa = obj(a.podAntiAffinity);
  if (paa) errs.push(...validatePodAffinity(paa, child(path, 'podAntiAffinity')));
  return errs;
}

/** ValidateTolerations */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [t, i] of objects(tolerations)) {
    const p = index(path, i);
    const k = str(t.key);
    const op = str(t.operator);
    const effect = str(t.effect);
    const value = str(t.value);
    if (k) errs.push(...validateLabelName(k, child(p, 'key')));
    if (!k && op !== 'Exists') {
      errs.push(invalidValue(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalidValue(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalidValue(child(p, 'operator'), value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(invalidValue(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(child(p, 'effect'), effect, TAINT_EFFECTS));
  }
  return errs;
}

/** validateNodeTaints */
export function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  for (const [t, i] of objects(taints)) {
    const p = index(path, i);
    const k = str(t.key);
    const effect = str(t.effect);
    errs.push(...validateLabelName(k, child(p, 'key')));
    const msgs = isValidLabelValue(str(t.value));
    if (msgs.length > 0) errs.push(invalidValue(child(p, 'value'), str(t.value), msgs.join(';')));
    if (!effect) errs.push(required(child(p, 'effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(child(p, 'effect'), effect, TAINT_EFFECTS));
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(k)) {
      const time = t.timeAdded ? '(*v1.Time)(0xc000000000)' : '(*v1.Time)(nil)';
      const v = `core.Taint{Key:${JSON.stringify(k)}, Value:${JSON.stringify(str(t.value))}, Effect:${JSON.stringify(effect)}, TimeAdded:${time}}`;
      errs.push(duplicateGo(p, v, 'taints must be unique by key and effect pair'));
      continue;
    }
    keys.add(k);
    unique.set(effect, keys);
  }
  return errs;
}

export function validateTopologySpreadConstraints(constraints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = objects(constraints);
  list.forEach(([c, i], pos) => {
    const p = index(path, i);
    const skew = optNum(c.maxSkew) ?? 0;
    if (skew <= 0) errs.push(invalidValue(child(p, 'maxSkew'), skew, 'must be greater than zero'));
    const tk = str(c.topologyKey);
    if (!tk) errs.push(required(child(p, 'topologyKey'), 'can not be empty'));
    const wu = str(c.whenUnsatisfiable);
    if (wu !== 'DoNotSchedule' && wu !== 'ScheduleAnyway') errs.push(notSupported(child(p, 'whenUnsatisfiable'), wu, ['DoNotSchedule', 'ScheduleAnyway']));
    if (list.slice(pos + 1).some(([o]) => str(o.topologyKey) === tk && str(o.whenUnsatisfiable) === wu)) {
      errs.push(duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${tk}, ${wu}}`));
    }
    const md = optNum(c.minDomains);
    if (md !== undefined) {
      if (md <= 0) errs.push(invalidValue(child(p, 'minDomains'), md, 'must be greater than zero'));
      if (wu !== 'DoNotSchedule') errs.push(invalidValue(child(p, 'minDomains'), md, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${wu}`));
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = optStr(c[f]);
      if (v !== undefined && v !== 'Honor' && v !== 'Ignore') errs.push(notSupported(child(p, f), v, ['Honor', 'Ignore']));
    }
    const keys = arr(c.matchLabelKeys).map(str);
    if (keys.length > 0) {
      const sel = obj(c.labelSelector);
      if (!sel) errs.push(forbiddenField(child(p, 'matchLabelKeys'), 'must not be specified when labelSelector is not set'));
      const selKeys = new Set([...Object.keys(obj(sel?.matchLabels) ?? {}), ...objects(sel?.matchExpressions).map(([e]) => str(e.key))]);
      keys.forEach((k, j) => {
        errs.push(...validateLabelName(k, index(child(p, 'matchLabelKeys'), j)));
        if (selKeys.has(k)) errs.push(invalidValue(index(child(p, 'matchLabelKeys'), j), k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, child(p, 'labelSelector')));
  });
  return errs;
}
