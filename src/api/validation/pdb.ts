// policy/v1 PodDisruptionBudget validation: minAvailable xor maxUnavailable,
// each a count or a percentage ≤100%, a valid selector, the eviction policy.
// The spec is mutable; metadata follows the usual update rules.

import type { FieldError } from '../field-errors.js';
import { invalidValue, notSupported } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goLabelSelector } from './go-syntax.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { obj, optStr, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateLabelSelector } from './selector.js';

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function goSpec(spec: JsonObject): string {
  const ptr = (v: unknown): string => (present(v) ? `(*intstr.IntOrString)(0xc000000000)` : '(*intstr.IntOrString)(nil)');
  return `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr(spec.minAvailable)}, Selector:${present(spec.selector) ? `&${goLabelSelector(spec.selector)}` : '(*v1.LabelSelector)(nil)'}, MaxUnavailable:${ptr(spec.maxUnavailable)}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}`;
}

function validatePDBSpec(pdb: KObject): FieldError[] {
  const spec = obj(pdb.spec) ?? {};
  const errs: FieldError[] = [];
  if (present(spec.minAvailable) && present(spec.maxUnavailable)) errs.push(invalidGo('spec', goSpec(spec), 'minAvailable and maxUnavailable cannot be both set'));
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (!present(spec[f])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`), ...isNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = optStr(spec.unhealthyPodEvictionPolicy);
  if (policy !== undefined && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget') {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

export function validatePDBCreate(pdb: KObject): FieldError[] {
  return [...validateObjectMeta(pdb.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true }), ...validatePDBSpec(pdb)];
}

export function validatePDBUpdate(pdb: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(pdb.metadata, old.metadata), ...validatePDBCreate(pdb)];
}


export function validatePDBStatusUpdate(pdb: KObject, old: KObject): FieldError[] {
  const status = obj(pdb.status) ?? {};
  const errs = validateObjectMetaUpdate(pdb.metadata, old.metadata);
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
    const v = status[f];
    if (typeof v === 'number' && v < 0) errs.push(invalidValue(`status.${f}`, v, 'must be greater than or equal to 0'));
  }
  return errs;
}
