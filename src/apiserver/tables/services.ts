// Printers for service networking: services (TYPE CLUSTER-IP EXTERNAL-IP
// PORT(S), ports as `80/TCP` or `80:30080/TCP`), endpoints (first three
// `ip:port`s then `+ N more...`) and discovery.k8s.io endpointslices.
// The server prints wide, so load-balancer addresses are never clipped.
// Where API defaulting always fills a field (type ClusterIP, protocol TCP),
// an object stored without it prints as if defaulted.

import type { KObject } from '../../api/object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { compareStrings, formatLabels } from './labels.js';
import type { TablePrinter } from './table.js';

interface ServiceJson extends KObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    selector?: Record<string, string>;
    ports?: { port?: number; nodePort?: number; protocol?: string }[];
  };
  status?: {
    loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
  };
}

/** loadBalancerStatusStringer (wide): sorted, de-duplicated IPs or hostnames. */
function loadBalancerAddresses(svc: ServiceJson): string {
  const seen = new Set<string>();
  for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
    if (ingress.ip) seen.add(ingress.ip);
    else if (ingress.hostname) seen.add(ingress.hostname);
  }
  return [...seen].sort(compareStrings).join(',');
}

/** API defaulting sets type ClusterIP before storage; mirror it for objects stored without. */
function serviceType(svc: ServiceJson): string {
  return svc.spec?.type ?? 'ClusterIP';
}

function externalIP(svc: ServiceJson): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (serviceType(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb ? lb : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** makePortString; protocol defaults to TCP as the API server's defaulting does. */
function portString(svc: ServiceJson): string {
  const pieces = (svc.spec?.ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    return p.nodePort && p.nodePort > 0 ? `${p.port ?? 0}:${p.nodePort}/${protocol}` : `${p.port ?? 0}/${protocol}`;
  });
  return pieces.length > 0 ? pieces.join(',') : '<none>';
}

/** The v1→internal conversion makes clusterIP authoritative over clusterIPs[0]. */
function clusterIP(svc: ServiceJson): string {
  const ip = svc.spec?.clusterIP || svc.spec?.clusterIPs?.[0];
  return ip ? ip : '<none>';
}

export const servicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageColumn(),
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', { priority: 1 }),
  ],
  cells(obj, now) {
    const svc = obj as ServiceJson;
    return [
      svc.metadata.name ?? '',
      serviceType(svc),
      clusterIP(svc),
      externalIP(svc),
      portString(svc),
      translateTimestampSince(svc.metadata.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

interface EndpointsJson extends KObject {
  subsets?: {
    addresses?: { ip?: string }[];
    ports?: { name?: string; port?: number }[];
  }[];
}

/** net.JoinHostPort: IPv6 literals get brackets. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const MAX_LISTED = 3;

/** formatEndpoints(endpoints, nil): the first three addresses, then `+ N more...`. */
export function formatEndpoints(ep: EndpointsJson): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      // headless services may have no ports
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === MAX_LISTED) {
          more = true;
          break;
        }
        list.push(addr.ip ?? '');
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === MAX_LISTED) {
          more = true;
          break;
        }
        list.push(joinHostPort(addr.ip ?? '', port.port ?? 0));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - MAX_LISTED} more...` : joined;
}

export const endpointsPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const ep = obj as EndpointsJson;
    return [ep.metadata.name ?? '', formatEndpoints(ep), translateTimestampSince(ep.metadata.creationTimestamp, now)];
  },
};

interface EndpointSliceJson extends KObject {
  addressType?: string;
  ports?: { name?: string; port?: number }[];
  endpoints?: { addresses?: string[] }[];
}

function listWithMore(list: string[], more: boolean, count: number): string {
  const joined = list.join(',');
  if (more) return `${joined} + ${count - MAX_LISTED} more...`;
  return joined === '' ? '<unset>' : joined;
}

function formatDiscoveryPorts(slice: EndpointSliceJson): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const port of slice.ports ?? []) {
    if (list.length < MAX_LISTED) {
      list.push(port.port !== undefined ? String(port.port) : port.name !== undefined ? port.name : '*');
    } else if (list.length === MAX_LISTED) {
      more = true;
    }
    count++;
  }
  return listWithMore(list, more, count);
}

function formatDiscoveryEndpoints(slice: EndpointSliceJson): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const endpoint of slice.endpoints ?? []) {
    for (const address of endpoint.addresses ?? []) {
      if (list.length < MAX_LISTED) list.push(address);
      else if (list.length === MAX_LISTED) more = true;
      count++;
    }
  }
  return listWithMore(list, more, count);
}

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const slice = obj as EndpointSliceJson;
    return [
      slice.metadata.name ?? '',
      slice.addressType ?? '',
      formatDiscoveryPorts(slice),
      formatDiscoveryEndpoints(slice),
      translateTimestampSince(slice.metadata.creationTimestamp, now),
    ];
  },
};
