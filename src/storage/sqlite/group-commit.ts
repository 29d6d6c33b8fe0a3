// GroupCommit: writes that arrive in the same event-loop turn (up to maxBatch)
// are committed in ONE transaction, so one flush to disk acknowledges many.
// With a `sync` step the pipeline is commit → sync → acknowledge: the COMMIT
// runs on the event loop and returns once the WAL frames are written; the
// flush to stable storage runs off the loop. While it runs, new writes wait
// in the queue and go into the next batch when it is done — so batches stay
// as large as when the flush blocked the loop (fewer, larger COMMITs write
// each hot page once), but the loop serves requests meanwhile.
// Invariants:
// - a promise resolves only after its batch is durable (the COMMIT, and the
//   sync that followed it), and after the batch's `durable()` handed its
//   events to watchers — so watchers and readers never see a write that
//   could still be lost, and a watcher has an event no later than its writer;
// - batches are committed, made visible and acknowledged strictly in order;
// - a batch that fails to commit (I/O error, full disk, a broken invariant)
//   rolls back as a whole and every write in it is rejected with
//   StoreError('unavailable'): nothing in it was acknowledged, nothing in it
//   is in the file;
// - a failed sync rejects every committed, unacknowledged write the same way
//   and fails every write after it: what is on disk is unknown from then on
//   (the file is whole; a restart reads what survived).

import { StoreError } from '../store.js';
import type { OpResult, WriteOp } from './apply.js';

export interface Committed {
  /** one result per op, in order */
  results: OpResult[];
  /** called once the batch is durable, before any of its writers hears back */
  durable(): void;
}

export interface GroupCommitOptions {
  maxBatch: number;
  /** apply and commit ops in one transaction; throws to roll back */
  commit(ops: WriteOp[]): Committed;
  /** makes everything committed so far durable; absent: a COMMIT is durable by itself */
  sync?: () => Promise<void>;
}

interface Pending {
  op: WriteOp;
  resolve(result: OpResult): void;
  reject(error: unknown): void;
}

interface CommittedBatch {
  batch: Pending[];
  committed: Committed;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** the batch whose flush is running; new batches wait for it, so there is at most one */
  private inFlight: CommittedBatch | undefined;
  private failure: StoreError | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: GroupCommitOptions) {}

  submit(op: WriteOp): Promise<OpResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** resolves once every write submitted so far has been acknowledged or rejected */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private idle(): boolean {
    return this.queue.length === 0 && !this.scheduled && this.inFlight === undefined;
  }

  private notifyIdle(): void {
    if (!this.idle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
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
    // the batch in flight reschedules this when its flush is done
    if (this.inFlight) return;
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (batch.length > 0) this.runBatch(batch);
    // yield between batches so reads and new arrivals are not starved
    if (this.queue.length > 0) this.schedule();
    this.notifyIdle();
  }

  private runBatch(batch: Pending[]): void {
    if (this.failure) return rejectAll(batch, this.failure);
    let committed: Committed;
    try {
      committed = this.opts.commit(batch.map((p) => p.op));
    } catch (cause) {
      return rejectAll(batch, cause instanceof StoreError ? cause : new StoreError('unavailable', `sqlite write failed: ${String(cause)}`));
    }
    if (!this.opts.sync) return acknowledge({ batch, committed });
    this.startSync({ batch, committed }, this.opts.sync);
  }

  /** Flushes one committed batch; the queue waits for it and forms the next batch when it is done. */
  private startSync(inFlight: CommittedBatch, sync: () => Promise<void>): void {
    this.inFlight = inFlight;
    sync().then(
      () => acknowledge(inFlight),
      (cause: unknown) => {
        this.failure = new StoreError('unavailable', `sqlite: flushing the WAL to disk failed; no write is acknowledged from now on: ${String(cause)}`);
        rejectAll(inFlight.batch, this.failure);
        for (const p of this.queue.splice(0)) p.reject(this.failure);
      },
    ).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0) this.schedule();
      this.notifyIdle();
    });
  }
}

function acknowledge({ batch, committed }: CommittedBatch): void {
  try {
    committed.durable();
  } catch (cause) {
    // Durable but not handed on: its writers get an error (an outcome they must treat as unknown).
    return rejectAll(batch, new StoreError('unavailable', `sqlite: publishing a committed batch failed: ${String(cause)}`));
  }
  batch.forEach((p, i) => {
    const result = committed.results[i];
    if (result === undefined) p.reject(new Error(`group commit returned no result for write ${i}`));
    else p.resolve(result);
  });
}

function rejectAll(batch: Pending[], error: unknown): void {
  for (const p of batch) p.reject(error);
}
