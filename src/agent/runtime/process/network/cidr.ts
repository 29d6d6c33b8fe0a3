// IPv4 addresses and CIDR blocks as unsigned 32-bit numbers: parse, format,
// containment, overlap, the nth /24 (or any size) of a cluster range, and a
// block's gateway (its first host address).
//
// Invariants: every number handled here is an unsigned 32-bit integer
// (`>>> 0` after each bit operation, since JS bit operators are signed); a
// parsed `Ipv4Cidr` has its host bits cleared, and `parseCidr` refuses an
// input whose host bits are set (`10.42.0.1/16` is almost always a typo for a
// range, and silently normalising it hides the typo).

export interface Ipv4Cidr {
  /** network address as an unsigned 32-bit number (host bits zero) */
  readonly network: number;
  /** prefix length, 0..32 */
  readonly prefix: number;
}

export class CidrError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
  ) {
    super(`${JSON.stringify(input)}: ${problem}`);
    this.name = 'CidrError';
  }
}

export function parseIpv4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4) throw new CidrError(s, 'not an IPv4 address');
  let n = 0;
  for (const p of parts) {
    // Leading zeros are refused: some tools read them as octal.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) throw new CidrError(s, 'not an IPv4 address');
    const v = Number(p);
    if (v > 255) throw new CidrError(s, 'octet above 255');
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function formatIpv4(n: number): string {
  const u = n >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** The netmask for a prefix length as an unsigned number (prefix 0 → 0). */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function parseCidr(s: string): Ipv4Cidr {
  const slash = s.indexOf('/');
  if (slash < 0) throw new CidrError(s, 'expected <address>/<prefix>');
  const prefixText = s.slice(slash + 1);
  if (!/^(0|[1-9]\d?)$/.test(prefixText)) throw new CidrError(s, 'bad prefix length');
  const prefix = Number(prefixText);
  if (prefix > 32) throw new CidrError(s, 'prefix length above 32');
  const addr = parseIpv4(s.slice(0, slash));
  const network = (addr & maskOf(prefix)) >>> 0;
  if (network !== addr) throw new CidrError(s, `host bits set (did you mean ${formatIpv4(network)}/${prefix}?)`);
  return { network, prefix };
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.network)}/${c.prefix}`;
}

/** Number of addresses in the block (2^(32-prefix)). */
export function sizeOf(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** The last address of the block (the broadcast address for prefixes below 31). */
export function lastAddress(c: Ipv4Cidr): number {
  return (c.network + sizeOf(c) - 1) >>> 0;
}

/** Whether `inner` (an address or a block) lies entirely inside `outer`. */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr | number): boolean {
  if (typeof inner === 'number') return ((inner & maskOf(outer.prefix)) >>> 0) === outer.network;
  return inner.prefix >= outer.prefix && ((inner.network & maskOf(outer.prefix)) >>> 0) === outer.network;
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** How many blocks of `/prefix` fit in `range`. */
export function subnetCount(range: Ipv4Cidr, prefix = 24): number {
  if (prefix < range.prefix || prefix > 32) throw new CidrError(formatCidr(range), `cannot split into /${prefix}`);
  return 2 ** (prefix - range.prefix);
}

/** The `n`th (0-based) block of size `/prefix` inside `range`: nthSubnet(10.42.0.0/16, 3) = 10.42.3.0/24. */
export function nthSubnet(range: Ipv4Cidr, n: number, prefix = 24): Ipv4Cidr {
  const count = subnetCount(range, prefix);
  if (!Number.isInteger(n) || n < 0 || n >= count) {
    throw new CidrError(formatCidr(range), `subnet index ${n} outside 0..${count - 1} for /${prefix}`);
  }
  return { network: (range.network + n * 2 ** (32 - prefix)) >>> 0, prefix };
}

/** The `n`th address of the block (0 = the network address); throws outside the block. */
export function addressAt(c: Ipv4Cidr, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= sizeOf(c)) throw new CidrError(formatCidr(c), `address index ${n} outside the block`);
  return (c.network + n) >>> 0;
}

/** The gateway convention used by hale and by host-local's default: the first host address. */
export function gatewayOf(c: Ipv4Cidr): number {
  if (c.prefix > 30) throw new CidrError(formatCidr(c), 'too small for a gateway and a pod');
  return addressAt(c, 1);
}
