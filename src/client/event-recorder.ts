// Records core/v1 Events the way client-go's recorder does for the kubelet:
// source {component, host}, name `<object>.<hex nanoseconds>`, and repeats of
// the same (object, type, reason, message) folded into one Event whose count
// and lastTimestamp rise; similar events (same object, type and reason, ten
// different messages within ten minutes) are combined as client-go combines
// them (event-aggregator.ts); and one source's events about one object are
// rate limited as client-go limits them (event-spam-filter.ts: 25, then one
// per 5 minutes). Recording never throws and never blocks the caller:
// a failed post is logged, because an unreachable API server must not stop a
// container from being restarted.

import type { KObject } from '../api/object.js';
import type { ApiClient } from './api-client.js';
import { EVENTS } from './resources.js';
import type { Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { ApiError } from '../machinery/errors.js';
import { EventAggregator } from './event-aggregator.js';
import { EventSpamFilter, spamKey } from './event-spam-filter.js';
import { WriteLimit } from '../lib/async/write-limit.js';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventRecorderOptions {
  client: ApiClient;
  source: EventSource;
  clock: Clock;
  log: Logger;
}

export type EventType = 'Normal' | 'Warning';

interface Folded {
  name: string;
  namespace: string;
  count: number;
}

const MAX_REMEMBERED = 4096;
/**
 * An event's name is `<object>.<hex of ms × 10⁶ + sequence>`: one sequence
 * for every recorder of the process (two recorders naming the same object in
 * the same millisecond must not collide), started at random (nor two processes).
 */
let sequence = Math.floor(Math.random() * 1_000_000);
/** events of different objects posted at once */
export const POST_CONCURRENCY = 8;
/** events waiting or in flight; client-go's maxQueuedEvents */
export const MAX_QUEUED = 1000;
/** at most one warning about dropped or failed events per this many ms */
const WARN_EVERY_MS = 10_000;

export class EventRecorder {
  private readonly opts: EventRecorderOptions;
  private readonly seen = new Map<string, Folded>();
  private readonly aggregator: EventAggregator;
  private readonly spam: EventSpamFilter;
  /** the last event queued for each object (its next one waits for it) */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly limit = new WriteLimit(POST_CONCURRENCY);
  private queued = 0;
  private dropped = 0;
  private failed = 0;
  private lastWarned = -Infinity;

  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
    this.aggregator = new EventAggregator(opts.clock);
    this.spam = new EventSpamFilter(opts.clock);
  }

  /** `fieldPath` names a container: `spec.containers{name}` / `spec.initContainers{name}`. */
  record(obj: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    if (this.queued >= MAX_QUEUED) {
      this.dropped++;
      this.warnNow();
      return;
    }
    this.queued++;
    const key = obj.metadata.uid || `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const next: Promise<void> = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.limit.run(() => this.post(obj, type, reason, message, fieldPath)))
      .catch((err: unknown) => {
        this.failed++;
        this.warnNow(String(err), reason, obj.metadata.name);
      })
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
        this.queued--;
      });
    this.chains.set(key, next);
  }

  /** Resolves when every event recorded so far was posted (or failed); events recorded later are not waited for. */
  async flush(): Promise<void> {
    // Each object's last queued event settles after all of its earlier ones, and none rejects.
    await Promise.all([...this.chains.values()]);
    // Drops and failures the rate limit kept quiet are told now (a flush comes at shutdown, too).
    if (this.dropped + this.failed > 0) this.tell('events not recorded since the last warning');
  }

  /** Logs dropped and failed events, at most once per WARN_EVERY_MS, with how many since the last warning. */
  private warnNow(err?: string, reason?: string, object?: string): void {
    const now = this.opts.clock.monotonic();
    if (now - this.lastWarned < WARN_EVERY_MS) return;
    this.lastWarned = now;
    this.tell(err ? 'event not recorded' : `events dropped: more than ${MAX_QUEUED} waiting`, err ? { err, reason, object } : {});
  }

  /** Logs the drops and failures counted so far (and `extra`), and starts counting afresh. */
  private tell(msg: string, extra: Record<string, unknown> = {}): void {
    this.opts.log.warn({ dropped: this.dropped, failed: this.failed, component: this.opts.source.component, ...extra }, msg);
    this.dropped = 0;
    this.failed = 0;
  }

  private async post(obj: KObject, type: EventType, reason: string, message: string, fieldPath?: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const agg = this.aggregator.observe([obj.kind, namespace, obj.metadata.name, obj.metadata.uid, type, reason].join('\u0000'), message);
    message = agg.message;
    const key = [obj.metadata.uid, fieldPath ?? '', type, reason, agg.foldKey].join('\u0000');
    const now = new Date(this.opts.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const folded = this.seen.get(key);
    if (folded) folded.count++;
    // Aggregated and counted first, then filtered (EventCorrelate's order): a repeat
    // that gets through later carries the count of every occurrence.
    if (!this.spam.allow(spamKey(this.opts.source, obj))) {
      this.opts.log.debug({ reason, object: obj.metadata.name }, 'event dropped by the spam filter');
      return;
    }
    if (folded) {
      try {
        await this.opts.client.patch(EVENTS, folded.namespace, folded.name, 'merge', { count: folded.count, lastTimestamp: now, message });
        return;
      } catch (err) {
        // The folded event expired (event TTL) or was deleted: record it afresh.
        if (!(err instanceof ApiError && err.code === 404)) throw err;
        this.seen.delete(key);
      }
    }
    const involved: Record<string, unknown> = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    if (fieldPath) involved.fieldPath = fieldPath;
    const name = `${obj.metadata.name}.${(BigInt(this.opts.clock.now()) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16)}`;
    const ev: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      type,
      source: this.opts.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: this.opts.source.component,
      reportingInstance: this.opts.source.host ?? '',
    };
    await this.opts.client.create(EVENTS, namespace, ev);
    if (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name, namespace, count: 1 });
  }
}
