// The holder's side of peer grants (docs/fencing.md rule 10): the grants this
// agent received, each valid on its own clock from its request's SEND time
// for E − D (it starts before the granter's grant and ends earlier), and the
// time until which they, with the agent itself, are a strict majority of its
// announced member list.

export class GrantBook {
  /** peer → latest expiry (monotonic ms) */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly grantMs: number,
    private readonly driftMs: number,
  ) {}

  /** A grant from `peer`, asked for at `sentAtMs`. */
  record(peer: string, sentAtMs: number): void {
    const end = sentAtMs + this.grantMs - this.driftMs;
    if (end > (this.until.get(peer) ?? -Infinity)) this.until.set(peer, end);
  }

  clear(): void {
    this.until.clear();
  }

  /**
   * The monotonic ms until which grants from enough peers, with this agent,
   * are a strict majority of `members` (which include `self`); undefined when
   * they are not a majority now.
   */
  holdUntil(self: string, members: readonly string[], nowMs: number): number | undefined {
    if (!members.includes(self)) return undefined;
    const need = Math.floor(members.length / 2); // peers needed besides self
    if (need < 1) return undefined;
    const live = members
      .filter((m) => m !== self)
      .map((m) => this.until.get(m) ?? -Infinity)
      .filter((t) => t > nowMs)
      .sort((a, b) => b - a);
    return live.length >= need ? live[need - 1] : undefined;
  }
}
