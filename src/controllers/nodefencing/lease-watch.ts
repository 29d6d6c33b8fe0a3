// The fencing controller's own view of each node's Lease, on the control
// plane's monotonic clock: when it last saw a renewal (a new resourceVersion
// — never the `renewTime` another clock wrote) and since when the node has
// renewed without a gap longer than its lease duration. Every node is fresh
// when the controller starts: a restart never makes anyone look dead, and
// nobody counts as healthy for the quorum until it has renewed on this
// controller's watch for the required time, nor while a grant it announced
// it gave a peer may still be live (docs/fencing.md rule 11).

import type { Clock } from '../../lib/clock/clock.js';
import { RENEWING_NOW_MS } from '../../api/fencing.js';

interface Seen {
  at: number;
  version: string;
  healthySince: number;
  durationMs: number;
  /** not healthy before this: a grant the node announced is live until then (+ drift) */
  blockedUntil: number;
}

/** What an agent says with a renewal (docs/fencing.md rules 7 and 9). */
export interface Announced {
  /** ms left of the latest grant it gave to a peer, at the renewal's send time */
  grantLiveMs?: number;
}

export class LeaseWatch {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly clock: Clock,
    private readonly defaultDurationMs: number,
    private readonly driftMs = 1000,
  ) {}

  observe(node: string, version: string, durationSeconds: number | undefined, announced: Announced = {}): void {
    const now = this.clock.monotonic();
    const durationMs = durationSeconds && durationSeconds > 0 ? durationSeconds * 1000 : this.defaultDurationMs;
    const blockedUntil = announced.grantLiveMs && announced.grantLiveMs > 0 ? now + announced.grantLiveMs + this.driftMs : 0;
    const s = this.seen.get(node);
    if (!s) {
      this.seen.set(node, { at: now, version, healthySince: now, durationMs, blockedUntil });
      return;
    }
    s.durationMs = durationMs;
    if (version === s.version) return;
    s.blockedUntil = Math.max(s.blockedUntil, blockedUntil);
    // A renewal after a gap (not renewing now for a while) starts a new healthy stretch.
    if (now - s.at >= RENEWING_NOW_MS) s.healthySince = now;
    s.at = now;
    s.version = version;
  }

  forget(node: string): void {
    this.seen.delete(node);
  }

  refreshAll(): void {
    const now = this.clock.monotonic();
    for (const s of this.seen.values()) {
      s.at = now;
      s.healthySince = now;
    }
  }

  /** The Lease version the silence is timed from (a revocation must compare-and-swap against exactly it). */
  version(node: string): string | undefined {
    return this.seen.get(node)?.version;
  }

  silentMs(node: string): number {
    const s = this.seen.get(node);
    return s ? this.clock.monotonic() - s.at : 0;
  }

  /**
   * Renewing now — seen within RENEWING_NOW_MS, a window peers honour by
   * granting nothing until their last renewal is older than it plus the drift
   * (docs/fencing.md rules 9 and 11) — without a gap for at least `forMs`,
   * and with no grant it announced still live.
   */
  healthy(node: string, forMs: number): boolean {
    const s = this.seen.get(node);
    if (!s) return false;
    const now = this.clock.monotonic();
    return now - s.at < RENEWING_NOW_MS && now - s.healthySince >= forMs && now >= s.blockedUntil;
  }

  /**
   * Milliseconds until one of `edges` (after the last renewal or the healthy
   * stretch start) is crossed by some node (of `nodes`, when given).
   */
  msUntilNext(afterRenewal: number[], afterHealthy: number[], nodes?: Iterable<string>): number {
    const now = this.clock.monotonic();
    let next = Infinity;
    const all = nodes ? [...nodes].map((n) => this.seen.get(n)).filter((s): s is Seen => !!s) : this.seen.values();
    for (const s of all) {
      for (const e of afterRenewal) if (s.at + e > now) next = Math.min(next, s.at + e - now);
      for (const e of afterHealthy) if (s.healthySince + e > now) next = Math.min(next, s.healthySince + e - now);
      if (s.at + RENEWING_NOW_MS > now) next = Math.min(next, s.at + RENEWING_NOW_MS - now);
      if (s.blockedUntil > now) next = Math.min(next, s.blockedUntil - now);
    }
    return next;
  }
}
