// Event validation for both APIs that serve the same objects. core/v1
// (`events`) keeps the legacy rules: the namespace must agree with
// involvedObject, and events with an eventTime need the reporting fields.
// events.k8s.io/v1 (`events.events.k8s.io`) adds the strict rules: eventTime,
// type Normal|Warning, no deprecated fields, and immutability on update.

import type { FieldError } from '../field-errors.js';
import { immutable, invalidValue, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { goStruct } from './go-syntax.js';
import { obj, optNum, semanticEqual, str, type JsonObject } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo } from './more-errors.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain, nameIsPathSegment } from './names.js';

/** The fields both validations look at, named as in core/v1. */
interface EventView {
  namespace: string;
  involvedObject: JsonObject;
  eventTime: string;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  message: string;
  type: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  source: JsonObject;
  series: JsonObject | undefined;
  related: unknown;
}

function coreView(e: KObject): EventView {
  return {
    namespace: str(e.metadata?.namespace),
    involvedObject: obj(e.involvedObject) ?? {},
    eventTime: str(e.eventTime),
    reportingController: str(e.reportingComponent),
    reportingInstance: str(e.reportingInstance),
    action: str(e.action),
    reason: str(e.reason),
    message: str(e.message),
    type: str(e.type),
    firstTimestamp: str(e.firstTimestamp),
    lastTimestamp: str(e.lastTimestamp),
    count: optNum(e.count) ?? 0,
    source: obj(e.source) ?? {},
    series: obj(e.series),
    related: e.related,
  };
}

function eventsV1View(e: KObject): EventView {
  return {
    namespace: str(e.metadata?.namespace),
    involvedObject: obj(e.regarding) ?? {},
    eventTime: str(e.eventTime),
    reportingController: str(e.reportingController),
    reportingInstance: str(e.reportingInstance),
    action: str(e.action),
    reason: str(e.reason),
    message: str(e.note),
    type: str(e.type),
    firstTimestamp: str(e.deprecatedFirstTimestamp),
    lastTimestamp: str(e.deprecatedLastTimestamp),
    count: optNum(e.deprecatedCount) ?? 0,
    source: obj(e.deprecatedSource) ?? {},
    series: obj(e.series),
    related: e.related,
  };
}

function legacyValidate(e: EventView, coreAPI: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const rcField = coreAPI ? 'reportingComponent' : 'reportingController';
  const ioNs = str(e.involvedObject.namespace);
  if (!e.eventTime) {
    if (!ioNs) {
      if (e.namespace !== '' && e.namespace !== 'default') errs.push(invalidValue('involvedObject.namespace', ioNs, 'does not match event.namespace'));
    } else if (e.namespace !== ioNs) {
      errs.push(invalidValue('involvedObject.namespace', ioNs, 'does not match event.namespace'));
    }
  } else {
    if (!ioNs && e.namespace !== 'default' && e.namespace !== 'kube-system') {
      errs.push(invalidValue('involvedObject.namespace', ioNs, 'does not match event.namespace'));
    }
    if (!e.reportingController) errs.push(required(rcField));
    for (const m of isQualifiedName(e.reportingController)) errs.push(invalidValue(rcField, e.reportingController, m));
    if (!e.reportingInstance) errs.push(required('reportingInstance'));
    if (e.reportingInstance.length > 128) errs.push(invalidValue('reportingInstance', '', 'can have at most 128 characters'));
    if (!e.action) errs.push(required('action'));
    if (e.action.length > 128) errs.push(invalidValue('action', '', 'can have at most 128 characters'));
    if (!e.reason) errs.push(required('reason'));
    if (e.reason.length > 128) errs.push(invalidValue('reason', '', 'can have at most 128 characters'));
    if (e.message.length > 1024) errs.push(invalidValue('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(e.namespace)) errs.push(invalidValue('namespace', e.namespace, m));
  return errs;
}

function strictValidate(e: EventView): FieldError[] {
  const errs: FieldError[] = [];
  if (e.series) {
    if ((optNum(e.series.count) ?? 0) < 2) errs.push(invalidValue('series.count', '', 'should be at least 2'));
    if (!str(e.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  }
  if (!e.eventTime) errs.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalidValue('type', '', `has invalid value: ${e.type}`));
  if (e.firstTimestamp) errs.push(invalidValue('firstTimestamp', '', 'needs to be unset'));
  if (e.lastTimestamp) errs.push(invalidValue('lastTimestamp', '', 'needs to be unset'));
  if (e.count !== 0) errs.push(invalidValue('count', '', 'needs to be unset'));
  if (str(e.source.component) || str(e.source.host)) errs.push(invalidValue('source', '', 'needs to be unset'));
  return errs;
}

/** core/v1: legacy rules, plus the generic name check every object gets (any name without '/' or '%'). */
export function validateCoreEventCreate(e: KObject): FieldError[] {
  return [...legacyValidate(coreView(e), true), ...validateObjectMeta(e.metadata, { nameFn: nameIsPathSegment, namespaced: true })];
}

export function validateCoreEventUpdate(e: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(e.metadata, old.metadata), ...legacyValidate(coreView(e), true)];
}

export function validateEventsV1Create(e: KObject): FieldError[] {
  const v = eventsV1View(e);
  return [...legacyValidate(v, false), ...validateObjectMeta(e.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true }), ...strictValidate(v)];
}

export function validateEventsV1Update(e: KObject, old: KObject): FieldError[] {
  const v = eventsV1View(e);
  const o = eventsV1View(old);
  const errs = [...legacyValidate(v, false), ...validateObjectMetaUpdate(e.metadata, old.metadata)];
  if (v.series && !semanticEqual(v.series, o.series)) {
    if ((optNum(v.series.count) ?? 0) < 2) errs.push(invalidValue('series.count', '', 'should be at least 2'));
    if (!str(v.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  }
  if (!semanticEqual(v.involvedObject, o.involvedObject)) errs.push(invalidGo('involvedObject', goStruct('core.ObjectReference', v.involvedObject), 'field is immutable'));
  const scalar: Array<[string, unknown, unknown]> = [
    ['reason', v.reason, o.reason], ['message', v.message, o.message], ['firstTimestamp', v.firstTimestamp, o.firstTimestamp],
    ['lastTimestamp', v.lastTimestamp, o.lastTimestamp], ['count', v.count, o.count], ['type', v.type, o.type],
    ['eventTime', v.eventTime, o.eventTime], ['action', v.action, o.action], ['reportingController', v.reportingController, o.reportingController],
    ['reportingInstance', v.reportingInstance, o.reportingInstance],
  ];
  for (const [f, n, p] of scalar) if (n !== p) errs.push(immutable(f, n));
  if (!semanticEqual(v.source, o.source)) errs.push(invalidGo('source', goStruct('core.EventSource', v.source), 'field is immutable'));
  if (!semanticEqual(v.related, o.related)) errs.push(invalidGo('related', goStruct('core.ObjectReference', v.related), 'field is immutable'));
  return errs;
}
