// The cluster's DNS records as a view over two informer caches (Services and
// EndpointSlices): nothing is copied or precomputed, a question is answered
// from the objects cached at that moment, so an answer is never staler than
// the informers. Three indexes keep a lookup proportional to one Service:
// slices by their `kubernetes.io/service-name`, and Services and slices by
// the IPs they hold (for PTR).
//
// What a name resolves to follows CoreDNS's kubernetes plugin
// (findServices/findPods/serviceRecordForIP):
// - ClusterIP Service: its cluster IPs, once per matching port;
// - headless Service, or an endpoint name under any Service: every ready
//   address of its slices (hostname, or the dashed IP, names the endpoint),
//   once per matching slice port; a slice without ports still yields its
//   addresses (CoreDNS's sentinel port);
// - ExternalName Service: a CNAME to the external name (an IP there is no record);
// - pod names: the IP the label spells (CoreDNS "pods insecure", the kubeadm default).
// `found: false` means the name does not exist (NXDOMAIN); found with no
// targets of the asked family is NODATA.

import { isIP } from 'node:net';
import type { KObject } from '../api/object.js';
import type { Informer } from '../client/informer.js';
import type { Clock } from '../lib/clock/clock.js';
import { dashedIP, normalizeName, podLabelIP, type ZoneName } from './names.js';
import { endpointReady, LABEL_SERVICE_NAME, readService, readSlice, sliceServiceKey, type ServiceView } from './objects.js';

/** What the view needs of an informer (src/client/informer.ts's Informer has it all). */
export type RecordInformer = Pick<Informer, 'get' | 'on' | 'addIndex' | 'byIndex'>;

const BY_SERVICE = 'dns:service-name';
const BY_CLUSTER_IP = 'dns:cluster-ip';
const BY_ENDPOINT_IP = 'dns:endpoint-ip';

export interface Target {
  ip: string;
  /** the port number, for SRV; absent for an address without a port */
  port?: number;
  /** the owner name of `ip` (an SRV target): `<svc>.<ns>.svc.<zone>` or `<endpoint>.<svc>.<ns>.svc.<zone>` */
  domain: string;
}

export type Lookup = { found: false } | { found: true; targets: Target[]; cname?: string };

const NOT_FOUND: Lookup = { found: false };

export interface ClusterRecordsOptions {
  services: RecordInformer;
  endpointSlices: RecordInformer;
  /** normalized zone, e.g. cluster.local */
  zone: string;
  clock: Clock;
}

export class ClusterRecords {
  private readonly services: RecordInformer;
  private readonly slices: RecordInformer;
  private readonly zone: string;
  private modified: number;

  constructor(opts: ClusterRecordsOptions) {
    this.services = opts.services;
    this.slices = opts.endpointSlices;
    this.zone = opts.zone;
    this.modified = Math.floor(opts.clock.now() / 1000);
    this.slices.addIndex(BY_SERVICE, (s) => {
      const k = sliceServiceKey(s);
      return k ? [k] : [];
    });
    this.slices.addIndex(BY_ENDPOINT_IP, (s) => readSlice(s).endpoints.flatMap((e) => e.addresses ?? []));
    this.services.addIndex(BY_CLUSTER_IP, (s) => readService(s).clusterIPs);
    // The SOA serial is the time of the last change, as CoreDNS's (seconds).
    const touch = (): void => {
      this.modified = Math.floor(opts.clock.now() / 1000);
    };
    for (const inf of [this.services, this.slices]) inf.on({ add: touch, update: touch, delete: touch });
  }

  /** The SOA serial: unix seconds of the last change seen. */
  get serial(): number {
    return this.modified >>> 0;
  }

  lookup(q: ZoneName): Lookup {
    switch (q.kind) {
      case 'apex':
      case 'namespace':
      case 'nameserver':
      case 'dns-version':
        return { found: true, targets: [] };
      case 'invalid':
        return NOT_FOUND;
      case 'pod': {
        const ip = podLabelIP(q.pod);
        return ip ? { found: true, targets: [{ ip, domain: `${q.pod}.${q.namespace}.pod.${this.zone}` }] } : NOT_FOUND;
      }
      case 'service':
        return this.service(q);
    }
  }

  private service(q: Extract<ZoneName, { kind: 'service' }>): Lookup {
    const obj = this.services.get(`${q.namespace}/${q.service}`);
    if (!obj) return NOT_FOUND;
    const svc = readService(obj);
    if (svc.type === 'ExternalName') {
      // External services have no endpoints; an external name that is an IP makes no record (CoreDNS).
      if (q.endpoint !== undefined || !svc.externalName || isIP(svc.externalName)) return NOT_FOUND;
      return { found: true, targets: [], cname: normalizeName(svc.externalName) };
    }
    const svcDomain = `${q.service}.${q.namespace}.svc.${this.zone}`;
    if (svc.headless || q.endpoint !== undefined) return this.endpoints(q, svc, svcDomain);
    let found = false;
    const targets: Target[] = [];
    for (const p of svc.ports) {
      if (!portMatches(q, p)) continue;
      found = true;
      for (const ip of svc.clusterIPs) targets.push(withPort({ ip, domain: svcDomain }, p.port));
    }
    return found ? { found, targets } : NOT_FOUND;
  }

  private endpoints(q: Extract<ZoneName, { kind: 'service' }>, svc: ServiceView, svcDomain: string): Lookup {
    let found = false;
    const targets: Target[] = [];
    for (const slice of this.slices.byIndex(BY_SERVICE, `${q.namespace}/${q.service}`)) {
      const view = readSlice(slice);
      if (view.addressType === 'FQDN') continue;
      const ports = view.ports.length > 0 ? view.ports : [{}];
      for (const ep of view.endpoints) {
        if (!endpointReady(ep, svc.publishNotReady)) continue;
        for (const addr of ep.addresses ?? []) {
          const host = (ep.hostname || dashedIP(addr)).toLowerCase();
          if (q.endpoint !== undefined && q.endpoint !== host) continue;
          for (const p of ports) {
            if (!portMatches(q, p)) continue;
            found = true;
            targets.push(withPort({ ip: addr, domain: `${host}.${svcDomain}` }, p.port));
          }
        }
      }
    }
    return found ? { found, targets } : NOT_FOUND;
  }

  /** The names whose address is `ip` (PTR): a Service's cluster IP first, else every ready endpoint holding it. */
  reverse(ip: string): string[] {
    const svc = this.services.byIndex(BY_CLUSTER_IP, ip)[0];
    if (svc) return [`${svc.metadata.name}.${svc.metadata.namespace}.svc.${this.zone}`];
    const names = new Set<string>();
    for (const slice of this.slices.byIndex(BY_ENDPOINT_IP, ip)) {
      const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
      if (!name) continue;
      const ns = slice.metadata.namespace ?? '';
      const owner: KObject | undefined = this.services.get(`${ns}/${name}`);
      const publishNotReady = owner ? readService(owner).publishNotReady : false;
      for (const ep of readSlice(slice).endpoints) {
        if (!(ep.addresses ?? []).includes(ip) || !endpointReady(ep, publishNotReady)) continue;
        names.add(`${(ep.hostname || dashedIP(ip)).toLowerCase()}.${name}.${ns}.svc.${this.zone}`);
      }
    }
    return [...names];
  }
}

function portMatches(q: { port?: string; protocol?: string }, p: { name?: string; protocol?: string }): boolean {
  if (q.port !== undefined && q.port !== (p.name ?? '').toLowerCase()) return false;
  if (q.protocol !== undefined && q.protocol !== (p.protocol ?? 'TCP').toLowerCase()) return false;
  return true;
}

function withPort(t: Target, port: number | undefined): Target {
  return port === undefined ? t : { ...t, port };
}
