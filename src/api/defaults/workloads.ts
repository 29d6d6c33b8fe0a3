// apps/v1 defaults (pkg/apis/apps/v1/defaults.go) plus the pod template
// defaults every workload template gets:
// - Deployment: replicas 1, strategy RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600
// - ReplicaSet: replicas 1
// - StatefulSet: replicas 1, podManagementPolicy OrderedReady, updateStrategy RollingUpdate
//   (partition 0), persistentVolumeClaimRetentionPolicy Retain/Retain, revisionHistoryLimit 10,
//   volumeClaimTemplates as PVCs (apiVersion/kind, volumeMode Filesystem, status.phase Pending)
// - DaemonSet: updateStrategy RollingUpdate maxUnavailable 1 maxSurge 0, revisionHistoryLimit 10

import type { KObject } from '../object.js';
import { ensureObj, obj, objects, str, type JsonObject } from '../validation/json-read.js';
import { defaultPodTemplate } from './pod-spec.js';
import { defaultPVC } from './pvc.js';

function specOf(o: KObject): JsonObject {
  return ensureObj(o as JsonObject, 'spec');
}

function missing(v: unknown): boolean {
  return v === undefined || v === null;
}

function template(spec: JsonObject): void {
  defaultPodTemplate(ensureObj(spec, 'template'));
}

export function defaultDeployment(d: KObject): void {
  const spec = specOf(d);
  if (missing(spec.replicas)) spec.replicas = 1;
  const strategy = ensureObj(spec, 'strategy');
  if (!str(strategy.type)) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    if (missing(ru.maxUnavailable)) ru.maxUnavailable = '25%';
    if (missing(ru.maxSurge)) ru.maxSurge = '25%';
  }
  if (missing(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (missing(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
  template(spec);
}

export function defaultReplicaSet(rs: KObject): void {
  const spec = specOf(rs);
  if (missing(spec.replicas)) spec.replicas = 1;
  template(spec);
}

export function defaultStatefulSet(s: KObject): void {
  const spec = specOf(s);
  if (!str(spec.podManagementPolicy)) spec.podManagementPolicy = 'OrderedReady';
  const us = ensureObj(spec, 'updateStrategy');
  if (!str(us.type)) {
    us.type = 'RollingUpdate';
    ensureObj(us, 'rollingUpdate');
  }
  const ru = obj(us.rollingUpdate);
  if (us.type === 'RollingUpdate' && ru && missing(ru.partition)) ru.partition = 0;
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!str(retention.whenDeleted)) retention.whenDeleted = 'Retain';
  if (!str(retention.whenScaled)) retention.whenScaled = 'Retain';
  if (missing(spec.replicas)) spec.replicas = 1;
  if (missing(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  template(spec);
  for (const [pvc] of objects(spec.volumeClaimTemplates)) {
    if (!str(pvc.apiVersion)) pvc.apiVersion = 'v1';
    if (!str(pvc.kind)) pvc.kind = 'PersistentVolumeClaim';
    const meta = ensureObj(pvc, 'metadata');
    if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
    defaultPVC(pvc);
  }
}

export function defaultDaemonSet(ds: KObject): void {
  const spec = specOf(ds);
  const us = ensureObj(spec, 'updateStrategy');
  if (!str(us.type)) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    if (missing(ru.maxUnavailable)) ru.maxUnavailable = 1;
    if (missing(ru.maxSurge)) ru.maxSurge = 0;
  }
  if (missing(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  template(spec);
}
