// Prometheus metrics of the node's Service proxy. One registry per proxy
// unless the caller passes its own (tests run several proxies in one process).
//
//   hale_proxy_connections_total{result}   ok | failed (every try failed) | no_endpoints
//   hale_proxy_connect_retries_total       connects retried on another endpoint
//   hale_proxy_endpoint_updates_total      EndpointSlice changes applied to the table
//   hale_proxy_active_connections          client connections being forwarded now
//   hale_proxy_listeners                   sockets listening (ClusterIP:port and NodePorts)

import { Counter, Gauge, Registry as PromRegistry } from 'prom-client';

export type ConnectionResult = 'ok' | 'failed' | 'no_endpoints';

export class ProxyMetrics {
  readonly registry: PromRegistry;
  readonly connections: Counter<'result'>;
  readonly retries: Counter;
  readonly endpointUpdates: Counter;
  readonly active: Gauge;
  readonly listeners: Gauge;

  constructor(registry: PromRegistry = new PromRegistry()) {
    this.registry = registry;
    const registers = [registry];
    this.connections = new Counter({ name: 'hale_proxy_connections_total', help: 'Client connections to Service addresses, by result (ok, failed, no_endpoints)', labelNames: ['result'], registers });
    this.retries = new Counter({ name: 'hale_proxy_connect_retries_total', help: 'Endpoint connects that were refused or timed out and retried on another endpoint', registers });
    this.endpointUpdates = new Counter({ name: 'hale_proxy_endpoint_updates_total', help: 'EndpointSlice changes applied to the proxy table', registers });
    this.active = new Gauge({ name: 'hale_proxy_active_connections', help: 'Client connections being forwarded to an endpoint now', registers });
    this.listeners = new Gauge({ name: 'hale_proxy_listeners', help: 'Sockets the proxy listens on (ClusterIP:port and NodePort)', registers });
  }

  /** A counter's current value (tests). */
  async count(name: 'connections' | 'retries' | 'endpointUpdates', result?: ConnectionResult): Promise<number> {
    const m = await this[name].get();
    return m.values.filter((v) => !result || v.labels.result === result).reduce((a, v) => a + v.value, 0);
  }
}
