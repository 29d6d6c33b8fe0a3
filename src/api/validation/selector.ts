// metav1.LabelSelector: validation (ValidateLabelSelector) and matching
// (LabelSelectorAsSelector + Matches), as the workload validators use them:
// a nil selector selects nothing, an empty one selects everything.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, required } from '../field-errors.js';
import { arr, obj, objects, str, strMap } from './json-read.js';
import { validateLabelName, validateLabels } from './meta.js';
import { isValidLabelValue } from './names.js';
import { child, index } from './path.js';

export interface SelectorOptions {
  allowInvalidLabelValue?: boolean;
}

export function validateLabelSelectorRequirement(req: Record<string, unknown>, path: string, opts: SelectorOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  const op = str(req.operator);
  const values = arr(req.values).map(str);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbiddenField(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalidValue(child(path, 'operator'), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(req.key), child(path, 'key')));
  if (!opts.allowInvalidLabelValue) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalidValue(index(child(path, 'values'), i), v, m));
    });
  }
  return errs;
}

/** ValidateLabelSelector; a missing selector is valid here (callers decide whether it is required). */
export function validateLabelSelector(sel: unknown, path: string, opts: SelectorOptions = {}): FieldError[] {
  const s = obj(sel);
  if (!s) return [];
  const errs = validateLabels(s.matchLabels, child(path, 'matchLabels'));
  for (const [req, i] of objects(s.matchExpressions)) {
    errs.push(...validateLabelSelectorRequirement(req, index(child(path, 'matchExpressions'), i), opts));
  }
  return errs;
}

/** True for `{}`: no matchLabels and no matchExpressions (selects everything). */
export function selectorIsEmpty(sel: unknown): boolean {
  const s = obj(sel);
  if (!s) return false;
  return Object.keys(strMap(s.matchLabels)).length + arr(s.matchExpressions).length === 0;
}

/** LabelSelectorAsSelector(sel).Matches(labels). A missing selector matches nothing. */
export function selectorMatches(sel: unknown, labels: Record<string, string>): boolean {
  const s = obj(sel);
  if (!s) return false;
  for (const [k, v] of Object.entries(strMap(s.matchLabels))) if (labels[k] !== v) return false;
  for (const [req] of objects(s.matchExpressions)) {
    const k = str(req.key);
    const values = arr(req.values).map(str);
    const has = Object.prototype.hasOwnProperty.call(labels, k);
    const val = labels[k];
    switch (str(req.operator)) {
      case 'In':
        if (!has || val === undefined || !values.includes(val)) return false;
        break;
      case 'NotIn':
        if (has && val !== undefined && values.includes(val)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
