// Picks one endpoint among the candidates of a service port: round-robin, or
// the client's sticky endpoint under sessionAffinity ClientIP.
//
// Affinity, as kube-proxy's iptables `recent` match keeps it: a client IP
// sticks to the endpoint it was last sent to for `timeoutSeconds` after its
// latest connection (each connection refreshes it). A sticky endpoint that is
// no longer a candidate (gone, unready, vetoed) or that just failed to
// connect is dropped and the client gets a fresh pick, which becomes its new
// sticky endpoint. Expired entries are swept lazily so the map stays bounded
// by the clients seen within one timeout.
//
// The round-robin cursor is per service port and survives endpoint updates
// (candidates are sorted by ip:port, so the order is stable).

import type { Clock } from '../../lib/clock/clock.js';
import type { ProxyEndpoint } from './service-ports.js';

export function endpointKey(ep: { ip: string; port: number }): string {
  return `${ep.ip}:${ep.port}`;
}

/** Sweep expired affinity entries once the map holds this many. */
const SWEEP_AT = 1024;

export class EndpointPicker {
  private cursor = 0;
  private readonly sticky = new Map<string, { key: string; lastMs: number }>();
  private sweepAt = SWEEP_AT;

  constructor(private readonly clock: Clock) {}

  /**
   * One endpoint of `candidates` not in `exclude` (keys already tried for this
   * connection), or undefined when none is left.
   */
  pick(candidates: readonly ProxyEndpoint[], o: { clientIP: string; affinitySeconds?: number; exclude?: ReadonlySet<string> }): ProxyEndpoint | undefined {
    const open = o.exclude?.size ? candidates.filter((ep) => !o.exclude!.has(endpointKey(ep))) : candidates;
    if (open.length === 0) return undefined;
    const now = this.clock.monotonic();
    if (o.affinitySeconds === undefined) return this.next(open);
    const held = this.sticky.get(o.clientIP);
    if (held && now - held.lastMs <= o.affinitySeconds * 1000) {
      const ep = open.find((c) => endpointKey(c) === held.key);
      if (ep) {
        held.lastMs = now;
        return ep;
      }
    }
    const ep = this.next(open);
    this.sticky.set(o.clientIP, { key: endpointKey(ep), lastMs: now });
    if (this.sticky.size >= this.sweepAt) this.sweep(now, o.affinitySeconds);
    return ep;
  }

  /** How many clients are held (for tests and debugging). */
  get stickyClients(): number {
    return this.sticky.size;
  }

  private next(open: readonly ProxyEndpoint[]): ProxyEndpoint {
    const ep = open[this.cursor % open.length]!;
    this.cursor = (this.cursor + 1) % 1_000_000_007;
    return ep;
  }

  private sweep(now: number, affinitySeconds: number): void {
    for (const [ip, s] of this.sticky) if (now - s.lastMs > affinitySeconds * 1000) this.sticky.delete(ip);
    // Many live clients: sweep again only after the map has doubled, so a pick stays O(1) amortized.
    this.sweepAt = Math.max(SWEEP_AT, this.sticky.size * 2);
  }
}
