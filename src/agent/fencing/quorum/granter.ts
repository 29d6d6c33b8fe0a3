// The granter's side of peer grants (docs/fencing.md rule 9). A peer grants
// only while it cannot reach the API itself: it is armed, its most recent
// renewal attempt failed and none is in flight (so its first renewal to
// succeed after the grant was sent after it, and says so), and the asker is
// one of its members. A grant lives E from the moment it is given; while one
// lives, every renewal announces how much is left (`hale.dev/grant-live-ms`),
// and the control plane does not count this node healthy until it is over.
//
// Two more conditions close gaps the rule leaves open:
// - quiet: no grant until the latest successful renewal is `quietMs` old
//   (RENEWING_NOW_MS + drift). The control plane counts a node as renewing
//   now for a while after it saw a renewal; a renewal from *before* a grant
//   must not keep the granter healthy while the grant lives.
// - restarts: a fresh granter behaves as if it had just granted (E from its
//   start, and quiet from its start): its predecessor's grants are forgotten
//   with the process, so its first renewals announce them conservatively.

import type { Clock } from '../../../lib/clock/clock.js';
import { RENEWING_NOW_MS } from '../../../api/fencing.js';

export interface GranterState {
  armed(): boolean;
  /** the most recent renewal attempt failed, and no renewal is in flight */
  cutOff(): boolean;
  /** monotonic ms at which the latest successful renewal's answer arrived (undefined: none since start) */
  lastRenewedMs(): number | undefined;
  members(): readonly string[];
}

export type GrantAnswer = { granted: true; node: string; ttlMs: number } | { granted: false; node: string; reason: string };

export interface GranterOptions {
  /** E: a grant's life from the moment it is given, default 6000 */
  grantMs?: number;
  /** no grant before the latest successful renewal is this old; default RENEWING_NOW_MS + 1000 */
  quietMs?: number;
}

export class Granter {
  private grantedUntil: number;
  private readonly startedAt: number;
  readonly grantMs: number;
  private readonly quietMs: number;

  constructor(
    private readonly self: string,
    private readonly clock: Clock,
    private readonly state: GranterState,
    o: GranterOptions = {},
  ) {
    this.grantMs = o.grantMs ?? 6000;
    this.quietMs = o.quietMs ?? RENEWING_NOW_MS + 1000;
    this.startedAt = clock.monotonic();
    this.grantedUntil = this.startedAt + this.grantMs;
  }

  ask(from: string): GrantAnswer {
    const no = (reason: string): GrantAnswer => ({ granted: false, node: this.self, reason });
    if (from === this.self) return no('a node does not grant itself');
    if (!this.state.armed()) return no('fencing is not armed here');
    if (!this.state.members().includes(from)) return no(`${from} is not one of this node's members`);
    if (!this.state.cutOff()) return no('this node reaches the API server');
    const now = this.clock.monotonic();
    const quietFrom = Math.max(this.startedAt, this.state.lastRenewedMs() ?? -Infinity);
    if (now < quietFrom + this.quietMs) return no('this node renewed its lease too recently');
    this.grantedUntil = Math.max(this.grantedUntil, now + this.grantMs);
    return { granted: true, node: this.self, ttlMs: this.grantMs };
  }

  /** ms left of the latest grant, rounded up, for a renewal sent now; 0 when none lives. */
  liveMs(): number {
    return Math.max(0, Math.ceil(this.grantedUntil - this.clock.monotonic()));
  }
}
