// When the control plane itself last saw each node alive, on its own
// monotonic clock — never from the `renewTime` another machine's clock wrote.
// A node is seen alive when its Lease changes (a renewal) or its Ready
// condition's heartbeat advances. Every node is fresh when it is first seen,
// which includes every node when the controller starts: a control plane that
// was down for a minute does not declare the world dead on its first look.
//
// A node is *expired* once it has not been seen for its grace — the Lease's
// own leaseDurationSeconds (or a configured override), or the startup grace
// while it has never renewed a Lease — and *suspect* once it has not been
// seen for half of it. Suspects are not tainted, but they count as not ready
// for the zone's circuit breaker: when the control plane loses every node at
// once (its own network failed) they all turn suspect before the first one
// expires, so the zone reads FullDisruption and nothing is evicted.

import type { Clock } from '../../lib/clock/clock.js';

interface Seen {
  at: number;
  leaseVersion?: string;
  heartbeat?: string;
  leaseDurationMs?: number;
}

export interface HealthOptions {
  /** overrides every Lease's own duration (ms) */
  graceMs?: number;
  /** grace for a node that has no Lease yet (ms) */
  startupGraceMs: number;
}

export class NodeHealth {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly clock: Clock,
    private readonly opts: HealthOptions,
  ) {}

  /** A node's Ready heartbeat as its object shows it; a change counts as a sign of life. */
  observeNode(name: string, heartbeat: string | undefined): void {
    const s = this.seen.get(name);
    if (!s) {
      this.seen.set(name, { at: this.clock.monotonic(), ...(heartbeat ? { heartbeat } : {}) });
      return;
    }
    if (heartbeat && heartbeat !== s.heartbeat) {
      s.heartbeat = heartbeat;
      s.at = this.clock.monotonic();
    }
  }

  /** A node's Lease as it is now; a new version is a renewal. */
  observeLease(name: string, version: string, durationSeconds: number | undefined): void {
    const s = this.seen.get(name);
    const leaseDurationMs = durationSeconds && durationSeconds > 0 ? durationSeconds * 1000 : undefined;
    if (!s) {
      this.seen.set(name, { at: this.clock.monotonic(), leaseVersion: version, ...(leaseDurationMs ? { leaseDurationMs } : {}) });
      return;
    }
    if (leaseDurationMs) s.leaseDurationMs = leaseDurationMs;
    if (version !== s.leaseVersion) {
      s.leaseVersion = version;
      s.at = this.clock.monotonic();
    }
  }

  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Every node counts as just seen (leaving full disruption, becoming leader). */
  refreshAll(): void {
    const now = this.clock.monotonic();
    for (const s of this.seen.values()) s.at = now;
  }

  graceMs(name: string): number {
    const s = this.seen.get(name);
    return this.opts.graceMs ?? s?.leaseDurationMs ?? this.opts.startupGraceMs;
  }

  /** Milliseconds since the control plane last saw the node alive (0 for a node never seen: it is fresh). */
  silentMs(name: string): number {
    const s = this.seen.get(name);
    return s ? this.clock.monotonic() - s.at : 0;
  }

  expired(name: string): boolean {
    return this.silentMs(name) >= this.graceMs(name);
  }

  suspect(name: string): boolean {
    return this.silentMs(name) >= this.graceMs(name) / 2;
  }

  /** Milliseconds until the next node turns suspect or expires (Infinity when none will). */
  msUntilNextChange(): number {
    const now = this.clock.monotonic();
    let next = Infinity;
    for (const [n, s] of this.seen) next = Math.min(next, this.msUntil(n, s, now));
    return next;
  }

  /** Milliseconds until `name` turns suspect or expires (Infinity when it will not, or is unknown). */
  msUntilChangeOf(name: string): number {
    const s = this.seen.get(name);
    return s ? this.msUntil(name, s, this.clock.monotonic()) : Infinity;
  }

  /** The nodes that turned suspect or expired at a moment in (from, to] (monotonic ms). */
  crossedBetween(from: number, to: number): string[] {
    const out: string[] = [];
    for (const [n, s] of this.seen) {
      const g = this.graceMs(n);
      const suspectAt = s.at + g / 2;
      const expiresAt = s.at + g;
      if ((suspectAt > from && suspectAt <= to) || (expiresAt > from && expiresAt <= to)) out.push(n);
    }
    return out;
  }

  private msUntil(name: string, s: Seen, now: number): number {
    const g = this.graceMs(name);
    if (s.at + g / 2 > now) return s.at + g / 2 - now;
    if (s.at + g > now) return s.at + g - now;
    return Infinity;
  }
}
