// Prometheus metrics of the API server: requests by verb/resource/code with
// latency histograms, open watches, store operation latency. One registry per
// server instance (tests run several servers in one process).

import { Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';
import type { ResourceInfo } from '../api/resources.js';
import type { Store } from '../storage/store.js';
import type { WatchMetrics } from './handlers/watch-metrics.js';

export class ApiMetrics implements WatchMetrics {
  readonly registry = new PromRegistry();
  private readonly requests = new Counter({ name: 'apiserver_request_total', help: 'API requests by verb, resource and HTTP code', labelNames: ['verb', 'resource', 'code'], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'API request latency by verb and resource (watches excluded)',
    labelNames: ['verb', 'resource'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly watches = new Gauge({ name: 'apiserver_longrunning_requests', help: 'Open watch streams by resource', labelNames: ['resource'], registers: [this.registry] });
  readonly storeLatency = new Histogram({
    name: 'hale_store_operation_duration_seconds',
    help: 'Store operation latency by operation',
    labelNames: ['operation'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    // Process metrics (RSS, heap, event-loop lag, open fds) with the standard names.
    collectDefaultMetrics({ register: this.registry });
  }

  observe(verb: string, resource: string, code: number, seconds: number): void {
    this.requests.inc({ verb, resource, code: String(code) });
    if (verb !== 'watch') this.latency.observe({ verb, resource }, seconds);
  }

  opened(r: ResourceInfo): void {
    this.watches.inc({ resource: r.plural });
  }

  closed(r: ResourceInfo): void {
    this.watches.dec({ resource: r.plural });
  }

  /** Wraps a store so every call's latency is recorded. */
  instrument(store: Store): Store {
    const h = this.storeLatency;
    const timed = <T>(op: string, p: Promise<T>): Promise<T> => {
      const end = h.startTimer({ operation: op });
      return p.finally(() => end());
    };
    return {
      get: (k) => timed('get', store.get(k)),
      list: (p, o) => timed('list', store.list(p, o)),
      create: (k, v) => timed('create', store.create(k, v)),
      update: (k, v, r) => timed('update', store.update(k, v, r)),
      delete: (k, r) => timed('delete', store.delete(k, r)),
      watch: (p, r, o) => store.watch(p, r, o),
      compact: (r) => timed('compact', store.compact(r)),
      currentRevision: () => store.currentRevision(),
      compactedRevision: () => store.compactedRevision(),
      close: () => store.close(),
    };
  }
}
