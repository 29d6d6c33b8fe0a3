// Aggregation of similar Events, as client-go's EventCorrelator does it
// (tools/record/events_cache.go): events of one source about one object with
// the same type and reason but different messages are "similar". Once 10
// distinct messages were seen within 10 minutes of the last one, each further
// similar event is reported as one aggregate event, message
// "(combined from similar events): <message>", whose count rises instead of a
// new Event per message. Identical events are folded by the recorder itself.

import type { Clock } from '../lib/clock/clock.js';

export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 600_000;
export const COMBINED_PREFIX = '(combined from similar events): ';
const MAX_KEYS = 4096;

interface Record {
  messages: Set<string>;
  lastMs: number;
}

export interface Aggregated {
  message: string;
  /** the key identical events fold under: the message itself, or the aggregate's key once combined */
  foldKey: string;
}

export class EventAggregator {
  private readonly records = new Map<string, Record>();

  constructor(private readonly clock: Clock) {}

  /** `similarKey` names source, object, type and reason; `message` is the event's own message. */
  observe(similarKey: string, message: string): Aggregated {
    const now = this.clock.monotonic();
    let r = this.records.get(similarKey);
    if (!r || now - r.lastMs > AGGREGATE_INTERVAL_MS) r = { messages: new Set(), lastMs: now };
    r.messages.add(message);
    r.lastMs = now;
    this.records.delete(similarKey);
    this.records.set(similarKey, r);
    if (this.records.size > MAX_KEYS) this.records.delete(this.records.keys().next().value as string);
    if (r.messages.size < AGGREGATE_MAX_EVENTS) return { message, foldKey: message };
    // Do not let the set grow past the threshold (client-go pops one).
    const first = r.messages.values().next().value as string;
    if (first !== message) r.messages.delete(first);
    return { message: `${COMBINED_PREFIX}${message}`, foldKey: `\u0001aggregate` };
  }
}
