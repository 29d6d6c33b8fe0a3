// SqliteLog: every SQL statement the sqlite store runs, prepared once at open
// (no per-write schema or SQL parsing work). It knows rows and revisions, not
// promises, batching or watchers. All calls are synchronous; callers that need
// atomicity wrap them in `transaction`.

import type Database from 'better-sqlite3';

import { prefixEnd, type LogRow } from './rows.js';

export interface AppendRow {
  name: string;
  created: boolean;
  deleted: boolean;
  createRevision: number;
  prevRevision: number;
  value: string;
}

/** what compare-and-swap needs of a key's newest row: not its value */
export interface RowHead {
  id: number;
  deleted: number;
  create_revision: number;
}

export interface RangeQuery {
  prefix: string;
  /** inclusive; '' for the start of the prefix */
  startKey: string;
  revision: number;
  /** rows to return at most; -1 for all */
  limit: number;
}

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value';

// A name's visible row at revision R is its newest row with id <= R, unless that
// row is a tombstone. The subquery is one seek on log_name_id; scanning the outer
// table in name order lets LIMIT stop the scan early for paged lists.
const LIST_AT = (bounded: boolean) => `
  SELECT ${COLUMNS} FROM log AS l
  WHERE l.name >= @start ${bounded ? 'AND l.name < @end' : ''}
    AND l.id <= @revision AND l.deleted = 0
    AND l.id = (SELECT MAX(m.id) FROM log AS m WHERE m.name = l.name AND m.id <= @revision)
  ORDER BY l.name LIMIT @limit`;

const EVENTS_BETWEEN = (bounded: boolean) => `
  SELECT ${COLUMNS} FROM log
  WHERE id > @after AND id <= @until AND name >= @start ${bounded ? 'AND name < @end' : ''}
  ORDER BY id LIMIT @limit`;

export class SqliteLog {
  private readonly latestStmt: Database.Statement<[string], LogRow>;
  private readonly latestAtStmt: Database.Statement<[string, number], LogRow>;
  private readonly headStmt: Database.Statement<[string], RowHead>;
  private readonly valueAtStmt: Database.Statement<[number], { value: string }>;
  private readonly appendStmt: Database.Statement<unknown[]>;
  private readonly listBounded: Database.Statement<unknown[], LogRow>;
  private readonly listUnbounded: Database.Statement<unknown[], LogRow>;
  private readonly eventsBounded: Database.Statement<unknown[], LogRow>;
  private readonly eventsUnbounded: Database.Statement<unknown[], LogRow>;
  private readonly sequenceStmt: Database.Statement<[], { seq: number }>;
  private readonly getMetaStmt: Database.Statement<[string], { value: number }>;
  private readonly setMetaStmt: Database.Statement<[number, string]>;
  private readonly minIdStmt: Database.Statement<[], { id: number | null }>;
  private readonly compactWindowStmt: Database.Statement<unknown[]>;
  private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(db: Database.Database) {
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.latestStmt = db.prepare(`SELECT ${COLUMNS} FROM log WHERE name = ? ORDER BY id DESC LIMIT 1`);
    this.latestAtStmt = db.prepare(`SELECT ${COLUMNS} FROM log WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`);
    this.headStmt = db.prepare('SELECT id, deleted, create_revision FROM log WHERE name = ? ORDER BY id DESC LIMIT 1');
    this.valueAtStmt = db.prepare('SELECT value FROM log WHERE id = ?');
    // old_value (schema.ts) is no longer written: rows of older files may still hold one.
    this.appendStmt = db.prepare(
      `INSERT INTO log (name, created, deleted, create_revision, prev_revision, value)
       VALUES (@name, @created, @deleted, @createRevision, @prevRevision, @value)`,
    );
    this.listBounded = db.prepare(LIST_AT(true));
    this.listUnbounded = db.prepare(LIST_AT(false));
    this.eventsBounded = db.prepare(EVENTS_BETWEEN(true));
    this.eventsUnbounded = db.prepare(EVENTS_BETWEEN(false));
    this.sequenceStmt = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`);
    this.getMetaStmt = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.setMetaStmt = db.prepare('UPDATE meta SET value = ? WHERE key = ?');
    this.minIdStmt = db.prepare('SELECT MIN(id) AS id FROM log');
    // Below the compaction revision R a row is history nobody may ask for when a
    // newer row of the same name exists at or below R (R's state does not need it),
    // or when it is a tombstone (the key is absent at R either way; every older row
    // of that name goes in the same window or an earlier one).
    this.compactWindowStmt = db.prepare(
      `DELETE FROM log WHERE id >= @lo AND id < @hi
         AND (deleted = 1 OR EXISTS (SELECT 1 FROM log AS n WHERE n.name = log.name AND n.id > log.id AND n.id <= @revision))`,
    );
  }

  /** run fn in one transaction: all of it commits, or (when it throws) none of it */
  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  /** the newest row of `name`, tombstones included */
  latest(name: string): LogRow | undefined {
    return this.latestStmt.get(name);
  }

  /** the newest row of `name` at or below `revision`, tombstones included */
  latestAt(name: string, revision: number): LogRow | undefined {
    return this.latestAtStmt.get(name, revision);
  }

  /** the newest row of `name` without its value (compare-and-swap reads only this) */
  head(name: string): RowHead | undefined {
    return this.headStmt.get(name);
  }

  /** the value written at revision `id`, unless compaction removed that row */
  valueAt(id: number): string | undefined {
    return this.valueAtStmt.get(id)?.value;
  }

  /** append one row; returns its id (= the write's revision) */
  append(row: AppendRow): number {
    const info = this.appendStmt.run({
      name: row.name,
      created: row.created ? 1 : 0,
      deleted: row.deleted ? 1 : 0,
      createRevision: row.createRevision,
      prevRevision: row.prevRevision,
      value: row.value,
    });
    return Number(info.lastInsertRowid);
  }

  /** visible rows under prefix at a revision, sorted by name */
  list(q: RangeQuery): LogRow[] {
    const end = prefixEnd(q.prefix);
    const start = q.startKey > q.prefix ? q.startKey : q.prefix;
    const params = { start, end, revision: q.revision, limit: q.limit };
    return end === undefined ? this.listUnbounded.all(params) : this.listBounded.all(params);
  }

  /** rows (events) under prefix with after < id <= until, in revision order */
  eventsBetween(q: { prefix: string; after: number; until: number; limit: number }): LogRow[] {
    const end = prefixEnd(q.prefix);
    const params = { start: q.prefix, end, after: q.after, until: q.until, limit: q.limit };
    return end === undefined ? this.eventsUnbounded.all(params) : this.eventsBounded.all(params);
  }

  /** the last revision ever assigned (survives deletion of the newest rows) */
  lastRevision(): number {
    return this.sequenceStmt.get()?.seq ?? 0;
  }

  compactedRevision(): number {
    return this.getMetaStmt.get('compacted')?.value ?? 0;
  }

  setCompactedRevision(revision: number): void {
    this.setMetaStmt.run(revision, 'compacted');
  }

  minRevision(): number | undefined {
    return this.minIdStmt.get()?.id ?? undefined;
  }

  /** delete superseded rows and tombstones with lo <= id < hi (hi <= revision) */
  compactWindow(w: { lo: number; hi: number; revision: number }): number {
    return this.compactWindowStmt.run(w).changes;
  }
}
