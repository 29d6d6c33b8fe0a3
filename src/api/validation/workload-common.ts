// What Deployment, ReplicaSet, StatefulSet and DaemonSet validation share:
// the selector checks, the template-against-selector rule, the template
// rules for controllers (restartPolicy Always, no activeDeadlineSeconds), and
// status counters.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { goLabelSelector, goStringMap } from './go-syntax.js';
import { obj, optNum, str, strMap, type JsonObject } from './json-read.js';
import { invalidGo } from './more-errors.js';
import { child } from './path.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { selectorIsEmpty, selectorMatches, validateLabelSelector } from './selector.js';

export function nonNegative(v: unknown, path: string): FieldError[] {
  const n = optNum(v);
  return n !== undefined && n < 0 ? [invalidValue(path, n, 'must be greater than or equal to 0')] : [];
}

/**
 * The selector of a Deployment, ReplicaSet or StatefulSet: required, valid,
 * not empty. Returns whether it converts to a label selector (it does when it
 * has no errors of its own).
 */
export function validateWorkloadSelector(spec: JsonObject, kind: string, errs: FieldError[]): boolean {
  const sel = spec.selector;
  if (!obj(sel)) {
    errs.push(required('spec.selector'));
    return true; // a nil selector converts (to "nothing")
  }
  const selErrs = validateLabelSelector(sel, 'spec.selector');
  errs.push(...selErrs);
  if (selectorIsEmpty(sel)) errs.push(invalidGo('spec.selector', goLabelSelector(sel), `empty selector is invalid for ${kind}`));
  return selErrs.length === 0;
}

/** `selector` does not match template `labels` (skipped for an empty selector, which matches all). */
export function templateMatchesSelector(spec: JsonObject, errs: FieldError[]): void {
  const template = obj(spec.template) ?? {};
  const labels = obj(obj(template.metadata)?.labels);
  if (selectorIsEmpty(spec.selector)) return;
  if (!selectorMatches(spec.selector, strMap(labels))) {
    errs.push(invalidGo('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  }
}

/** The controller rules on a template's spec, after ValidatePodTemplateSpec (when `full`). */
export function validateControllerTemplate(spec: JsonObject, controller: string, full: boolean): FieldError[] {
  const template = obj(spec.template) ?? {};
  const ps = obj(template.spec) ?? {};
  const errs = full ? validatePodTemplateSpec(template, 'spec.template') : [];
  const rp = str(ps.restartPolicy);
  if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (ps.activeDeadlineSeconds !== undefined && ps.activeDeadlineSeconds !== null) {
    errs.push(forbiddenField('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${controller} is not Supported`));
  }
  return errs;
}

/** apps/v1 forbids changing spec.selector (the registry's check for every version but the old betas). */
export function selectorImmutable(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const a = obj(spec.selector);
  const b = obj(oldSpec.selector);
  const same = JSON.stringify(normaliseSelector(a)) === JSON.stringify(normaliseSelector(b));
  return same ? [] : [invalidGo('spec.selector', goLabelSelector(a), 'field is immutable')];
}

function normaliseSelector(s: JsonObject | undefined): unknown {
  if (!s) return null;
  const ml = strMap(s.matchLabels);
  const sorted = Object.fromEntries(Object.keys(ml).sort().map((k) => [k, ml[k]]));
  const exprs = Array.isArray(s.matchExpressions) ? s.matchExpressions : [];
  return { matchLabels: sorted, matchExpressions: exprs };
}

/** Status counters: non-negative, and not more than status.replicas where Kubernetes says so. */
export function validateReplicaCounters(status: JsonObject, fields: string[], capped: string[], readyCap?: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) errs.push(...nonNegative(status[f], child('status', f)));
  const replicas = optNum(status.replicas) ?? 0;
  for (const f of capped) {
    const v = optNum(status[f]) ?? 0;
    if (v > replicas) errs.push(invalidValue(child('status', f), v, 'cannot be greater than status.replicas'));
  }
  if (readyCap !== undefined) {
    const avail = optNum(status.availableReplicas) ?? 0;
    if (avail > (optNum(status.readyReplicas) ?? 0)) errs.push(invalidValue('status.availableReplicas', avail, readyCap));
  }
  return errs;
}

/** status.collisionCount may not decrease. */
export function collisionCountNotDecremented(status: JsonObject, oldStatus: JsonObject): FieldError[] {
  const n = optNum(status.collisionCount);
  const o = optNum(oldStatus.collisionCount);
  if (o === undefined || (n !== undefined && n >= o)) return [];
  return [invalidValue('status.collisionCount', n ?? 0, 'cannot be decremented')];
}
