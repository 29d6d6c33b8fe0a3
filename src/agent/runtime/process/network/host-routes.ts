// Host routes for hale's address ranges, in the caller's network namespace
// (the host's, or a local node's own netns; `netns` picks another by name).
//
// `unreachable` routes cover the whole cluster pod range and the service
// range, so a packet for an address hale allocated, or might allocate, never
// follows the default route off the machine: the kernel answers at once with
// EHOSTUNREACH (ICMP host-unreachable for forwarded packets) instead of the
// connection timing out somewhere upstream. Longest-prefix match keeps what
// exists reachable: the node bridge's connected /24 and `addRoute` host routes
// to other local nodes' pod CIDRs are more specific than the covering route.
//
// Invariants: every function is idempotent (applying twice is applying once;
// removing what is absent is fine). `ensureUnreachableRoutes` never clobbers a
// route of another type with the same destination (someone else's real
// route): it throws `RouteConflictError` instead. Only the main table is used.

import { formatCidr, overlaps, parseCidr, parseIpv4 } from './cidr.js';
import { runIp, runIpJson } from './ip-command.js';

export interface RouteOptions {
  /** act in this named netns instead of the caller's own */
  netns?: string;
}

export interface HostRoute {
  /** normalised CIDR (0.0.0.0/0 for default, /32 added to bare addresses) */
  dst: string;
  /** 'unicast' unless iproute2 reports another type (unreachable, blackhole, local, ...) */
  type: string;
  gateway?: string;
  dev?: string;
  metric?: number;
}

export class RouteConflictError extends Error {
  constructor(
    readonly dst: string,
    readonly existing: HostRoute,
  ) {
    super(`route ${dst} already exists as ${existing.type}${existing.dev ? ` dev ${existing.dev}` : ''}${existing.gateway ? ` via ${existing.gateway}` : ''}; not replacing it`);
    this.name = 'RouteConflictError';
  }
}

interface IpRouteJson {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  metric?: number;
}

function normaliseDst(dst: string): string {
  if (dst === 'default') return '0.0.0.0/0';
  return formatCidr(parseCidr(dst.includes('/') ? dst : `${dst}/32`));
}

/** Canonical form of a CIDR argument; throws CidrError on garbage before any command runs. */
function canonical(cidr: string): string {
  return formatCidr(parseCidr(cidr));
}

/** IPv4 routes of the main table. */
export async function listRoutes(opts: RouteOptions = {}): Promise<HostRoute[]> {
  const rows = await runIpJson<IpRouteJson>(['-4', 'route', 'show', 'table', 'main'], opts);
  return rows.map((r) => {
    const route: HostRoute = { dst: normaliseDst(r.dst), type: r.type ?? 'unicast' };
    if (r.gateway) route.gateway = r.gateway;
    if (r.dev) route.dev = r.dev;
    if (r.metric !== undefined) route.metric = r.metric;
    return route;
  });
}

export async function ensureUnreachableRoutes(cidrs: readonly string[], opts: RouteOptions = {}): Promise<void> {
  const wanted = cidrs.map(canonical);
  const existing = await listRoutes(opts);
  for (const dst of wanted) {
    const same = existing.filter((r) => r.dst === dst);
    if (same.some((r) => r.type === 'unreachable')) continue;
    const other = same[0];
    if (other) throw new RouteConflictError(dst, other);
    await runIp(['route', 'replace', 'unreachable', dst], opts);
  }
}

export async function removeUnreachableRoutes(cidrs: readonly string[], opts: RouteOptions = {}): Promise<void> {
  const wanted = cidrs.map(canonical);
  const existing = await listRoutes(opts);
  for (const dst of wanted) {
    if (!existing.some((r) => r.dst === dst && r.type === 'unreachable')) continue;
    await runIp(['route', 'del', 'unreachable', dst], opts);
  }
}

/**
 * Route `cidr` through `via` (e.g. another local node's pod CIDR through that
 * node's address). Replaces a unicast route with the same destination, so
 * re-pointing a moved node is one call.
 */
export async function addRoute(cidr: string, via: string, opts: RouteOptions & { dev?: string } = {}): Promise<void> {
  const dst = canonical(cidr);
  parseIpv4(via);
  const same = (await listRoutes(opts)).find((r) => r.dst === dst && r.type !== 'unicast');
  if (same) throw new RouteConflictError(dst, same);
  await runIp(['route', 'replace', dst, 'via', via, ...(opts.dev ? ['dev', opts.dev] : [])], opts);
}

/** Deletes the unicast route for `cidr` (only the one via `via`, when given); absent is fine. */
export async function deleteRoute(cidr: string, opts: RouteOptions & { via?: string } = {}): Promise<void> {
  const dst = canonical(cidr);
  const routes = (await listRoutes(opts)).filter(
    (r) => r.dst === dst && r.type === 'unicast' && (opts.via === undefined || r.gateway === opts.via),
  );
  for (const r of routes) {
    await runIp(['route', 'del', dst, ...(r.gateway ? ['via', r.gateway] : []), ...(r.dev ? ['dev', r.dev] : []), ...(r.metric !== undefined ? ['metric', String(r.metric)] : [])], opts);
  }
}

/**
 * Routes other than the default route whose destination overlaps `cidr`: what
 * `hale up` should avoid when it picks private ranges (a LAN on 10.42.0.0/16
 * would be shadowed by, or shadow, a cluster range there).
 */
export async function overlappingRoutes(cidr: string, opts: RouteOptions = {}): Promise<HostRoute[]> {
  const c = parseCidr(cidr);
  return (await listRoutes(opts)).filter((r) => r.dst !== '0.0.0.0/0' && overlaps(parseCidr(r.dst), c));
}
