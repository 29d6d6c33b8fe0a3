// A controller that works in whole passes over its caches (node lifecycle,
// fencing) rather than per key: passes never overlap; a kick during a pass
// runs another right after it; a pass that asks to retry (a conflict, a
// write the cache has not shown yet) runs again after `retryMs`; otherwise
// the next pass is timed by `nextMs()` (the earliest moment anything can
// change by the clock alone). A failed pass is logged and retried.

import type { Clock, TimerHandle } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';

export interface SerialPassOptions {
  clock: Clock;
  log: Logger;
  pass: () => Promise<void>;
  /** milliseconds until the next pass is due by the clock alone */
  nextMs: () => number;
  retryMs?: number;
}

export class SerialPass {
  private started = false;
  private running: Promise<void> | undefined;
  private again = false;
  private retry = false;
  private timer: TimerHandle | undefined;

  constructor(private readonly o: SerialPassOptions) {}

  start(): void {
    this.started = true;
    void this.kick();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    await this.running;
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The pass in progress should be followed by another soon (`retryMs`). */
  retrySoon(): void {
    this.retry = true;
  }

  /** Runs a pass now, or right after the one running. */
  kick(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.timer?.cancel();
    this.running = this.o
      .pass()
      .catch((err: unknown) => {
        this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'pass failed; retrying');
        this.retry = true;
      })
      .finally(() => {
        this.running = undefined;
        if (!this.started) return;
        if (this.again) {
          this.again = false;
          void this.kick();
          return;
        }
        const ms = this.retry ? (this.o.retryMs ?? 200) : this.o.nextMs();
        this.retry = false;
        this.timer = this.o.clock.setTimeout(() => void this.kick(), Math.max(0, ms));
      });
    return this.running;
  }
}
