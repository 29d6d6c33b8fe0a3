// GroupCommit: writes that arrive in the same event-loop turn (up to maxBatch)
// are committed in ONE transaction, so one fsync acknowledges many writes.
// Invariants:
// - a promise resolves only after the COMMIT that made its write durable, and
//   after `commit` has handed the batch's events to watchers;
// - batches run strictly one after another, in arrival order;
// - a batch that fails (I/O error, full disk, a broken invariant) rolls back
//   as a whole and every write in it is rejected with StoreError('unavailable'):
//   nothing in it was acknowledged, nothing in it is in the file.

import { StoreError } from '../store.js';
import type { OpResult, WriteOp } from './apply.js';

export interface GroupCommitOptions {
  maxBatch: number;
  /** apply and commit ops in one transaction; returns one result per op, in order; throws to roll back */
  commit(ops: WriteOp[]): OpResult[];
}

interface Pending {
  op: WriteOp;
  resolve(result: OpResult): void;
  reject(error: unknown): void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: GroupCommitOptions) {}

  submit(op: WriteOp): Promise<OpResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** resolves once every write submitted so far has been committed or rejected */
  drain(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: it runs after the poll phase, so every
    // request that arrived in this turn of the loop joins the batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (batch.length > 0) this.runBatch(batch);
    if (this.queue.length > 0) {
      // yield between batches so reads and new arrivals are not starved
      this.schedule();
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private runBatch(batch: Pending[]): void {
    let results: OpResult[];
    try {
      results = this.opts.commit(batch.map((p) => p.op));
    } catch (cause) {
      const error = cause instanceof StoreError ? cause : new StoreError('unavailable', `sqlite write failed: ${String(cause)}`);
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const result = results[i];
      if (result === undefined) p.reject(new Error(`group commit returned no result for write ${i}`));
      else p.resolve(result);
    });
  }
}
