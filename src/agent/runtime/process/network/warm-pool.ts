// A warm pool of pod network sandboxes: up to `size` complete ones (netns
// made, CNI ADD done, IP allocated) that belong to no pod yet, so a new pod
// takes one in a record write instead of waiting for `ip netns add` and the
// plugin chain. This class only keeps the list and decides when to refill;
// making, checking and tearing down an entry are PodNetwork's (callbacks).
//
// Invariants:
// - `take()` is synchronous and never waits for a refill: an entry handed
//   out is off the list before any await, so no two pods ever get one entry;
// - at most one refill loop runs; it first loads what the last run left
//   (`load`), then makes one entry at a time, each only after pod network
//   work has been quiet for `refillDelayMs` (at most `maxQuietWaitMs` of
//   waiting), so a refill competes as little as possible with the pods being
//   started or torn down right now;
// - a failed refill is logged and not retried in a loop: the next claim or
//   teardown (which may have freed an address) schedules another;
// - `close()` stops refilling and waits for the entry being made; the entries
//   stay on disk for the next start (or for PodNetwork.destroy()).

import { inBackground } from './background.js';
import type { Logger } from '../../../../lib/log/log.js';
import type { PodRecord } from './pod-records.js';

export interface WarmPoolOptions {
  size: number;
  refillDelayMs: number;
  maxQuietWaitMs: number;
  log: Logger;
  /** What the last run left: the usable entries (the rest it tears down or drops itself). */
  load(): Promise<PodRecord[]>;
  /** Makes one complete entry (its record written) or throws, having cleaned up after itself. */
  build(): Promise<PodRecord>;
  /** Tears down an entry that will not be used. */
  discard(rec: PodRecord): Promise<void>;
  /** Whether pod network work (setup, teardown) is in flight right now. */
  busy(): boolean;
}

export class WarmPool {
  private readonly ready: PodRecord[] = [];
  private loaded = false;
  private closed = false;
  private loop: Promise<void> | undefined;
  private wake: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(private readonly o: WarmPoolOptions) {}

  /** Entries ready to be claimed now. */
  get available(): number {
    return this.ready.length;
  }

  /** A ready entry, now the caller's, or undefined (pool empty, not loaded yet, or closed). */
  take(): PodRecord | undefined {
    if (this.closed) return undefined;
    return this.ready.shift();
  }

  /** Gives back an entry the caller took but could not use (it is still complete). */
  putBack(rec: PodRecord): void {
    if (!this.closed) this.ready.unshift(rec);
  }

  /** Starts a refill loop unless one runs or the pool is full. */
  schedule(): void {
    if (this.closed || this.loop) return;
    if (this.loaded && this.ready.length >= this.o.size) return;
    this.loop = this.refill().finally(() => {
      this.loop = undefined;
    });
  }

  /** Resolves once no refill loop runs (for tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.wake) {
      clearTimeout(this.wake.timer);
      this.wake.resolve();
    }
    await this.idle();
  }

  private async refill(): Promise<void> {
    try {
      if (!this.loaded) {
        const found = await this.o.load();
        this.loaded = true;
        this.ready.push(...found);
        for (const extra of this.ready.splice(this.o.size)) await this.o.discard(extra);
        if (found.length > 0) this.o.log.info({ entries: this.ready.length }, 'warm pool: re-adopted pod networks from the last run');
      }
      while (!this.closed && this.ready.length < this.o.size) {
        await this.quiet();
        if (this.closed) return;
        const rec = await inBackground(() => this.o.build());
        // Made while closing: it stays on disk, found by the next load or by destroy().
        if (!this.closed) this.ready.push(rec);
      }
    } catch (err) {
      this.o.log.warn({ err: err instanceof Error ? err.message : String(err), ready: this.ready.length, size: this.o.size }, 'warm pool refill failed; pods take the normal path until a later claim or teardown retries it');
    }
  }

  /** Waits `refillDelayMs`, then on while pod network work is in flight (bounded by maxQuietWaitMs). */
  private async quiet(): Promise<void> {
    const started = Date.now();
    do {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, this.o.refillDelayMs);
        this.wake = { timer, resolve };
      });
    } while (!this.closed && this.o.busy() && Date.now() - started < this.o.maxQuietWaitMs);
  }
}
