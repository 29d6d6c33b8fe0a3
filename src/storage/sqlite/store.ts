// SqliteStore: hale's default Store, one SQLite file in WAL mode owned by this
// process. Writes go through GroupCommit (one transaction and one fsync per
// batch); reads go straight to SQLite, synchronously, so a read never sees
// half a batch. After each commit the batch's rows go to Fanout before any
// writer's promise resolves, so a watcher has an event no later than the
// writer has its acknowledgement.
// Revisions: `revision` mirrors the log's AUTOINCREMENT sequence and moves only
// after COMMIT; `compacted` (C) mirrors the meta row: lists at <= C and watches
// from < C throw StoreError('compacted').

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
import { GroupCommit } from './group-commit.js';
import { SqliteLog } from './log.js';
import { resolveSqliteStoreOptions, type SqliteStoreOptions } from './options.js';
import { rowEvent, rowValue, type LogRow } from './rows.js';
import { prepareDatabase } from './schema.js';

export type { SqliteStoreOptions } from './options.js';

/** history rows read per replay step of a watch that starts in the past */
const REPLAY_PAGE = 512;

/** Open (creating if needed) the state file at `opts.path`. Fails with StoreError('unavailable') when another process holds it. */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const resolved = resolveSqliteStoreOptions(opts);
  const db = new Database(resolved.path, { timeout: resolved.lockTimeoutMs });
  try {
    prepareDatabase(db, { synchronous: resolved.synchronous });
    const log = new SqliteLog(db);
    return new SqliteStore({ db, log, maxBatch: resolved.maxBatch, revision: log.lastRevision(), compacted: log.compactedRevision() });
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
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly log: SqliteLog;
  private readonly writes: GroupCommit;
  private readonly fanout = new Fanout();
  private revision: number;
  private compacted: number;
  private closed = false;
  private compaction: Promise<void> = Promise.resolve();

  /** takes an already opened database; use openSqliteStore */
  constructor(parts: SqliteStoreParts) {
    this.db = parts.db;
    this.log = parts.log;
    this.revision = parts.revision;
    this.compacted = parts.compacted;
    this.writes = new GroupCommit({ maxBatch: parts.maxBatch, commit: (ops) => this.commit(ops) });
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    assertKey(key);
    const row = this.log.latest(key);
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

  /** GroupCommit's commit step: one transaction, then fan out, then (in GroupCommit) resolve */
  private commit(ops: WriteOp[]): OpResult[] {
    const applied = this.log.transaction(() => applyWrites(this.log, { ops, revision: this.revision }));
    this.revision = applied.revision;
    this.fanout.publish(applied.rows, (row) => this.prevValue(row));
    return applied.results;
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
