// Prometheus metrics of an endpoint controller (the EndpointSlice and the
// Endpoints controller each own one set, under their own prefix): object
// writes by operation, and sync latency by result. Registered in the
// registry given (the API server's, to appear on /metrics) or in a private
// one, so several controllers in one process (tests) never collide.

import { Counter, Histogram, Registry as PromRegistry } from 'prom-client';

export type ChangeOperation = 'create' | 'update' | 'delete';
export type SyncResult = 'success' | 'error' | 'stale';

export class EndpointMetrics {
  readonly registry: PromRegistry;
  private readonly changes: Counter<'operation'>;
  private readonly syncs: Histogram<'result'>;

  /** `prefix`: e.g. hale_endpointslice → hale_endpointslice_changes_total, hale_endpointslice_sync_duration_seconds. */
  constructor(prefix: string, what: string, registry?: PromRegistry) {
    this.registry = registry ?? new PromRegistry();
    this.changes = new Counter({ name: `${prefix}_changes_total`, help: `${what} created, updated and deleted by the controller`, labelNames: ['operation'], registers: [this.registry] });
    this.syncs = new Histogram({
      name: `${prefix}_sync_duration_seconds`,
      help: `Duration of one Service sync by the ${what} controller, by result`,
      labelNames: ['result'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  changed(op: ChangeOperation): void {
    this.changes.inc({ operation: op });
  }

  synced(result: SyncResult, seconds: number): void {
    this.syncs.observe({ result }, seconds);
  }

  /** The current count for one operation (tests). */
  async changeCount(op: ChangeOperation): Promise<number> {
    const m = await this.changes.get();
    return m.values.find((v) => v.labels.operation === op)?.value ?? 0;
  }
}
