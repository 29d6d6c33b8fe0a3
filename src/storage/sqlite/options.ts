// Options of the sqlite store: SqliteStoreOptions (what callers pass, all
// optional but the path) -> resolveSqliteStoreOptions (validates, applies the
// documented defaults) -> ResolvedSqliteStoreOptions.

/** FULL: acknowledged writes survive power loss; NORMAL: kill -9 only */
export type Synchronous = 'FULL' | 'NORMAL';

export interface SqliteStoreOptions {
  /** the database file, e.g. `<data-dir>/state.db`; its directory must exist */
  path: string;
  /**
   * Durability of an acknowledged write, named after SQLite's `synchronous`.
   * Default 'FULL': a batch is acknowledged once the WAL is flushed to disk
   * (off the event loop, wal-sync.ts), so it survives kill -9 AND power loss.
   * 'NORMAL': acknowledged at COMMIT; survives kill -9 only (the WAL is in the
   * OS page cache, flushed at checkpoints).
   */
  synchronous?: Synchronous;
  /** writes committed together in one transaction at most. Default 256. */
  maxBatch?: number;
  /** how long open waits for another process's lock before failing. Default 2000 ms. */
  lockTimeoutMs?: number;
}

export interface ResolvedSqliteStoreOptions {
  path: string;
  synchronous: Synchronous;
  maxBatch: number;
  lockTimeoutMs: number;
}

export function resolveSqliteStoreOptions(opts: SqliteStoreOptions): ResolvedSqliteStoreOptions {
  if (typeof opts.path !== 'string' || opts.path === '') throw new RangeError('sqlite store: path is required');
  if (opts.path === ':memory:') throw new RangeError('sqlite store: a file path is required (durability is the point)');
  const synchronous = opts.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new RangeError(`sqlite store: synchronous must be FULL or NORMAL, got ${String(synchronous)}`);
  }
  const maxBatch = opts.maxBatch ?? 256;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`sqlite store: maxBatch must be a positive integer`);
  const lockTimeoutMs = opts.lockTimeoutMs ?? 2000;
  if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) throw new RangeError('sqlite store: lockTimeoutMs must be >= 0');
  return { path: opts.path, synchronous, maxBatch, lockTimeoutMs };
}
