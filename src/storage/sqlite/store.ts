// SqliteStore: hale's default Store, one SQLite file in WAL mode owned by this
// process. Writes go through GroupCommit (one transaction per batch, then one
// flush of the WAL to disk off the event loop — WalSync — for every batch
// committed before it started); reads go straight to SQLite, synchronously,
// at the durable revision, so a read never sees half a batch nor a batch that
// could still be lost. Once a batch is durable its rows go to Fanout before
// any writer's promise resolves, so a watcher has an event no later than the
// writer has its acknowledgement.
// Revisions: `committed` mirrors the log's AUTOINCREMENT sequence and moves at
// COMMIT (compare-and-swap sees every committed row); `revision`, the one
// readers, watchers and clients see, moves when a batch is durable.
// `compacted` (C) mirrors the meta row: lists at <= C and watches from < C
// throw StoreError('compacted').

import Database from 'better-sqlite3';

import {
  StoreError,
  type DeleteResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchOptions,
  type WriteResult,
} from '../store.js';
import { assertKey, assertRevision, checkListOptions, futureRevision } from '../validate.js';
import { WatchQueue, resolveBufferSize } from '../watch-queue.js';
import { applyWrites, type OpResult, type WriteOp } from './apply.js';
import { compactLog } from './compaction.js';
import { Fanout } from './fanout.js';
import { GroupCommit, type Committed } from './group-commit.js';
import { SqliteLog } from './log.js';
import { resolveSqliteStoreOptions, type SqliteStoreOptions } from './options.js';
import { rowEvent, rowValue, type LogRow } from './rows.js';
import { prepareDatabase } from './schema.js';
import { WalSync, type WalFlush } from './wal-sync.js';

export type { SqliteStoreOptions } from './options.js';

/** history rows read per replay step of a watch that starts in the past */
const REPLAY_PAGE = 512;

/** Open (creating if needed) the state file at `opts.path`. Fails with StoreError('unavailable') when another process holds it. */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const resolved = resolveSqliteStoreOptions(opts);
  const db = new Database(resolved.path, { timeout: resolved.lockTimeoutMs });
  try {
    prepareDatabase(db);
    const log = new SqliteLog(db);
    // FULL: acknowledged after the WAL is flushed to disk; NORMAL: after COMMIT (survives kill -9, not power loss).
    const wal = resolved.synchronous === 'FULL' ? new WalSync(resolved.path) : undefined;
    return new SqliteStore({ db, log, maxBatch: resolved.maxBatch, revision: log.lastRevision(), compacted: log.compactedRevision(), ...(wal ? { wal } : {}) });
  } catch (error) {
    db.close();
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
      throw new StoreError('unavailable', `${resolved.path} is in use by another process (${error.message})`);
    }
    throw error;
  }
}

interface SqliteStoreParts {
  db: Database.Database;
  log: SqliteLog;
  maxBatch: number;
  revision: number;
  compacted: number;
  /** flushes the WAL before a batch is acknowledged; absent: acknowledged at COMMIT */
  wal?: WalFlush;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly log: SqliteLog;
  private readonly writes: GroupCommit;
  private readonly fanout = new Fanout();
  private readonly wal: WalFlush | undefined;
  /** the durable revision: what reads, watches and clients see */
  private revision: number;
  /** the last committed revision (>= revision while a flush is in flight) */
  private committed: number;
  private compacted: number;
  private closed = false;
  private compaction: Promise<void> = Promise.resolve();

  /** takes an already opened database; use openSqliteStore */
  constructor(parts: SqliteStoreParts) {
    this.db = parts.db;
    this.log = parts.log;
    this.revision = parts.revision;
    this.committed = parts.revision;
    this.compacted = parts.compacted;
    this.wal = parts.wal;
    const wal = parts.wal;
    this.writes = new GroupCommit({ maxBatch: parts.maxBatch, commit: (ops) => this.commit(ops), ...(wal ? { sync: () => wal.sync() } : {}) });
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    assertKey(key);
    const row = this.committed === this.revision ? this.log.latest(key) : this.log.latestAt(key, this.revision);
    return row === undefined || row.deleted ? undefined : rowValue(row);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.assertOpen();
    const o = checkListOptions(prefix, opts);
    const revision = o.revision === 0 ? this.revision : o.revision;
    if (revision > this.revision) throw futureRevision(revision, this.revision);
    if (o.revision !== 0 && revision <= this.compacted) throw this.compactedError(revision);
    const rows = this.log.list({ prefix, startKey: o.startKey, revision, limit: o.limit === 0 ? -1 : o.limit + 1 });
    const more = o.limit !== 0 && rows.length > o.limit;
    const items = (more ? rows.slice(0, o.limit) : rows).map(rowValue);
    return { items, revision, more };
  }

  create(key: string, value: string): Promise<WriteResult> {
    return this.write({ kind: 'create', key, value }) as Promise<WriteResult>;
  }

  update(key: string, value: string, expectedRevision: number): Promise<WriteResult> {
    return this.write({ kind: 'update', key, value, expectedRevision }) as Promise<WriteResult>;
  }

  delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    return this.write({ kind: 'delete', key, expectedRevision }) as Promise<DeleteResult>;
  }

  watch(prefix: string, fromRevision: number, opts?: WatchOptions): Watch {
    assertRevision('watch fromRevision', fromRevision);
    const bufferSize = resolveBufferSize(opts?.bufferSize);
    if (this.closed) return failedWatch(bufferSize, new StoreError('closed', 'store is closed'));
    if (fromRevision < this.compacted) return failedWatch(bufferSize, this.compactedError(fromRevision));

    // History (fromRevision, until] comes from the table, page by page as the
    // consumer reads; everything after `until` arrives live from the fanout.
    const until = this.revision;
    const prevKv = opts?.prevKv ?? false;
    let cursor = fromRevision;
    const replay = () => {
      if (cursor >= until) return [];
      if (cursor < this.compacted) throw this.compactedError(cursor);
      const rows = this.log.eventsBetween({ prefix, after: cursor, until, limit: REPLAY_PAGE });
      cursor = rows.length < REPLAY_PAGE ? until : (rows[rows.length - 1]?.id ?? until);
      return rows.map((row) => rowEvent(row, prevKv ? this.prevValue(row) : undefined));
    };
    let unsubscribe: () => void = () => undefined;
    const queue = new WatchQueue({ bufferSize, replay, onClose: () => unsubscribe() });
    unsubscribe = this.fanout.subscribe({ prefix, after: Math.max(until, fromRevision), queue, prevKv });
    return queue;
  }

  compact(revision: number): Promise<void> {
    this.assertOpen();
    assertRevision('compact revision', revision);
    if (revision > this.revision) return Promise.reject(futureRevision(revision, this.revision));
    // one compaction at a time; a revision at or below the current one is a no-op
    const run = async () => {
      if (this.closed || revision - 1 <= this.compacted) return;
      await compactLog(this.log, {
        revision,
        onCompacted: (c) => { this.compacted = c; },
        stopped: () => this.closed,
      });
    };
    const next = this.compaction.then(run);
    this.compaction = next.catch(() => undefined); // the caller of compact() gets the error; later compactions still run
    return next;
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compacted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // writes accepted before close still commit and resolve
    await this.writes.drain();
    await this.compaction;
    this.fanout.failAll(new StoreError('closed', 'store is closed'));
    await this.wal?.close();
    this.db.close();
  }

  private write(op: WriteOp): Promise<OpResult> {
    if (this.closed) return Promise.reject(new StoreError('closed', 'store is closed'));
    try {
      assertKey(op.key);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.writes.submit(op);
  }

  /** GroupCommit's commit step: one transaction; once durable, the revision moves and the rows fan out, then (in GroupCommit) writers hear back */
  private commit(ops: WriteOp[]): Committed {
    const applied = this.log.transaction(() => applyWrites(this.log, { ops, revision: this.committed }));
    this.committed = applied.revision;
    return {
      results: applied.results,
      durable: () => {
        this.revision = applied.revision;
        this.fanout.publish(applied.rows, (row) => this.prevValue(row));
      },
    };
  }

  /** the value a put replaced (etcd's prev_kv): undefined for a create, a delete, or once compaction removed it */
  private prevValue(row: LogRow): string | undefined {
    return row.created || row.deleted ? undefined : this.log.valueAt(row.prev_revision);
  }

  private compactedError(revision: number): StoreError {
    return new StoreError('compacted', `revision ${revision} has been compacted (compacted revision ${this.compacted})`, this.compacted);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('closed', 'store is closed');
  }
}

function failedWatch(bufferSize: number, error: StoreError): Watch {
  const queue = new WatchQueue({ bufferSize });
  queue.fail(error);
  return queue;
}
