// coordination.k8s.io/v1 Lease validation: a positive leaseDurationSeconds,
// non-negative leaseTransitions, preferredHolder only with a strategy.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue } from '../field-errors.js';
import type { KObject } from '../object.js';
import { obj, optNum, str } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';

function validateLeaseSpec(lease: KObject): FieldError[] {
  const spec = obj(lease.spec) ?? {};
  const errs: FieldError[] = [];
  const dur = optNum(spec.leaseDurationSeconds);
  if (dur !== undefined && dur <= 0) errs.push(invalidValue('spec.leaseDurationSeconds', dur, 'must be greater than 0'));
  const tr = optNum(spec.leaseTransitions);
  if (tr !== undefined && tr < 0) errs.push(invalidValue('spec.leaseTransitions', tr, 'must be greater than or equal to 0'));
  if (str(spec.preferredHolder) && !str(spec.strategy)) errs.push(forbiddenField('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  return errs;
}

export function validateLeaseCreate(lease: KObject): FieldError[] {
  return [...validateObjectMeta(lease.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true }), ...validateLeaseSpec(lease)];
}

export function validateLeaseUpdate(lease: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(lease.metadata, old.metadata), ...validateLeaseSpec(lease)];
}
