// Conversion between the version a resource is served at and the version it
// is stored at. Today only events.k8s.io/v1 Events differ (stored as core/v1);
// every other resource is stored as served and passes through untouched.

import type { KObject } from '../object.js';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from './events.js';

export interface Served {
  group: string;
  plural: string;
}

function isEventsV1(r: Served): boolean {
  return r.group === 'events.k8s.io' && r.plural === 'events';
}

/** Does this resource's stored form differ from its served form? */
export function needsConversion(r: Served): boolean {
  return isEventsV1(r);
}

/** A stored object as the client of `r` sees it (a new object when converted). */
export function toServed(r: Served, stored: KObject): KObject {
  if (isEventsV1(r) && stored.apiVersion !== 'events.k8s.io/v1') return coreEventToEventsV1(stored);
  return stored;
}

/** A served object in its stored form (a new object when converted). */
export function toStorage(r: Served, served: KObject): KObject {
  if (isEventsV1(r) && served.apiVersion === 'events.k8s.io/v1') return eventsV1ToCoreEvent(served);
  return served;
}
