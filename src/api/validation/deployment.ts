// Deployment (apps/v1) validation: ValidateDeployment, ValidateDeploymentUpdate
// (plus the apps/v1 selector immutability), ValidateDeploymentStatusUpdate.

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goIntOrString, goLabelSelector, goPointer } from './go-syntax.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { obj, optNum, str, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo, notSupportedGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';
import {
  collisionCountNotDecremented, nonNegative, selectorImmutable, templateMatchesSelector, validateControllerTemplate,
  validateReplicaCounters, validateWorkloadSelector,
} from './workload-common.js';

function validateStrategy(strategy: JsonObject): FieldError[] {
  const path = 'spec.strategy';
  const type = str(strategy.type);
  const ru = obj(strategy.rollingUpdate);
  switch (type) {
    case 'Recreate':
      return ru ? [forbiddenField(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      if (!ru) return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const p = `${path}.rollingUpdate`;
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
      ];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalidGo(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      return errs;
    }
    default:
      return [
        notSupportedGo(path, `apps.DeploymentStrategy{Type:${JSON.stringify(type)}, RollingUpdate:${goPointer('apps.RollingUpdateDeployment', !!ru)}}`, [
          'Recreate',
          'RollingUpdate',
        ]),
      ];
  }
}

/** ValidateDeploymentSpec */
function validateDeploymentSpec(spec: JsonObject): FieldError[] {
  const errs = nonNegative(spec.replicas, 'spec.replicas');
  const converts = validateWorkloadSelector(spec, 'deployment', errs);
  if (!converts) {
    errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'invalid label selector'));
  } else {
    templateMatchesSelector(spec, errs);
    errs.push(...validateControllerTemplate(spec, 'ReplicaSet', true));
  }
  errs.push(...validateStrategy(obj(spec.strategy) ?? {}));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = optNum(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (optNum(spec.minReadySeconds) ?? 0)) errs.push(invalidValue('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeploymentCreate(d: KObject): FieldError[] {
  return [
    ...validateObjectMeta(d.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true }),
    ...validateDeploymentSpec(obj(d.spec) ?? {}),
  ];
}

export function validateDeploymentUpdate(d: KObject, old: KObject): FieldError[] {
  const spec = obj(d.spec) ?? {};
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(spec),
    ...selectorImmutable(spec, obj(old.spec) ?? {}),
  ];
}

export function validateDeploymentStatusUpdate(d: KObject, old: KObject): FieldError[] {
  const status = obj(d.status) ?? {};
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateReplicaCounters(
      status,
      ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'],
      ['updatedReplicas', 'readyReplicas', 'availableReplicas'],
      'cannot be greater than readyReplicas',
    ),
    ...collisionCountNotDecremented(status, obj(old.status) ?? {}),
  ];
}
