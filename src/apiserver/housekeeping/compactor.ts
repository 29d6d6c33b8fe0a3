// Store compaction on a schedule, the way kube-apiserver drives etcd's: every
// interval, compact to the revision that was current one interval ago, so at
// least one interval of history stays for watches and paged lists to resume.
// The watch cache is told, so watches from before the compaction get 410.

import type { Store } from '../../storage/store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export class Compactor {
  private readonly store: Store;
  private readonly cache: WatchCache;
  private readonly intervalMs: number;
  private readonly log: (msg: string, err?: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private previous = 0;

  constructor(opts: { store: Store; cache: WatchCache; intervalMs: number; log: (msg: string, err?: unknown) => void }) {
    this.store = opts.store;
    this.cache = opts.cache;
    this.intervalMs = opts.intervalMs;
    this.log = opts.log;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => this.log('compaction failed', err));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    const target = this.previous;
    this.previous = await this.store.currentRevision();
    if (target > 0) await this.compactTo(target);
  }

  /** Compact now, to `revision` (default: the current revision). */
  async compactTo(revision?: number): Promise<number> {
    const rev = revision ?? (await this.store.currentRevision());
    const done = await this.store.compactedRevision();
    if (rev <= done) return done;
    await this.store.compact(rev);
    this.cache.compactedTo(rev);
    return rev;
  }
}
