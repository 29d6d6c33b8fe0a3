// Message definitions shared by every kind: apimachinery's meta/v1
// (ObjectMeta, OwnerReference, Time, LabelSelector, Condition,
// ManagedFieldsEntry), runtime (the Unknown envelope and its TypeMeta),
// util/intstr IntOrString and api/resource Quantity. Field numbers are
// Kubernetes' (k8s.io/apimachinery generated.proto); which fields are Go
// pointers and which lack `omitempty` follows the Go structs.

import { PTR, REQ, bool, bytes, int32, int64, map, message, msg, msgs, str, strings, type MessageSpec } from './spec.js';

export const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
export const RUNTIME = 'k8s.io.apimachinery.pkg.runtime';
export const INTSTR = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
export const TIME = `${META}.Time`;
export const OBJECT_META = `${META}.ObjectMeta`;
export const LABEL_SELECTOR = `${META}.LabelSelector`;
export const CONDITION = `${META}.Condition`;
export const UNKNOWN = `${RUNTIME}.Unknown`;

export const META_MESSAGES: MessageSpec[] = [
  // runtime.TypeMeta numbers apiVersion 1, kind 2 (meta/v1's TypeMeta is the other way round).
  message(`${RUNTIME}.TypeMeta`, [str(1, 'apiVersion'), str(2, 'kind')]),
  message(UNKNOWN, [msg(1, 'typeMeta', `${RUNTIME}.TypeMeta`), bytes(2, 'raw'), str(3, 'contentEncoding'), str(4, 'contentType')]),

  message(TIME, [int64(1, 'seconds'), int32(2, 'nanos')], 'time'),
  message(INTSTR, [int64(1, 'type'), int32(2, 'intVal'), str(3, 'strVal')], 'intOrString'),
  message(QUANTITY, [str(1, 'string')], 'quantity'),

  message(OBJECT_META, [
    str(1, 'name'),
    str(2, 'generateName'),
    str(3, 'namespace'),
    str(4, 'selfLink'),
    str(5, 'uid'),
    str(6, 'resourceVersion'),
    int64(7, 'generation'),
    msg(8, 'creationTimestamp', TIME),
    msg(9, 'deletionTimestamp', TIME, PTR),
    int64(10, 'deletionGracePeriodSeconds', PTR),
    map(11, 'labels', 'string'),
    map(12, 'annotations', 'string'),
    msgs(13, 'ownerReferences', `${META}.OwnerReference`),
    strings(14, 'finalizers'),
    msgs(17, 'managedFields', `${META}.ManagedFieldsEntry`),
  ]),
  message(`${META}.OwnerReference`, [
    str(5, 'apiVersion', REQ),
    str(1, 'kind', REQ),
    str(3, 'name', REQ),
    str(4, 'uid', REQ),
    bool(6, 'controller', PTR),
    bool(7, 'blockOwnerDeletion', PTR),
  ]),
  message(`${META}.ManagedFieldsEntry`, [
    str(1, 'manager'),
    str(2, 'operation'),
    str(3, 'apiVersion'),
    msg(4, 'time', TIME, PTR),
    str(6, 'fieldsType'),
    msg(7, 'fieldsV1', `${META}.FieldsV1`, PTR),
    str(8, 'subresource'),
  ]),
  // FieldsV1's Go JSON is its raw bytes, which are JSON text.
  message(`${META}.FieldsV1`, [bytes(1, 'Raw')], 'rawJson'),
  message(LABEL_SELECTOR, [map(1, 'matchLabels', 'string'), msgs(2, 'matchExpressions', `${META}.LabelSelectorRequirement`)]),
  message(`${META}.LabelSelectorRequirement`, [str(1, 'key', REQ), str(2, 'operator', REQ), strings(3, 'values')]),
  message(CONDITION, [
    str(1, 'type', REQ),
    str(2, 'status', REQ),
    int64(3, 'observedGeneration'),
    msg(4, 'lastTransitionTime', TIME, REQ),
    str(5, 'reason', REQ),
    str(6, 'message', REQ),
  ]),
];
