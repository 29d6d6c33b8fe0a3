// The event printer for both core/v1 and events.k8s.io/v1 Events (one
// storage, two field spellings). Kubernetes prints LAST SEEN TYPE REASON
// OBJECT MESSAGE and, wide only, SUBOBJECT SOURCE FIRST SEEN COUNT NAME.
// LAST SEEN falls back to FIRST SEEN, which falls back to eventTime; a series
// overrides both the last-seen time and the count; singletons count 1.

import type { KObject } from '../../api/object.js';
import { column, nameColumn } from './columns.js';
import { parseTime, translateTimestampSince } from './duration.js';
import type { TablePrinter } from './table.js';

interface ObjectReference {
  kind?: string;
  name?: string;
  fieldPath?: string;
}

interface EventSeries {
  count?: number;
  lastObservedTime?: string;
}

interface EventSource {
  component?: string;
  host?: string;
}

/** core/v1 field names (the shape Kubernetes' internal Event mirrors). */
interface CoreEventJson extends KObject {
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  source?: EventSource;
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  type?: string;
  eventTime?: string;
  series?: EventSeries;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** events.k8s.io/v1 field names. */
interface NewEventJson extends KObject {
  regarding?: ObjectReference;
  note?: string;
  deprecatedSource?: EventSource;
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  deprecatedCount?: number;
  reportingController?: string;
}

interface EventView {
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: EventSource;
  firstTimestamp: string | undefined;
  lastTimestamp: string | undefined;
  count: number;
  type: string;
  eventTime: string | undefined;
  series: EventSeries | undefined;
  reportingController: string;
  reportingInstance: string;
}

function isNewEvent(obj: KObject): boolean {
  if (typeof obj.apiVersion === 'string') return obj.apiVersion.startsWith('events.k8s.io/');
  return obj['involvedObject'] === undefined && (obj['regarding'] !== undefined || obj['note'] !== undefined);
}

/** Reads either spelling into the internal Event's fields. */
export function eventView(obj: KObject): EventView {
  const core = obj as CoreEventJson;
  if (isNewEvent(obj)) {
    const ev = obj as NewEventJson;
    return {
      involvedObject: ev.regarding ?? {},
      reason: core.reason ?? '',
      message: ev.note ?? '',
      source: ev.deprecatedSource ?? {},
      firstTimestamp: ev.deprecatedFirstTimestamp,
      lastTimestamp: ev.deprecatedLastTimestamp,
      count: ev.deprecatedCount ?? 0,
      type: core.type ?? '',
      eventTime: core.eventTime,
      series: core.series,
      reportingController: ev.reportingController ?? '',
      reportingInstance: core.reportingInstance ?? '',
    };
  }
  return {
    involvedObject: core.involvedObject ?? {},
    reason: core.reason ?? '',
    message: core.message ?? '',
    source: core.source ?? {},
    firstTimestamp: core.firstTimestamp,
    lastTimestamp: core.lastTimestamp,
    count: core.count ?? 0,
    type: core.type ?? '',
    eventTime: core.eventTime,
    series: core.series,
    reportingController: core.reportingComponent ?? '',
    reportingInstance: core.reportingInstance ?? '',
  };
}

/** formatEventSource: "component, host", host omitted when empty; reporting* fill the gaps. */
function formatEventSource(ev: EventView): string {
  const component = ev.source.component || ev.reportingController;
  const instance = ev.source.host || ev.reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

export const eventPrinter: TablePrinter = {
  columns: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    column('Object', 'string', 'The object that this event is about.'),
    column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', { priority: 1 }),
    column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', { priority: 1 }),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { priority: 1 }),
    column('Count', 'string', 'The number of times this event has occurred.', { priority: 1 }),
    nameColumn({ priority: 1 }),
  ],
  cells(obj, now) {
    const ev = eventView(obj);
    let firstSeen = translateTimestampSince(ev.firstTimestamp, now);
    if (parseTime(ev.firstTimestamp) === undefined) firstSeen = translateTimestampSince(ev.eventTime, now);
    let lastSeen = translateTimestampSince(ev.lastTimestamp, now);
    if (parseTime(ev.lastTimestamp) === undefined) lastSeen = firstSeen;
    let count = ev.count;
    if (ev.series) {
      lastSeen = translateTimestampSince(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) {
      // Singleton events don't have a count set in the new API.
      count = 1;
    }
    const kind = (ev.involvedObject.kind ?? '').toLowerCase();
    const target = ev.involvedObject.name ? `${kind}/${ev.involvedObject.name}` : kind;
    return [
      lastSeen,
      ev.type,
      ev.reason,
      target,
      ev.involvedObject.fieldPath ?? '',
      formatEventSource(ev),
      ev.message.trim(),
      firstSeen,
      count,
      obj.metadata.name ?? '',
    ];
  },
};
