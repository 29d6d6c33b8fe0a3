// The granter's side of peer grants (docs/fencing.md rule 9). A peer grants
// only while it cannot reach the API itself: it is armed, its most recent
// renewal attempt failed and none is in flight (so its first renewal to
// succeed after the grant was sent after it, and says so), and the asker is
// one of its members. A grant lives E from the moment it is given; while one
// lives, every renewal announces how much is left (`hale.dev/grant-live-ms`),
// and the control plane does not count this node healthy until it is over.

import type { Clock } from '../../../lib/clock/clock.js';

export interface GranterState {
  armed(): boolean;
  /** the most recent renewal attempt failed, and no renewal is in flight */
  cutOff(): boolean;
  members(): readonly string[];
}

export type GrantAnswer = { granted: true; node: string; ttlMs: number } | { granted: false; node: string; reason: string };

export class Granter {
  private grantedUntil = -Infinity;

  constructor(
    private readonly self: string,
    private readonly clock: Clock,
    private readonly grantMs: number,
    private readonly state: GranterState,
  ) {}

  ask(from: string): GrantAnswer {
    const no = (reason: string): GrantAnswer => ({ granted: false, node: this.self, reason });
    if (from === this.self) return no('a node does not grant itself');
    if (!this.state.armed()) return no('fencing is not armed here');
    if (!this.state.members().includes(from)) return no(`${from} is not one of this node's members`);
    if (!this.state.cutOff()) return no('this node reaches the API server');
    this.grantedUntil = Math.max(this.grantedUntil, this.clock.monotonic() + this.grantMs);
    return { granted: true, node: this.self, ttlMs: this.grantMs };
  }

  /** ms left of the latest grant, rounded up, for a renewal sent now; 0 when none lives. */
  liveMs(): number {
    return Math.max(0, Math.ceil(this.grantedUntil - this.clock.monotonic()));
  }
}
