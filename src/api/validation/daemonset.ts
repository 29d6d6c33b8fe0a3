// DaemonSet (apps/v1) validation: ValidateDaemonSet, ValidateDaemonSetUpdate
// (plus the apps/v1 selector immutability), ValidateDaemonSetStatusUpdate.

import type { FieldError } from '../field-errors.js';
import { required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goIntOrString, goLabelSelector, goPointer } from './go-syntax.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { obj, str, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo, notSupportedGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { selectorIsEmpty, validateLabelSelector } from './selector.js';
import {
  collisionCountNotDecremented, nonNegative, selectorImmutable, templateMatchesSelector, validateControllerTemplate,
} from './workload-common.js';

function validateUpdateStrategy(us: JsonObject): FieldError[] {
  const path = 'spec.updateStrategy';
  const ru = obj(us.rollingUpdate);
  switch (str(us.type)) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      if (!ru) return [required(`${path}.rollingUpdate`)];
      const p = `${path}.rollingUpdate`;
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
        ...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...isNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`),
      ];
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalidGo(`${p}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [
        notSupportedGo(
          path,
          `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:${goPointer('apps.RollingUpdateDaemonSet', !!ru)}}`,
          ['RollingUpdate', 'OnDelete'],
        ),
      ];
  }
}

/** ValidateDaemonSetSpec: the selector is not required, but a missing one matches no template. */
function validateDaemonSetSpec(spec: JsonObject): FieldError[] {
  const selErrs = validateLabelSelector(spec.selector, 'spec.selector');
  const errs = [...selErrs];
  if (selErrs.length === 0) templateMatchesSelector(spec, errs);
  if (selectorIsEmpty(spec.selector)) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  errs.push(...validateControllerTemplate(spec, 'DaemonSet', true));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateUpdateStrategy(obj(spec.updateStrategy) ?? {}));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export function validateDaemonSetCreate(ds: KObject): FieldError[] {
  return [...validateObjectMeta(ds.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true }), ...validateDaemonSetSpec(obj(ds.spec) ?? {})];
}

export function validateDaemonSetUpdate(ds: KObject, old: KObject): FieldError[] {
  const spec = obj(ds.spec) ?? {};
  return [...validateObjectMetaUpdate(ds.metadata, old.metadata), ...validateDaemonSetSpec(spec), ...selectorImmutable(spec, obj(old.spec) ?? {})];
}

export function validateDaemonSetStatusUpdate(ds: KObject, old: KObject): FieldError[] {
  const status = obj(ds.status) ?? {};
  const errs = validateObjectMetaUpdate(ds.metadata, old.metadata);
  for (const f of ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount']) {
    errs.push(...nonNegative(status[f], `status.${f}`));
  }
  errs.push(...collisionCountNotDecremented(status, obj(old.status) ?? {}));
  return errs;
}
