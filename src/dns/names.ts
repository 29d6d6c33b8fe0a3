// The names of the cluster zone (the Kubernetes DNS specification's schema)
// and how a question name maps onto them — CoreDNS's kubernetes plugin
// parseRequest, read from the right:
//
//   <zone> | svc.<zone> | pod.<zone>              apex: exists, no data
//   <ns>.svc.<zone> | <ns>.pod.<zone>             a namespace: exists, no data
//   <svc>.<ns>.svc.<zone>                         a Service
//   <endpoint>.<svc>.<ns>.svc.<zone>              one endpoint (hostname or a-b-c-d)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>        SRV for a named port
//   <a-b-c-d>.<ns>.pod.<zone>                     a pod (insecure mode: any IP answers)
//   dns-version.<zone> (TXT), ns.dns.<zone>       the schema version, the server itself
//
// Anything else under the zone does not exist (NXDOMAIN). Comparison is
// case-insensitive: every name is lower-cased and stripped of its final dot.

import { isIP } from 'node:net';

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** True when `name` is `zone` or below it (both normalized). */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

export type ZoneName =
  | { kind: 'apex' }
  | { kind: 'dns-version' }
  | { kind: 'nameserver' }
  | { kind: 'invalid' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'service'; namespace: string; service: string; endpoint?: string; port?: string; protocol?: string }
  | { kind: 'pod'; namespace: string; pod: string };

/** Parses a normalized name inside `zone` (the caller checked `inZone`). */
export function parseZoneName(name: string, zone: string): ZoneName {
  const base = name === zone ? '' : name.slice(0, name.length - zone.length - 1);
  if (base === '' || base === 'svc' || base === 'pod') return { kind: 'apex' };
  if (base === 'dns-version') return { kind: 'dns-version' };
  if (base === 'ns.dns') return { kind: 'nameserver' };
  const segs = base.split('.');
  const podOrSvc = segs.pop();
  if (podOrSvc !== 'svc' && podOrSvc !== 'pod') return { kind: 'invalid' };
  const namespace = segs.pop();
  if (!namespace) return { kind: 'invalid' };
  const target = segs.pop();
  if (target === undefined) return { kind: 'namespace', namespace };
  if (podOrSvc === 'pod') return segs.length === 0 ? { kind: 'pod', namespace, pod: target } : { kind: 'invalid' };
  if (segs.length === 0) return { kind: 'service', namespace, service: target };
  if (segs.length === 1) return { kind: 'service', namespace, service: target, endpoint: segs[0]! };
  if (segs.length === 2) return { kind: 'service', namespace, service: target, port: stripUnderscore(segs[0]!), protocol: stripUnderscore(segs[1]!) };
  return { kind: 'invalid' };
}

function stripUnderscore(s: string): string {
  return s.startsWith('_') ? s.slice(1) : s;
}

/** The endpoint label of an address without a hostname: dots (or colons) become dashes (CoreDNS endpointHostname). */
export function dashedIP(ip: string): string {
  return ip.includes('.') ? ip.replaceAll('.', '-') : ip.replaceAll(':', '-');
}

/** The IP a pod label names (`10-1-2-3`, or dashed IPv6), or undefined when it names none. */
export function podLabelIP(label: string): string | undefined {
  const ip = (label.match(/-/g) ?? []).length === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return isIP(ip) ? ip : undefined;
}

/** The IPv4 address of `d.c.b.a.in-addr.arpa`, or undefined (IPv6 reverse names are not served here). */
export function reverseIPv4(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(name);
  if (!m) return undefined;
  const ip = [m[4], m[3], m[2], m[1]].join('.');
  return isIP(ip) === 4 ? ip : undefined;
}
