// The reconciler runtime every controller runs on: event handlers turn
// changes into keys (namespace/name) on a WorkQueue; `workers` loops take a
// key, call `reconcile(key)`, and act on its outcome — the only three there are:
//
//   - resolves with nothing: done, the key's failure backoff resets;
//   - resolves with { requeueAfter }: look again after that long (minReadySeconds, deadlines);
//   - throws: retried with per-key exponential backoff (a 409 Conflict is
//     normal — the cache was behind — and is retried without an error log).
//
// A key is never reconciled by two workers at once (the queue guarantees it).

import type { Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { ApiError } from '../machinery/errors.js';
import { WorkQueue } from '../client/work-queue.js';

export interface ReconcileResult {
  requeueAfter?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconcile;
  clock: Clock;
  log: Logger;
  /** concurrent keys (default 5, as kube-controller-manager's --concurrent-*-syncs) */
  workers?: number;
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly opts: ControllerOptions;
  private readonly log: Logger;
  private loops: Promise<void>[] = [];
  private busy = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    this.log = opts.log.child({ controller: opts.name });
    this.queue = new WorkQueue({ clock: opts.clock });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  start(): void {
    const n = this.opts.workers ?? 5;
    for (let i = 0; i < n; i++) this.loops.push(this.worker());
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Resolves when no key is queued or being reconciled (for tests). */
  idle(): Promise<void> {
    if (this.busy === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.busy++;
      try {
        const result = await this.opts.reconcile(key);
        this.queue.forget(key);
        if (result?.requeueAfter !== undefined) this.queue.addAfter(key, result.requeueAfter);
      } catch (err) {
        const conflict = err instanceof ApiError && err.code === 409;
        if (conflict) this.log.debug({ key }, 'conflict; retrying');
        else this.log.warn({ key, err: err instanceof Error ? err.message : String(err), retries: this.queue.failureCount(key) }, 'reconcile failed; retrying');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
        this.busy--;
        if (this.busy === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
      }
    }
  }
}
