// Prometheus metrics of the cluster DNS server (the counterparts of
// CoreDNS's coredns_dns_requests_total/responses_total and
// coredns_forward_*): queries by protocol, type and response code, queries
// forwarded upstream and upstream attempts that failed, and answer latency
// by where the answer came from. One registry per server unless the caller
// passes its own (tests run several servers in one process).

import { Counter, Histogram, Registry as PromRegistry } from 'prom-client';

export class DnsMetrics {
  readonly registry: PromRegistry;
  readonly queries: Counter<'proto' | 'type' | 'rcode'>;
  readonly forwarded: Counter<'upstream'>;
  readonly forwardFailures: Counter<'upstream' | 'reason'>;
  readonly duration: Histogram<'source'>;

  constructor(registry: PromRegistry = new PromRegistry()) {
    this.registry = registry;
    const registers = [registry];
    this.queries = new Counter({ name: 'hale_dns_queries_total', help: 'DNS queries answered, by protocol, question type and response code', labelNames: ['proto', 'type', 'rcode'], registers });
    this.forwarded = new Counter({ name: 'hale_dns_forwarded_total', help: 'DNS queries sent to an upstream resolver, by upstream', labelNames: ['upstream'], registers });
    this.forwardFailures = new Counter({ name: 'hale_dns_forward_failures_total', help: 'Upstream attempts that got no answer, by upstream and reason (timeout, error)', labelNames: ['upstream', 'reason'], registers });
    this.duration = new Histogram({
      name: 'hale_dns_query_duration_seconds',
      help: 'Time to answer a DNS query, by source (zone, reverse, forward, error)',
      labelNames: ['source'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }
}
