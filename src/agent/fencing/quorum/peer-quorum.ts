// Peer grants, the agent's half of the quorum rule (docs/fencing.md rules
// 7–10): what the agent announces with each renewal (its member list, and
// how long a grant it gave still lives), the grants it gives (Granter), and —
// while it cannot reach the API — asking every other member for grants once
// a second and holding its fenced containers past its lease deadline while
// the grants it holds, with itself, are a strict majority (GrantBook).

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
  /** the hold moved: hand the supervisors the new effective deadline */
  onHoldChange(): void;
  grantMs?: number;
  driftMs?: number;
  askEveryMs?: number;
  askTimeoutMs?: number;
  /** for tests: how a peer is asked */
  ask?: (peer: Member, body: { node: string; members: readonly string[] }) => Promise<GrantAnswer | undefined>;
}

export class PeerQuorum {
  readonly granter: Granter;
  private readonly book: GrantBook;
  private readonly o: PeerQuorumOptions;
  private members: Member[] = [];
  private timer: TimerHandle | undefined;
  private stopped = false;
  private asking = false;

  constructor(o: PeerQuorumOptions) {
    this.o = o;
    this.book = new GrantBook(o.grantMs ?? 6000, o.driftMs ?? 1000);
    this.granter = new Granter(o.self, o.clock, o.grantMs ?? 6000, { armed: o.armed, cutOff: o.cutOff, members: () => this.names() });
  }

  names(): string[] {
    return this.members.map((m) => m.name);
  }

  /** From a successful read of the Nodes. */
  setMembers(list: Member[]): void {
    this.members = list;
  }

  /** What a renewal sent now says, beyond arming (`armedSent`: that renewal says it is armed). */
  annotations(armedSent: boolean): Record<string, string> {
    const a: Record<string, string> = {};
    if (armedSent) a[ANNOTATION_MEMBERS] = this.names().join(',');
    const live = this.granter.liveMs();
    if (live > 0) a[ANNOTATION_GRANT_LIVE_MS] = String(live);
    return a;
  }

  /** The monotonic ms until which grants let the node hold past its lease deadline (undefined: no majority). */
  holdUntilMs(): number | undefined {
    return this.book.holdUntil(this.o.self, this.names(), this.o.clock.monotonic());
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      void this.round().finally(() => this.schedule());
    }, this.o.askEveryMs ?? 1000);
  }

  /** One round of asking, when armed and cut off from the API (exported for tests). */
  async round(): Promise<void> {
    if (this.asking || !this.o.armed() || !this.o.cutOff()) return;
    this.asking = true;
    try {
      const sentAt = this.o.clock.monotonic();
      const before = this.holdUntilMs();
      const body = { node: this.o.self, members: this.names() };
      const ask = this.o.ask ?? ((p: Member, b: typeof body) => askPeer(p, b, this.o.secret, this.o.askTimeoutMs ?? 800));
      const answers = await Promise.all(this.members.filter((m) => m.name !== this.o.self).map((m) => ask(m, body).catch(() => undefined)));
      for (const a of answers) if (a?.granted) this.book.record(a.node, sentAt);
      const after = this.holdUntilMs();
      if (after !== before) {
        // Logged when holding starts or ends; every extension is not news.
        if ((after === undefined) !== (before === undefined)) {
          this.o.log.info({ holdMs: after === undefined ? 0 : Math.round(after - this.o.clock.monotonic()), granted: answers.filter((a) => a?.granted).map((a) => a!.node) }, after === undefined ? 'fencing: peer grants lapsed' : 'fencing: holding on peer grants');
        }
        this.o.onHoldChange();
      }
    } finally {
      this.asking = false;
    }
  }
}
