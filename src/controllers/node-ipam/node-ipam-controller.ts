// Gives every Node a pod CIDR (spec.podCIDR / podCIDRs): the next free /24
// (by default) of the cluster range, so agents — several on one host
// included — never hand out the same pod IP. A CIDR is taken only by a
// node that does not have one yet (a merge patch guarded by the node's
// resourceVersion), and a node keeps its CIDR for life.
//
// Assumes one allocating control plane (HA allocation arrives with leader
// election); the informer plus the in-flight set prevents double use within it.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { Informer } from '../../client/informer.js';
import { NODES } from '../../client/resources.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';

export interface NodeIpamOptions {
  client: ApiClient;
  log: Logger;
  /** e.g. 10.42.0.0/16 */
  clusterCidr: string;
  /** prefix length of each node's range, default 24 */
  nodeMaskSize?: number;
}

export function parseCidr(cidr: string): { base: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const ip = (((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ip & mask) >>> 0, bits };
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The i-th subnet of size /`size` inside `cidr`, or undefined past the end. */
export function nthSubnet(cidr: string, size: number, i: number): string | undefined {
  const { base, bits } = parseCidr(cidr);
  if (size < bits) return undefined;
  const count = 2 ** (size - bits);
  if (i >= count) return undefined;
  return `${formatIp((base + i * 2 ** (32 - size)) >>> 0)}/${size}`;
}

export class NodeIpamController {
  private readonly opts: NodeIpamOptions;
  private readonly informer: Informer;
  private readonly abort = new AbortController();
  private readonly inFlight = new Map<string, string>();

  constructor(opts: NodeIpamOptions) {
    this.opts = opts;
    this.informer = new Informer(opts.client, NODES, { onError: (err) => opts.log.warn({ err: String(err) }, 'node watch failed') });
    this.informer.on({ add: (n) => this.assign(n), update: (n) => this.assign(n) });
  }

  start(): void {
    void this.informer.run(this.abort.signal);
  }

  stop(): void {
    this.abort.abort();
  }

  private used(): Set<string> {
    const s = new Set<string>(this.inFlight.values());
    for (const n of this.informer.items.values()) {
      const c = (n.spec as { podCIDR?: string } | undefined)?.podCIDR;
      if (c) s.add(c);
    }
    return s;
  }

  private assign(node: KObject): void {
    const name = node.metadata.name ?? '';
    if ((node.spec as { podCIDR?: string } | undefined)?.podCIDR) {
      // The informer now shows the assignment: it no longer needs holding.
      this.inFlight.delete(name);
      return;
    }
    if (this.inFlight.has(name)) return;
    const used = this.used();
    const size = this.opts.nodeMaskSize ?? 24;
    let cidr: string | undefined;
    for (let i = 0; (cidr = nthSubnet(this.opts.clusterCidr, size, i)) !== undefined; i++) if (!used.has(cidr)) break;
    if (!cidr) {
      this.opts.log.error({ node: name, clusterCidr: this.opts.clusterCidr }, 'no pod CIDR left for the node');
      return;
    }
    this.inFlight.set(name, cidr);
    const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } };
    this.opts.client
      .patch(NODES, '', name, 'merge', patch)
      .then(() => this.opts.log.info({ node: name, podCidr: cidr }, 'pod CIDR assigned'))
      .catch((err: unknown) => {
        this.inFlight.delete(name);
        // A conflict means the node changed: the update event brings it back here.
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) this.opts.log.warn({ node: name, err: String(err) }, 'pod CIDR assignment failed');
      });
  }
}
