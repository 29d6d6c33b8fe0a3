// The Service environment variables the kubelet gives every container
// (pkg/kubelet/envvars/envvars.go and getServiceEnvVarMap in
// kubelet_pods.go, 1.32): for each Service with a ClusterIP (not None, not
// empty) among those the pod sees — the `kubernetes` Service of `default`
// always, and every Service of the pod's own namespace unless
// enableServiceLinks is false (a `kubernetes` Service there wins over
// default's) — with NAME = the Service name upper-cased, `-` → `_`:
//   NAME_SERVICE_HOST, NAME_SERVICE_PORT (first port),
//   NAME_SERVICE_PORT_<PORTNAME> (each named port),
//   NAME_PORT (first port, proto://ip:port), and per port
//   NAME_PORT_<port>_<PROTO>, …_PROTO, …_PORT, …_ADDR (Docker links).
// The container's own env wins over these (env.ts appends only the names it
// did not set, and `$(VAR)` may refer to them).

import type { KObject } from '../../api/object.js';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

const MASTER_SERVICES = new Set(['kubernetes']);

function envName(s: string): string {
  return s.replace(/-/g, '_').toUpperCase();
}

function clusterIpOf(svc: KObject): string | undefined {
  const ip = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP;
  return ip && ip !== 'None' ? ip : undefined;
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** envvars.FromServices: the variables of `services`, in order. */
export function fromServices(services: KObject[]): [string, string][] {
  const out: [string, string][] = [];
  for (const svc of services) {
    const ip = clusterIpOf(svc);
    const ports = ((svc.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).filter((p) => typeof p.port === 'number');
    const first = ports[0];
    if (!ip || !first) continue;
    const prefix = envName(svc.metadata.name ?? '');
    out.push([`${prefix}_SERVICE_HOST`, ip]);
    out.push([`${prefix}_SERVICE_PORT`, String(first.port)]);
    for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    ports.forEach((p, i) => {
      const proto = p.protocol || 'TCP';
      const url = `${proto.toLowerCase()}://${hostPort(ip, p.port)}`;
      if (i === 0) out.push([`${prefix}_PORT`, url]);
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push([pp, url], [`${pp}_PROTO`, proto.toLowerCase()], [`${pp}_PORT`, String(p.port)], [`${pp}_ADDR`, ip]);
    });
  }
  return out;
}

/** getServiceEnvVarMap: which Services a pod in `namespace` sees, then their variables. */
export function serviceEnv(namespace: string, enableServiceLinks: boolean, services: KObject[]): Map<string, string> {
  const chosen = new Map<string, KObject>();
  for (const svc of services) {
    if (!clusterIpOf(svc)) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === 'default' && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (svc.metadata.namespace === namespace && enableServiceLinks) {
      chosen.set(name, svc);
    }
  }
  const sorted = [...chosen.keys()].sort().map((k) => chosen.get(k)!);
  return new Map(fromServices(sorted));
}

/** The pod's Service variables, reading the Services it can see through `list` (a namespace's Services). */
export async function podServiceEnv(pod: KObject, list: (namespace: string) => Promise<KObject[]>): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? 'default';
  const links = (pod.spec as { enableServiceLinks?: boolean } | undefined)?.enableServiceLinks !== false;
  const services = ns === 'default' ? await list('default') : [...(await list('default')).filter((s) => MASTER_SERVICES.has(s.metadata.name ?? '')), ...(links ? await list(ns) : [])];
  return serviceEnv(ns, links, services);
}
