// StatefulSet (apps/v1) validation: ValidateStatefulSet, ValidateStatefulSetUpdate
// (only replicas, ordinals, template, updateStrategy,
// persistentVolumeClaimRetentionPolicy and minReadySeconds may change) and
// ValidateStatefulSetStatusUpdate. As in Kubernetes 1.32, the pod template's
// spec is not validated here (only its labels and annotations are).

import type { FieldError } from '../field-errors.js';
import { forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goIntOrString, goLabelSelector, goStruct } from './go-syntax.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { clone, obj, semanticEqual, str, type JsonObject } from './json-read.js';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo } from './more-errors.js';
import { nameIsDNSLabel } from './names.js';
import { validatePodSpecificAnnotations } from './pod-spec.js';
import {
  collisionCountNotDecremented, nonNegative, templateMatchesSelector, validateControllerTemplate, validateReplicaCounters, validateWorkloadSelector,
} from './workload-common.js';

export const STATEFULSET_UPDATE_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function validateUpdateStrategy(us: JsonObject): FieldError[] {
  const path = 'spec.updateStrategy';
  const ru = obj(us.rollingUpdate);
  switch (str(us.type)) {
    case '':
      return [required(path)];
    case 'OnDelete':
      return ru ? [invalidGo(`${path}.rollingUpdate`, goStruct('apps.RollingUpdateStatefulSetStrategy', ru), "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate': {
      if (!ru) return [];
      const p = `${path}.rollingUpdate`;
      const errs = nonNegative(ru.partition, `${p}.partition`);
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalidGo(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'cannot be 0'));
        errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      }
      return errs;
    }
    default:
      return [invalidGo(path, goStruct('apps.StatefulSetUpdateStrategy', us), "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

/** ValidateStatefulSetSpec */
function validateStatefulSetSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (pmp === '') errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalidValue('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateUpdateStrategy(obj(spec.updateStrategy) ?? {}));
  const retention = obj(spec.persistentVolumeClaimRetentionPolicy);
  if (retention) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(retention[f]);
      if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, ['Retain', 'Delete']));
    }
  }
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const ordinals = obj(spec.ordinals);
  if (ordinals) errs.push(...nonNegative(ordinals.start, 'spec.ordinals.start'));
  const converts = validateWorkloadSelector(spec, 'statefulset', errs);
  if (!converts) {
    errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), ''));
  } else {
    templateMatchesSelector(spec, errs);
    const meta = obj(obj(spec.template)?.metadata) ?? {};
    errs.push(...validateLabels(meta.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(meta.annotations, 'spec.template.annotations'));
    errs.push(...validatePodSpecificAnnotations(meta.annotations, obj(spec.template)?.spec, 'spec.template.annotations'));
  }
  errs.push(...validateControllerTemplate(spec, 'StatefulSet', false));
  return errs;
}

export function validateStatefulSetCreate(s: KObject): FieldError[] {
  return [...validateObjectMeta(s.metadata, { nameFn: nameIsDNSLabel, namespaced: true }), ...validateStatefulSetSpec(obj(s.spec) ?? {})];
}

export function validateStatefulSetUpdate(s: KObject, old: KObject): FieldError[] {
  const spec = obj(s.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const errs = [...validateObjectMetaUpdate(s.metadata, old.metadata), ...validateStatefulSetSpec(spec)];
  const munged = clone(spec);
  for (const f of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy']) {
    munged[f] = oldSpec[f];
  }
  if (!semanticEqual(munged, oldSpec)) errs.push(forbiddenField('spec', STATEFULSET_UPDATE_FORBIDDEN));
  return errs;
}

export function validateStatefulSetStatusUpdate(s: KObject, old: KObject): FieldError[] {
  const status = obj(s.status) ?? {};
  return [
    ...validateReplicaCounters(
      status,
      ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'],
      ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'],
      'cannot be greater than status.readyReplicas',
    ),
    ...validateObjectMetaUpdate(s.metadata, old.metadata),
    ...collisionCountNotDecremented(status, obj(old.status) ?? {}),
  ];
}
