// Service address allocation: ClusterIPs from the service CIDR and NodePorts
// from 30000–32767. Each allocated value is a key in the store created with
// compare-and-swap (create fails if it exists), so two API servers on one
// etcd can never hand out the same address. Released when the Service is
// deleted or its create fails.
//
// Known gap: a crash between allocation and the Service write leaks the
// address until a repair loop (not yet written) reconciles keys with Services.

import { randomInt } from 'node:crypto';
import type { KObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import type { Store } from '../../storage/store.js';
import type { AdmissionPlugin, AdmissionRequest } from '../registry/hooks.js';

export interface ServiceCidr {
  base: number; // network address as uint32
  size: number; // number of addresses
}

export function parseCidr(cidr: string): ServiceCidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${cidr}`);
  const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
  const bits = Number(m[5]);
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), size };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipToNumber(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
}

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

function invalidService(obj: KObject, field: string, value: unknown, detail: string): ApiError {
  const msg = `${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return new ApiError(422, 'Invalid', `Service "${obj.metadata.name ?? ''}" is invalid: ${msg}`, {
    name: obj.metadata.name ?? '',
    kind: 'Service',
    causes: [{ reason: 'FieldValueInvalid', message: msg, field }],
  });
}

export function serviceAllocation(opts: { store: Store; cidr: string }): AdmissionPlugin {
  const { store } = opts;
  const range = parseCidr(opts.cidr);
  // Per request: what this admission reserved, so abort can give it back.
  const reserved = new WeakMap<AdmissionRequest, string[]>();
  const owner = (obj: KObject): string => JSON.stringify({ namespace: obj.metadata.namespace, name: obj.metadata.name });

  async function claim(key: string, obj: KObject): Promise<boolean> {
    const r = await store.create(key, owner(obj));
    return r.ok;
  }

  async function allocateIp(obj: KObject, keys: string[]): Promise<string> {
    // Skip the network address and the first host (the `kubernetes` Service's, by convention).
    for (let i = 0; i < 64; i++) {
      const n = range.base + 2 + randomInt(Math.max(1, range.size - 3));
      const ip = ipToString(n);
      if (await claim(IP_PREFIX + ip, obj)) {
        keys.push(IP_PREFIX + ip);
        return ip;
      }
    }
    for (let n = range.base + 2; n < range.base + range.size - 1; n++) {
      const ip = ipToString(n);
      if (await claim(IP_PREFIX + ip, obj)) {
        keys.push(IP_PREFIX + ip);
        return ip;
      }
    }
    throw invalidService(obj, 'spec.clusterIPs', [], 'failed to allocate IP: range is full');
  }

  async function allocatePort(obj: KObject, keys: string[]): Promise<number> {
    for (let i = 0; i < 64; i++) {
      const p = NODEPORT_MIN + randomInt(NODEPORT_MAX - NODEPORT_MIN + 1);
      if (await claim(PORT_PREFIX + p, obj)) {
        keys.push(PORT_PREFIX + p);
        return p;
      }
    }
    throw invalidService(obj, 'spec.ports[0].nodePort', 0, 'failed to allocate a nodePort: range is full');
  }

  async function release(keys: string[]): Promise<void> {
    for (const k of keys) await store.delete(k);
  }

  return {
    name: 'ServiceAllocation',
    async admit(req) {
      if (req.resource.plural !== 'services' || req.resource.group || req.subresource) return;
      if (req.op === 'delete') return;
      const obj = req.obj;
      const spec = (obj.spec ?? {}) as Spec;
      obj.spec = spec;
      const oldSpec = ((req.old?.spec ?? {}) as Spec);
      const keys: string[] = [];
      reserved.set(req, keys);
      try {
        if (spec.type !== 'ExternalName') {
          if (!spec.clusterIP && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
          if (req.op === 'update' && !spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
          if (!spec.clusterIP) {
            spec.clusterIP = await allocateIp(obj, keys);
          } else if (spec.clusterIP !== 'None' && spec.clusterIP !== oldSpec.clusterIP) {
            const n = ipToNumber(spec.clusterIP);
            if (n === undefined || n < range.base || n >= range.base + range.size) {
              throw invalidService(obj, 'spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${ipToString(range.base)}/${32 - Math.log2(range.size)}`);
            }
            if (!(await claim(IP_PREFIX + spec.clusterIP, obj))) {
              throw invalidService(obj, 'spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`);
            }
            keys.push(IP_PREFIX + spec.clusterIP);
          }
          spec.clusterIPs = [spec.clusterIP];
        }
        if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
          const oldPorts = new Map((oldSpec.ports ?? []).map((p) => [p.port, p.nodePort]));
          for (const [i, p] of (spec.ports ?? []).entries()) {
            if (p.nodePort === undefined && oldPorts.get(p.port) !== undefined) p.nodePort = oldPorts.get(p.port)!;
            if (p.nodePort === undefined) p.nodePort = await allocatePort(obj, keys);
            else if (![...oldPorts.values()].includes(p.nodePort)) {
              if (p.nodePort < NODEPORT_MIN || p.nodePort > NODEPORT_MAX) throw invalidService(obj, `spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODEPORT_MIN}-${NODEPORT_MAX}`);
              if (!(await claim(PORT_PREFIX + p.nodePort, obj))) throw invalidService(obj, `spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated');
              keys.push(PORT_PREFIX + p.nodePort);
            }
          }
        }
      } catch (err) {
        await release(keys);
        throw err;
      }
    },
    async abort(req) {
      const keys = reserved.get(req);
      if (keys) await release(keys);
    },
    async deleted(resource, obj) {
      if (resource.plural !== 'services' || resource.group) return;
      const spec = (obj.spec ?? {}) as Spec;
      const keys: string[] = [];
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) if (ip !== 'None') keys.push(IP_PREFIX + ip);
      for (const p of spec.ports ?? []) if (p.nodePort) keys.push(PORT_PREFIX + p.nodePort);
      await release(keys);
    },
  };
}
