// Service address allocation: ClusterIPs from the service CIDR and NodePorts
// from 30000–32767. Each allocated value is a key in the store created with
// compare-and-swap (create fails if it exists), so two API servers on one
// etcd can never hand out the same address.
//
// One write's lifecycle: `admit` claims what the new object uses and the old
// one did not; `abort` gives exactly those back (failed validation, lost
// race, dry run); `committed` releases what the old object used and the new
// one does not (a port removed, NodePort → ClusterIP, → ExternalName) — only
// after the compare-and-swap, so a write that lost its race never frees an
// address the stored object still holds. `deleted` releases everything.
//
// Error texts are Kubernetes' (pkg/registry/core/service/storage/alloc.go).
// Known gap: a crash between a claim and the Service write, or between the
// write and a release, leaks the address until a repair loop exists.

import { randomInt } from 'node:crypto';
import type { KObject } from '../../api/object.js';
import type { FieldError } from '../../api/field-errors.js';
import { invalidValue } from '../../api/field-errors.js';
import { invalidGo } from '../../api/validation/more-errors.js';
import { goStringSlice } from '../../api/validation/go-syntax.js';
import { internalError, invalid, type ApiError } from '../../machinery/errors.js';
import type { Store } from '../../storage/store.js';
import type { AdmissionPlugin, AdmissionRequest } from '../registry/hooks.js';
import { ipToNumber, ipToString, parseCidr } from './service-cidr.js';

const IP_PREFIX = '/registry/serviceips/';
const PORT_PREFIX = '/registry/servicenodeports/';
const NODEPORT_MIN = 30000;
const NODEPORT_MAX = 32767;

interface Spec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: { nodePort?: number; port?: number; name?: string }[];
}

function isService(req: { resource: { plural: string; group: string } }): boolean {
  return req.resource.plural === 'services' && !req.resource.group;
}

/** The allocation keys an object holds, as stored (whatever its type says, so nothing it holds is ever forgotten). */
export function heldKeys(obj: KObject | undefined): Set<string> {
  const keys = new Set<string>();
  if (!obj) return keys;
  const spec = (obj.spec ?? {}) as Spec;
  const ips = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  for (const ip of ips) if (ip && ip !== 'None') keys.add(IP_PREFIX + ip);
  for (const p of spec.ports ?? []) if (p.nodePort) keys.add(PORT_PREFIX + p.nodePort);
  return keys;
}

function refuse(obj: KObject, e: FieldError): ApiError {
  return invalid('Service', { resource: 'services', group: '', name: obj.metadata.name ?? '' }, [e]);
}

/** What one admission of one Service claims: the keys, in order, so abort can give back exactly those. */
interface Claim {
  obj: KObject;
  /** obj.spec, being filled in */
  spec: Spec;
  /** the stored object's spec (updates) */
  old: Spec | undefined;
  /** the keys the stored object already holds: this object's to keep, never claimed twice */
  held: Set<string>;
  claimed: string[];
}

export function serviceAllocation(opts: { store: Store; cidr: string }): AdmissionPlugin {
  const { store } = opts;
  const range = parseCidr(opts.cidr);
  const reserved = new WeakMap<AdmissionRequest, string[]>();
  const owner = (obj: KObject): string => JSON.stringify({ namespace: obj.metadata.namespace, name: obj.metadata.name });

  async function claim(c: Claim, key: string): Promise<boolean> {
    const r = await store.create(key, owner(c.obj));
    if (r.ok) c.claimed.push(key);
    return r.ok;
  }

  async function allocateIp(c: Claim): Promise<string> {
    // Skip the network address and the first host (the `kubernetes` Service's, by convention).
    for (let i = 0; i < 64; i++) {
      const ip = ipToString(range.base + 2 + randomInt(Math.max(1, range.size - 3)));
      if (await claim(c, IP_PREFIX + ip)) return ip;
    }
    for (let n = range.base + 2; n < range.base + range.size - 1; n++) {
      const ip = ipToString(n);
      if (await claim(c, IP_PREFIX + ip)) return ip;
    }
    throw internalError('failed to allocate a serviceIP: range is full');
  }

  async function allocatePort(c: Claim): Promise<number> {
    for (let i = 0; i < 64; i++) {
      const p = NODEPORT_MIN + randomInt(NODEPORT_MAX - NODEPORT_MIN + 1);
      if (await claim(c, PORT_PREFIX + p)) return p;
    }
    for (let p = NODEPORT_MIN; p <= NODEPORT_MAX; p++) {
      if (await claim(c, PORT_PREFIX + p)) return p;
    }
    throw internalError('failed to allocate a nodePort: range is full');
  }

  async function release(keys: Iterable<string>): Promise<void> {
    for (const k of keys) await store.delete(k);
  }

  async function admitClusterIP(c: Claim): Promise<void> {
    const { spec, old } = c;
    if (!spec.clusterIP && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
    if (old && !spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (!spec.clusterIP) spec.clusterIP = await allocateIp(c);
    else if (spec.clusterIP !== 'None' && !c.held.has(IP_PREFIX + spec.clusterIP)) {
      const ip = spec.clusterIP;
      const n = ipToNumber(ip);
      // A malformed address is validation's to report; nothing to claim.
      if (n !== undefined) {
        const ips = goStringSlice(spec.clusterIPs ?? [ip]);
        if (n < range.base || n >= range.base + range.size) {
          throw refuse(c.obj, invalidGo('spec.clusterIPs', ips, `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${range.text}`));
        }
        if (!(await claim(c, IP_PREFIX + ip))) {
          throw refuse(c.obj, invalidGo('spec.clusterIPs', ips, `failed to allocate IP ${ip}: provided IP is already allocated`));
        }
      }
    }
    spec.clusterIPs = [spec.clusterIP];
  }

  async function admitNodePorts(c: Claim): Promise<void> {
    const { spec, old } = c;
    const oldByPort = new Map((old?.ports ?? []).filter((p) => p.nodePort).map((p) => [p.port, p.nodePort!]));
    // Ports with one number (TCP and UDP of one service port) share a nodePort, as in Kubernetes.
    const byPort = new Map<number | undefined, number>();
    for (const [i, p] of (spec.ports ?? []).entries()) {
      if (p.nodePort === undefined || p.nodePort === 0) {
        p.nodePort = byPort.get(p.port) ?? oldByPort.get(p.port) ?? (await allocatePort(c));
      } else {
        const key = PORT_PREFIX + p.nodePort;
        if (!c.held.has(key) && !c.claimed.includes(key)) {
          const field = `spec.ports[${i}].nodePort`;
          if (p.nodePort < NODEPORT_MIN || p.nodePort > NODEPORT_MAX) {
            throw refuse(c.obj, invalidValue(field, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODEPORT_MIN}-${NODEPORT_MAX}`));
          }
          if (!(await claim(c, key))) throw refuse(c.obj, invalidValue(field, p.nodePort, 'provided port is already allocated'));
        }
      }
      if (!byPort.has(p.port)) byPort.set(p.port, p.nodePort);
    }
  }

  return {
    name: 'ServiceAllocation',
    async admit(req) {
      if (!isService(req) || req.subresource || req.op === 'delete') return;
      const spec = (req.obj.spec ?? {}) as Spec;
      req.obj.spec = spec;
      const old = req.old ? ((req.old.spec ?? {}) as Spec) : undefined;
      const c: Claim = { obj: req.obj, spec, old, held: heldKeys(req.old), claimed: [] };
      reserved.set(req, c.claimed);
      try {
        if (spec.type !== 'ExternalName') await admitClusterIP(c);
        if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') await admitNodePorts(c);
      } catch (err) {
        reserved.delete(req);
        await release(c.claimed);
        throw err;
      }
    },
    async abort(req) {
      const claimed = reserved.get(req);
      reserved.delete(req);
      if (claimed) await release(claimed);
    },
    async committed(req) {
      reserved.delete(req);
      if (!isService(req) || req.op !== 'update') return;
      const now = heldKeys(req.obj);
      await release([...heldKeys(req.old)].filter((k) => !now.has(k)));
    },
    async deleted(resource, obj) {
      if (resource.plural !== 'services' || resource.group) return;
      await release(heldKeys(obj));
    },
  };
}
