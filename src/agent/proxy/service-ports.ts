// What the proxy knows about one Service: its TCP service ports, each with
// the addresses it is reached on and the endpoints behind it, computed from
// the Service and its EndpointSlices the way kube-proxy's service change
// tracker and EndpointSliceCache read them (pkg/proxy/servicechangetracker.go,
// endpointslicecache.go). Pure: no I/O, no clock.
//
// Rules kept from kube-proxy:
//   - Headless (clusterIP None) and ExternalName Services get no service ports;
//     only TCP ports are proxied here (UDP/SCTP are reported as `skipped`).
//   - A service port is matched to slice ports by (name, protocol); the
//     endpoint's target port is the slice's port number, so a named
//     targetPort may resolve to a different number per slice.
//   - Endpoint conditions: ready = nil or true, serving = nil or true,
//     terminating = true only when set (nil-means-true for older producers).
//   - One endpoint per address:port across every slice of the Service; when an
//     address appears twice (a pod moving between slices, or a reused pod IP)
//     the non-terminating, then the ready, copy wins.
//   - Slices are tied to their Service by the kubernetes.io/service-name label;
//     FQDN slices are ignored.

import type { KObject } from '../../api/object.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** Kubernetes' default for sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export type TrafficPolicy = 'Cluster' | 'Local';

export interface ProxyEndpoint {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** the pod behind it, for logs */
  pod?: string;
}

export interface ProxyServicePort {
  /** `namespace/name:portName` (portName may be empty) — stable while the Service exists */
  id: string;
  /** `namespace/name` */
  service: string;
  portName: string;
  port: number;
  clusterIPs: string[];
  /** absent when the Service has no node port for this port */
  nodePort?: number;
  /** seconds of ClientIP stickiness; absent when sessionAffinity is None */
  affinitySeconds?: number;
  internalTrafficPolicy: TrafficPolicy;
  externalTrafficPolicy: TrafficPolicy;
  /** sorted by ip:port, so round-robin order is stable across updates */
  endpoints: ProxyEndpoint[];
}

export interface ServicePortsResult {
  ports: ProxyServicePort[];
  /** ports this proxy does not serve (UDP, SCTP), for a debug log */
  skipped: { portName: string; port: number; protocol: string }[];
}

interface SpecPort {
  name?: string;
  protocol?: string;
  port?: number;
  nodePort?: number;
}

interface ServiceSpecView {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: SpecPort[];
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
}

interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
  targetRef?: { namespace?: string; name?: string };
}

interface SliceView {
  addressType?: string;
  ports?: { name?: string | null; protocol?: string; port?: number | null }[] | null;
  endpoints?: SliceEndpoint[] | null;
}

export function serviceKeyOf(obj: KObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** The `namespace/name` of the Service a slice belongs to, or undefined for a slice without the label. */
export function sliceServiceKey(slice: KObject): string | undefined {
  const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return name ? `${slice.metadata.namespace ?? ''}/${name}` : undefined;
}

export function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

function clusterIPsOf(spec: ServiceSpecView): string[] {
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

function policy(v: string | undefined): TrafficPolicy {
  return v === 'Local' ? 'Local' : 'Cluster';
}

/** Higher wins when one address:port appears in two slices. */
function rank(ep: ProxyEndpoint): number {
  return (ep.terminating ? 0 : 2) + (ep.ready ? 1 : 0);
}

function endpointsFor(portName: string, protocol: string, slices: Iterable<KObject>): ProxyEndpoint[] {
  const byKey = new Map<string, ProxyEndpoint>();
  for (const s of slices) {
    const slice = s as unknown as SliceView;
    if (slice.addressType === 'FQDN') continue;
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    // kube-proxy ignores a slice port without a number (or 0).
    if (!sp?.port) continue;
    for (const e of slice.endpoints ?? []) {
      const ip = e.addresses?.[0];
      if (!ip) continue;
      const c = e.conditions ?? {};
      const ep: ProxyEndpoint = {
        ip,
        port: sp.port,
        ready: c.ready == null || c.ready,
        serving: c.serving == null || c.serving,
        terminating: c.terminating === true,
      };
      if (e.nodeName) ep.nodeName = e.nodeName;
      if (e.targetRef?.name) ep.pod = `${e.targetRef.namespace ?? ''}/${e.targetRef.name}`;
      const key = `${ip}:${sp.port}`;
      const have = byKey.get(key);
      if (!have || rank(ep) > rank(have)) byKey.set(key, ep);
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ep]) => ep);
}

/** The proxied ports of `svc` given every EndpointSlice of it. */
export function servicePortsOf(svc: KObject, slices: Iterable<KObject>): ServicePortsResult {
  const spec = (svc.spec ?? {}) as ServiceSpecView;
  const out: ServicePortsResult = { ports: [], skipped: [] };
  if (spec.type === 'ExternalName') return out;
  const clusterIPs = clusterIPsOf(spec);
  if (clusterIPs.length === 0) return out;
  const service = serviceKeyOf(svc);
  const sliceList = [...slices];
  const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS) : undefined;
  const withNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  for (const p of spec.ports ?? []) {
    const protocol = p.protocol ?? 'TCP';
    const portName = p.name ?? '';
    if (!p.port) continue;
    if (protocol !== 'TCP') {
      out.skipped.push({ portName, port: p.port, protocol });
      continue;
    }
    const sp: ProxyServicePort = {
      id: `${service}:${portName}`,
      service,
      portName,
      port: p.port,
      clusterIPs,
      internalTrafficPolicy: policy(spec.internalTrafficPolicy),
      externalTrafficPolicy: policy(spec.externalTrafficPolicy),
      endpoints: endpointsFor(portName, protocol, sliceList),
    };
    if (withNodePorts && p.nodePort) sp.nodePort = p.nodePort;
    if (affinity !== undefined) sp.affinitySeconds = affinity;
    out.ports.push(sp);
  }
  return out;
}
