// What a node does for Services (isolated mode only: it needs the node's own
// network namespace): every ClusterIP on the node's loopback
// (service-addresses.ts), the service proxy listening on them and on the
// NodePorts (src/agent/proxy), the cluster DNS server answering on the DNS
// Service's address (src/dns), and the pods' resolv.conf pointing there.
// All read one pair of informers (Services, EndpointSlices) over the
// agent's client, so routes and answers are as fresh as the node's watch.
//
// A node-local DNS: every node answers on the same ClusterIP for its own
// pods, so name resolution keeps working on a node cut off from the others.

import { readFile } from 'node:fs/promises';
import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { ENDPOINTSLICES, SERVICES } from '../../client/resources.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { SharedInformers } from '../../controller/informers.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { CLUSTER_DOMAIN, DNS_SERVICE_NAME, DNS_SERVICE_NAMESPACE } from '../../api/cluster-dns.js';
import { ClusterDnsServer } from '../../dns/server.js';
import { podDnsConfig } from '../../dns/pod-resolv-conf.js';
import { parseResolvConf, type ResolvConf } from '../../dns/resolv-conf.js';
import { ServiceAddresses, serviceAddressLabel } from './service-addresses.js';
import type { Registry as PromRegistry } from 'prom-client';
import { ServiceProxy } from '../proxy/service-proxy.js';
import { ANNOTATION_NODE_LOCAL } from '../../api/cluster-dns.js';

export interface NodeServicesOptions {
  client: ApiClient;
  nodeName: string;
  /** the node's pod bridge: names the label of its service addresses */
  bridge: string;
  log: Logger;
  /** the node's resolv.conf (Default-policy pods, upstream resolvers); default /etc/resolv.conf */
  resolvConfPath?: string;
  /** where the DNS server and proxy register their metrics (the node's /metrics) */
  metrics?: PromRegistry;
  /** this node knows the pod with that IP is unready, ahead of its EndpointSlice (the proxy skips it) */
  locallyUnready?: (ip: string) => boolean;
}

function clusterIPs(svc: KObject): string[] {
  const spec = (svc.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[]; type?: string };
  if (spec.type === 'ExternalName') return [];
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None' && !ip.includes(':'));
}

export class NodeServices {
  private readonly o: NodeServicesOptions;
  private readonly informers: SharedInformers;
  private readonly addresses: ServiceAddresses;
  private dns: ClusterDnsServer | undefined;
  private readonly proxy: ServiceProxy;
  private dnsIp: string | undefined;
  private hostResolv: ResolvConf | null = null;
  private recorder: EventRecorder | undefined;

  constructor(o: NodeServicesOptions) {
    this.o = o;
    this.informers = new SharedInformers(o.client, o.log.child({ component: 'node-services' }));
    this.addresses = new ServiceAddresses({ label: serviceAddressLabel(o.bridge), log: o.log });
    const services = this.informers.for(SERVICES);
    const changed = (): void => void this.addresses.sync(this.allClusterIPs()).then(() => this.proxy.retryBinds());
    services.on({ add: changed, update: changed, delete: changed });
    this.proxy = new ServiceProxy({
      nodeName: o.nodeName,
      log: o.log.child({ component: 'service-proxy' }),
      ...(o.metrics ? { registry: o.metrics } : {}),
      // The cluster DNS Service is served by the node itself; IPv6 ClusterIPs are not put on the node.
      ...(o.locallyUnready ? { locallyUnready: o.locallyUnready } : {}),
      shouldListen: (l) => services.get(l.service)?.metadata.annotations?.[ANNOTATION_NODE_LOCAL] !== 'true' && !l.address.includes(':'),
      onListenError: (svc, l, err) => {
        o.log.warn({ service: l.service, address: l.address, port: l.port, err: err.message }, 'service proxy cannot listen');
        if (svc) this.recorder?.record(svc, 'Warning', 'ProxyListenFailed', `node ${o.nodeName} cannot listen on ${l.address}:${l.port} for port ${l.portName || l.port}: ${err.message}`);
      },
    });
    this.proxy.start(services, this.informers.for(ENDPOINTSLICES));
  }

  /** Events about pods' DNS settings go here once the agent has its recorder. */
  setRecorder(recorder: EventRecorder): void {
    this.recorder = recorder;
  }

  /** Starts the informers, puts the ClusterIPs in place and the DNS server on its address. */
  async start(): Promise<void> {
    this.hostResolv = await readFile(this.o.resolvConfPath ?? '/etc/resolv.conf', 'utf8').then(parseResolvConf, () => null);
    this.informers.start();
    await this.informers.synced();
    await this.addresses.sync(this.allClusterIPs());
    this.proxy.retryBinds();
    const dnsSvc = await this.o.client.get(SERVICES, DNS_SERVICE_NAMESPACE, DNS_SERVICE_NAME).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    });
    const ip = dnsSvc ? clusterIPs(dnsSvc)[0] : undefined;
    if (!ip) {
      this.o.log.warn(`${DNS_SERVICE_NAMESPACE}/${DNS_SERVICE_NAME} not found: pods use the node's resolv.conf`);
      return;
    }
    const dns = new ClusterDnsServer({
      services: this.informers.for(SERVICES),
      endpointSlices: this.informers.for(ENDPOINTSLICES),
      log: this.o.log,
      zone: CLUSTER_DOMAIN,
      nameserverIPs: [ip],
      ...(this.o.metrics ? { registry: this.o.metrics } : {}),
      ...(this.o.resolvConfPath ? { resolvConfPath: this.o.resolvConfPath } : {}),
    });
    await dns.start({ address: ip, port: 53 });
    this.dns = dns;
    this.dnsIp = ip;
    this.o.log.info({ address: ip }, 'cluster DNS answering on the node');
  }

  /** The pod's resolv.conf (kubelet rules per dnsPolicy); undefined until the node serves DNS. */
  podDns(pod: KObject): ResolvConf | undefined {
    if (!this.dnsIp) return undefined;
    const { config, events } = podDnsConfig(pod, { clusterDNS: [this.dnsIp], clusterDomain: CLUSTER_DOMAIN, host: this.hostResolv });
    for (const e of events) if (e.on === 'pod') this.recorder?.record(pod, e.type, e.reason, e.message);
    return config;
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.dns?.stop();
    await this.informers.stop();
  }

  /** `hale down`: the node's service addresses go with it. */
  removeAddresses(): Promise<void> {
    return this.addresses.remove();
  }

  private allClusterIPs(): string[] {
    const out: string[] = [];
    for (const s of this.informers.for(SERVICES).items.values()) out.push(...clusterIPs(s));
    return out;
  }
}
