// Pod IPs of one simulated node, handed out from the node's spec.podCIDR
// (given by the control plane's node-ipam controller) as a real node's CNI
// would: the network and broadcast addresses and the gateway (.1) are never
// given, an IP is never given twice while its pod exists, and IPs of pods that
// already have one (a sim restarted under running pods) are marked taken.

import { formatIpv4 as formatIp, parseCidr } from '../../agent/runtime/process/network/cidr.js';

function toInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export class PodIps {
  private readonly first: number;
  private readonly last: number;
  private readonly taken = new Map<number, string>();
  private next: number;

  constructor(readonly cidr: string) {
    const { network: base, prefix: bits } = parseCidr(cidr);
    const size = 2 ** (32 - bits);
    if (size < 8) throw new Error(`pod CIDR ${cidr} is too small for a node`);
    this.first = base + 2;
    this.last = base + size - 2;
    this.next = this.first;
  }

  /** Records that pod `uid` holds `ip` (when the IP is in this range). */
  hold(uid: string, ip: string): void {
    const n = toInt(ip);
    if (n !== undefined && n >= this.first && n <= this.last) this.taken.set(n, uid);
  }

  /** A free IP for pod `uid`; undefined when the range is exhausted. */
  allocate(uid: string): string | undefined {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const n = this.next;
      this.next = n >= this.last ? this.first : n + 1;
      if (!this.taken.has(n)) {
        this.taken.set(n, uid);
        return formatIp(n);
      }
    }
    return undefined;
  }

  release(uid: string, ip: string | undefined): void {
    const n = ip ? toInt(ip) : undefined;
    if (n !== undefined && this.taken.get(n) === uid) this.taken.delete(n);
  }
}
