// Prometheus metrics of the node autoscaler: one counter per kind of
// decision (labelled by pool), gauges for the pools' sizes and the repair
// breaker, and how long a pass takes. Registered on the API server's
// registry (served on /metrics) or a private one in tests.

import { Counter, Gauge, Histogram, Registry, type Registry as PromRegistry } from 'prom-client';

export class AutoscalerMetrics {
  readonly nodesAdded: Counter<'pool' | 'reason'>;
  readonly nodesRemoved: Counter<'pool' | 'reason'>;
  readonly failures: Counter<'pool' | 'operation'>;
  readonly repairBlocked: Gauge<'pool'>;
  readonly poolNodes: Gauge<'pool' | 'state'>;
  readonly unschedulablePods: Gauge;
  readonly passSeconds: Histogram;

  constructor(registry?: PromRegistry) {
    const registers = [registry ?? new Registry()];
    this.nodesAdded = new Counter({ name: 'hale_autoscaler_nodes_added_total', help: 'Machines requested from a pool\'s provider, by reason (scale_up, min_size, repair)', labelNames: ['pool', 'reason'], registers });
    this.nodesRemoved = new Counter({ name: 'hale_autoscaler_nodes_removed_total', help: 'Nodes removed from a pool, by reason (scale_down, repair, provision_timeout)', labelNames: ['pool', 'reason'], registers });
    this.failures = new Counter({ name: 'hale_autoscaler_failed_operations_total', help: 'Provider or API operations that failed, by operation (create, delete, drain)', labelNames: ['pool', 'operation'], registers });
    this.repairBlocked = new Gauge({ name: 'hale_autoscaler_repair_blocked', help: '1 while a pool\'s repair circuit breaker holds repairs back (too many unhealthy nodes)', labelNames: ['pool'], registers });
    this.poolNodes = new Gauge({ name: 'hale_autoscaler_pool_nodes', help: 'Nodes of a pool by state (ready, unready, launching)', labelNames: ['pool', 'state'], registers });
    this.unschedulablePods = new Gauge({ name: 'hale_autoscaler_unschedulable_pods', help: 'Pods the scheduler could not place at the last pass', registers });
    this.passSeconds = new Histogram({ name: 'hale_autoscaler_pass_duration_seconds', help: 'How long one autoscaler pass took (planning and starting operations)', buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10], registers });
  }
}
