// IP and CIDR parsing as Kubernetes does it (netutils.ParseIPSloppy: Go's
// net.ParseIP, but IPv4 octets may carry leading zeros), the checks that
// reject unusable endpoint addresses, and the messages Kubernetes prints.

import type { FieldError } from '../field-errors.js';
import { invalidValue } from '../field-errors.js';

export interface ParsedIP {
  family: 4 | 6;
  /** 16 bytes; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d), as Go does */
  bytes: number[];
}

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number.parseInt(p, 10);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  let head = s;
  let v4tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    v4tail = v4;
    head = s.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsWanted = 8 - v4tail.length / 2;
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0] ?? '');
  const right = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const fill = groupsWanted - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else {
    if (left.length !== groupsWanted) return undefined;
    groups = left;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return [...bytes, ...v4tail];
}

export function parseIP(s: string): ParsedIP | undefined {
  const v4 = parseIPv4(s);
  if (v4) return { family: 4, bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4] };
  if (!s.includes(':')) return undefined;
  const v6 = parseIPv6(s);
  if (!v6) return undefined;
  // Go reports an IPv4-mapped IPv6 address as IPv4 (To4() != nil).
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return { family: mapped ? 4 : 6, bytes: v6 };
}

export function parseCIDR(s: string): { ip: ParsedIP; prefix: number } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(p)) return undefined;
  const prefix = Number.parseInt(p, 10);
  if (prefix > (ip.family === 4 && !s.slice(0, slash).includes(':') ? 32 : 128)) return undefined;
  return { ip, prefix };
}

/** validation.IsValidIP */
export function validateIP(field: string, value: string): FieldError[] {
  return parseIP(value) ? [] : [invalidValue(field, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

export function validateIPv4(field: string, value: string): FieldError[] {
  return parseIP(value)?.family === 4 ? [] : [invalidValue(field, value, 'must be a valid IPv4 address')];
}

export function validateIPv6(field: string, value: string): FieldError[] {
  return parseIP(value)?.family === 6 ? [] : [invalidValue(field, value, 'must be a valid IPv6 address')];
}

/** validation.IsValidCIDR */
export function validateCIDR(field: string, value: string): FieldError[] {
  return parseCIDR(value) ? [] : [invalidValue(field, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** ValidateNonSpecialIP: endpoint and external IPs may not be unspecified, loopback or link-local. */
export function validateNonSpecialIP(field: string, value: string): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [invalidValue(field, value, 'must be a valid IP address')];
  const b = ip.bytes;
  const errs: FieldError[] = [];
  const v4 = ip.family === 4 ? b.slice(12) : undefined;
  const unspecified = v4 ? v4.every((x) => x === 0) : b.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : b[0] === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : b[0] === 0xff && ((b[1] ?? 0) & 0x0f) === 0x02;
  if (unspecified) errs.push(invalidValue(field, value, `may not be unspecified (${value})`));
  if (loopback) errs.push(invalidValue(field, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocalUnicast) errs.push(invalidValue(field, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) errs.push(invalidValue(field, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** netutils.IsDualStackIPStrings: exactly one address of each family among the list. */
export function isDualStack(ips: string[]): boolean {
  const fams = new Set(ips.map((s) => parseIP(s)?.family));
  return fams.has(4) && fams.has(6);
}
