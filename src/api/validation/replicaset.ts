// ReplicaSet (apps/v1) validation: ValidateReplicaSet, ValidateReplicaSetUpdate
// (plus the apps/v1 selector immutability), ValidateReplicaSetStatusUpdate.

import type { FieldError } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goLabelSelector } from './go-syntax.js';
import { obj, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';
import {
  nonNegative, selectorImmutable, templateMatchesSelector, validateControllerTemplate, validateReplicaCounters, validateWorkloadSelector,
} from './workload-common.js';

function validateReplicaSetSpec(spec: JsonObject): FieldError[] {
  const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  // Kubernetes' ReplicaSet validation says "deployment" here too.
  const converts = validateWorkloadSelector(spec, 'deployment', errs);
  if (!converts) {
    errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'invalid label selector'));
  } else {
    templateMatchesSelector(spec, errs);
    errs.push(...validateControllerTemplate(spec, 'ReplicaSet', true));
  }
  return errs;
}

export function validateReplicaSetCreate(rs: KObject): FieldError[] {
  return [...validateObjectMeta(rs.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true }), ...validateReplicaSetSpec(obj(rs.spec) ?? {})];
}

export function validateReplicaSetUpdate(rs: KObject, old: KObject): FieldError[] {
  const spec = obj(rs.spec) ?? {};
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...validateReplicaSetSpec(spec), ...selectorImmutable(spec, obj(old.spec) ?? {})];
}

export function validateReplicaSetStatusUpdate(rs: KObject, old: KObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaCounters(
      obj(rs.status) ?? {},
      ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
      ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
      'cannot be greater than readyReplicas',
    ),
  ];
}
