// Peer grants, the agent's half of the quorum rule (docs/fencing.md rules
// 7–10): what the agent announces with each renewal (its member list, and
// how long a grant it gave still lives), the grants it gives (Granter), and —
// while it cannot reach the API — asking every other member for grants once
// a second and holding its fenced containers past its lease deadline while
// the grants it holds, with itself, are a strict majority (GrantBook).
//
// The majority is counted over the list the latest *successful* renewal
// announced — the list the control plane holds this node to — not over a
// newer read that no renewal has carried yet.

import { ANNOTATION_GRANT_LIVE_MS, ANNOTATION_MEMBERS } from '../../../api/fencing.js';
import type { Clock, TimerHandle } from '../../../lib/clock/clock.js';
import type { Logger } from '../../../lib/log/log.js';
import { GrantBook } from './grant-book.js';
import { Granter, type GrantAnswer } from './granter.js';
import type { Member } from './members.js';
import { askPeer } from './peer-client.js';

export interface PeerQuorumOptions {
  self: string;
  clock: Clock;
  log: Logger;
  /** the join secret every agent of the cluster holds: it authenticates grant requests */
  secret: string;
  /** armed now (the supervisors hold deadlines) */
  armed(): boolean;
  /** the most recent renewal attempt failed and none is in flight */
  cutOff(): boolean;
  /** monotonic ms at which the latest successful renewal's answer arrived */
  lastRenewedMs(): number | undefined;
  /** the hold moved: hand the supervisors the new effective deadline */
  onHoldChange(): void;
  /** E, default 6000 */
  grantMs?: number;
  /** D, default 1000 */
  driftMs?: number;
  /** the granter's quiet time after a successful renewal (granter.ts) */
  quietMs?: number;
  askEveryMs?: number;
  askTimeoutMs?: number;
  /** for tests: how a peer is asked */
  ask?: (peer: Member, body: { node: string; members: readonly string[] }) => Promise<GrantAnswer | undefined>;
}

export class PeerQuorum {
  readonly granter: Granter;
  private readonly book: GrantBook;
  private readonly o: PeerQuorumOptions;
  /** from the latest successful read of the Nodes: whom to ask, and whom to grant */
  private members: Member[] = [];
  /** the names the renewal in flight announces (undefined: it announces none) */
  private sending: string[] | undefined;
  /** the names the latest successful renewal announced: the hold's majority is counted over these */
  private announced: string[] = [];
  private timer: TimerHandle | undefined;
  private stopped = true;
  private asking = false;

  constructor(o: PeerQuorumOptions) {
    this.o = o;
    this.book = new GrantBook(o.grantMs ?? 6000, o.driftMs ?? 1000);
    this.granter = new Granter(o.self, o.clock, { armed: o.armed, cutOff: o.cutOff, lastRenewedMs: o.lastRenewedMs, members: () => this.names() }, { ...(o.grantMs !== undefined ? { grantMs: o.grantMs } : {}), ...(o.quietMs !== undefined ? { quietMs: o.quietMs } : {}) });
  }

  names(): string[] {
    return this.members.map((m) => m.name);
  }

  /** The names the latest successful renewal announced. */
  announcedNames(): readonly string[] {
    return this.announced;
  }

  /** From a successful read of the Nodes. */
  setMembers(list: Member[]): void {
    this.members = list;
  }

  /**
   * What a renewal sent now says, beyond arming (`armedSent`: that renewal
   * says it is armed). Keys given as undefined are removed from the Lease.
   */
  annotations(armedSent: boolean): Record<string, string | undefined> {
    this.sending = armedSent ? this.names() : undefined;
    const live = this.granter.liveMs();
    return { [ANNOTATION_MEMBERS]: this.sending?.join(','), [ANNOTATION_GRANT_LIVE_MS]: live > 0 ? String(live) : undefined };
  }

  /** The renewal just sent succeeded: the list it announced is the one the control plane holds this node to. */
  renewed(): void {
    const before = this.holdUntilMs();
    this.announced = this.sending ?? [];
    if (this.holdUntilMs() !== before) this.o.onHoldChange();
  }

  /** The monotonic ms until which grants let the node hold past its lease deadline (undefined: no majority). */
  holdUntilMs(): number | undefined {
    return this.book.holdUntil(this.o.self, this.announced, this.o.clock.monotonic());
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** A round every `askEveryMs` on a steady beat; a round still waiting for answers skips the next. */
  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.schedule();
      void this.round().catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'fencing: asking peers for grants failed'));
    }, this.o.askEveryMs ?? 1000);
  }

  /** One round of asking, when armed and cut off from the API (exported for tests). */
  async round(): Promise<void> {
    if (this.asking || !this.o.armed() || !this.o.cutOff()) return;
    this.asking = true;
    try {
      const sentAt = this.o.clock.monotonic();
      const before = this.holdUntilMs();
      const body = { node: this.o.self, members: this.announced };
      const ask = this.o.ask ?? ((p: Member, b: typeof body) => askPeer(p, b, this.o.secret, this.o.askTimeoutMs ?? 800, this.o.log));
      const peers = this.members.filter((m) => m.name !== this.o.self);
      const answers = await Promise.all(peers.map((m) => ask(m, body).catch(() => undefined)));
      const granted: string[] = [];
      answers.forEach((a, i) => {
        // An answer counts for the peer it was asked of, and only from when the question was sent.
        const peer = peers[i]!.name;
        if (a?.granted && a.node === peer) {
          this.book.record(peer, sentAt);
          granted.push(peer);
        }
      });
      const after = this.holdUntilMs();
      if (after !== before) {
        // Logged when holding starts or ends; every extension is not news.
        if ((after === undefined) !== (before === undefined)) {
          this.o.log.info({ holdMs: after === undefined ? 0 : Math.round(after - this.o.clock.monotonic()), granted }, after === undefined ? 'fencing: peer grants lapsed' : 'fencing: holding on peer grants');
        }
        this.o.onHoldChange();
      }
    } finally {
      this.asking = false;
    }
  }
}
