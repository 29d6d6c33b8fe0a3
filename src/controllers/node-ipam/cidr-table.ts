// Which /N blocks of a cluster range are taken, by whom: the allocation
// table of the node-ipam controller. Taking and releasing are O(1); finding
// the lowest free block starts from a hint that only moves down on release,
// so handing out n blocks one after another costs O(n) in all, not O(n²).

import { formatCidr, nthSubnet, parseCidr, subnetCount, type Ipv4Cidr } from '../../agent/runtime/process/network/cidr.js';

export class CidrTable {
  private readonly range: Ipv4Cidr;
  private readonly count: number;
  private readonly owner = new Map<number, string>();
  private readonly held = new Map<string, number>();
  /** no block below this index is free */
  private lowestFree = 0;

  constructor(
    clusterCidr: string,
    private readonly size: number,
  ) {
    this.range = parseCidr(clusterCidr);
    this.count = subnetCount(this.range, size);
  }

  /** The block index of `cidr` in the range, or undefined when it is not one of its blocks. */
  private indexOf(cidr: string): number | undefined {
    let c: Ipv4Cidr;
    try {
      c = parseCidr(cidr);
    } catch {
      return undefined;
    }
    if (c.prefix !== this.size || c.network < this.range.network) return undefined;
    const i = (c.network - this.range.network) / 2 ** (32 - this.size);
    return Number.isInteger(i) && i < this.count ? i : undefined;
  }

  /** Records that `holder` has `cidr` (a node's spec.podCIDR, or an assignment in flight). */
  hold(holder: string, cidr: string): void {
    const i = this.indexOf(cidr);
    if (i === undefined || this.held.get(holder) === i) return;
    this.release(holder);
    this.owner.set(i, holder);
    this.held.set(holder, i);
  }

  /** Frees whatever `holder` has. */
  release(holder: string): void {
    const i = this.held.get(holder);
    if (i === undefined) return;
    this.held.delete(holder);
    if (this.owner.get(i) === holder) {
      this.owner.delete(i);
      if (i < this.lowestFree) this.lowestFree = i;
    }
  }

  has(holder: string): boolean {
    return this.held.has(holder);
  }

  /** Takes the lowest free block for `holder`; undefined when the range is full. */
  take(holder: string): string | undefined {
    while (this.lowestFree < this.count && this.owner.has(this.lowestFree)) this.lowestFree++;
    if (this.lowestFree >= this.count) return undefined;
    const cidr = formatCidr(nthSubnet(this.range, this.lowestFree, this.size));
    this.hold(holder, cidr);
    return cidr;
  }
}
