// IPv4 service CIDR arithmetic for the ClusterIP allocator: parsing
// `10.43.0.0/16`, and converting addresses to and from uint32.

export interface ServiceCidr {
  base: number; // network address as uint32
  size: number; // number of addresses
  /** the CIDR as Kubernetes prints it in range errors */
  text: string;
}

export function parseCidr(cidr: string): ServiceCidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${cidr}`);
  const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
  const bits = Number(m[5]);
  const size = 2 ** (32 - bits);
  const base = ip - (ip % size);
  return { base, size, text: `${ipToString(base)}/${bits}` };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function ipToNumber(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m || [m[1], m[2], m[3], m[4]].some((o) => Number(o) > 255)) return undefined;
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
}
