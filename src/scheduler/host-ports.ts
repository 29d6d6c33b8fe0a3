// Host ports in use on a node (framework.HostPortInfo) and the conflict rule
// NodePorts applies: an empty hostIP means 0.0.0.0 and an empty protocol TCP;
// 0.0.0.0 conflicts with the same port/protocol on any address, a specific
// address with itself or 0.0.0.0. Only ports with hostPort > 0 count, and only
// regular containers' ports (1.32 ignores init and sidecar containers here).

import { num, objects, str, type JsonObject } from '../api/validation/json-read.js';

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

const ALL = '0.0.0.0';

function sanitized(p: HostPort): HostPort {
  return { ip: p.ip || ALL, protocol: p.protocol || 'TCP', port: p.port };
}

/** getContainerPorts: the ports of a pod's containers that ask for a host port. */
export function podHostPorts(spec: JsonObject): HostPort[] {
  const out: HostPort[] = [];
  for (const [c] of objects(spec.containers)) {
    for (const [p] of objects(c.ports)) {
      const port = num(p.hostPort);
      if (port > 0) out.push({ ip: str(p.hostIP), protocol: str(p.protocol), port });
    }
  }
  return out;
}

/**
 * A multiset of used host ports. (Go keeps a set; counting instead means a
 * port stays "used" until the last pod holding it is gone, which only differs
 * when two pods already share a port.)
 */
export class HostPortSet {
  /** ip → "protocol/port" → count */
  private readonly byIp = new Map<string, Map<string, number>>();

  add(p: HostPort, delta: 1 | -1 = 1): void {
    if (p.port <= 0) return;
    const s = sanitized(p);
    const key = `${s.protocol}/${s.port}`;
    let m = this.byIp.get(s.ip);
    if (!m) {
      if (delta < 0) return;
      m = new Map();
      this.byIp.set(s.ip, m);
    }
    const next = (m.get(key) ?? 0) + delta;
    if (next <= 0) m.delete(key);
    else m.set(key, next);
    if (m.size === 0) this.byIp.delete(s.ip);
  }

  /** HostPortInfo.CheckConflict */
  conflicts(p: HostPort): boolean {
    if (p.port <= 0) return false;
    const s = sanitized(p);
    const key = `${s.protocol}/${s.port}`;
    if (s.ip === ALL) {
      for (const m of this.byIp.values()) if (m.has(key)) return true;
      return false;
    }
    return (this.byIp.get(ALL)?.has(key) ?? false) || (this.byIp.get(s.ip)?.has(key) ?? false);
  }
}
