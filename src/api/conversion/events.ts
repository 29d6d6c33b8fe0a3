// events.k8s.io/v1 Event <-> core/v1 Event. Both groups serve the same stored
// objects (stored as core/v1, as kube-apiserver stores them); these are the
// field renames of Kubernetes' conversion (regarding = involvedObject, note =
// message, reportingController = reportingComponent, deprecated* = the old
// source/timestamps/count). Fields with the same name pass through.

import type { KObject } from '../object.js';

const CORE_TO_EVENTS: Record<string, string> = {
  involvedObject: 'regarding',
  message: 'note',
  reportingComponent: 'reportingController',
  source: 'deprecatedSource',
  firstTimestamp: 'deprecatedFirstTimestamp',
  lastTimestamp: 'deprecatedLastTimestamp',
  count: 'deprecatedCount',
};

const EVENTS_TO_CORE: Record<string, string> = Object.fromEntries(Object.entries(CORE_TO_EVENTS).map(([a, b]) => [b, a]));

function rename(obj: KObject, table: Record<string, string>, apiVersion: string): KObject {
  const out: KObject = { apiVersion, kind: 'Event', metadata: obj.metadata };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    out[table[k] ?? k] = v;
  }
  return out;
}

export function coreEventToEventsV1(obj: KObject): KObject {
  return rename(obj, CORE_TO_EVENTS, 'events.k8s.io/v1');
}

export function eventsV1ToCoreEvent(obj: KObject): KObject {
  return rename(obj, EVENTS_TO_CORE, 'v1');
}
