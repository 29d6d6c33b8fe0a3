// applyWrites: the compare-and-swap semantics of create/update/delete, run for
// a whole batch inside ONE transaction. Each op sees the effects of the ops
// before it, so the results are exactly those of running them one by one.
// A failed precondition appends nothing and uses no revision.
// Invariant checked here: the row id SQLite assigns is the next revision we
// expect; anything else means another writer touched the file, and the batch
// is rolled back rather than acknowledged with wrong revisions.

import type { DeleteResult, KeyValue, WriteResult } from '../store.js';
import type { AppendRow, RowHead, SqliteLog } from './log.js';
import { rowValue, type LogRow } from './rows.js';

export type WriteOp =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expectedRevision: number }
  | { kind: 'delete'; key: string; expectedRevision: number | undefined };

export type OpResult = WriteResult | DeleteResult;

export interface AppliedBatch {
  results: OpResult[];
  /** the appended rows, in revision order (the events to fan out) */
  rows: LogRow[];
  /** the store's revision after the batch */
  revision: number;
}

/** must run inside a transaction; throws (and the caller rolls back) on any store failure */
export function applyWrites(log: SqliteLog, batch: { ops: readonly WriteOp[]; revision: number }): AppliedBatch {
  let revision = batch.revision;
  const results: OpResult[] = [];
  const rows: LogRow[] = [];

  const append = (row: AppendRow): LogRow => {
    const id = log.append(row);
    if (id !== revision + 1) {
      throw new Error(`sqlite assigned revision ${id}, expected ${revision + 1}: is another process writing the state file?`);
    }
    revision = id;
    const appended: LogRow = {
      id, name: row.name, created: row.created ? 1 : 0, deleted: row.deleted ? 1 : 0,
      create_revision: row.createRevision, prev_revision: row.prevRevision, value: row.value,
    };
    rows.push(appended);
    return appended;
  };

  // The live row's value is read only when it is needed: a failed precondition
  // reports it, a tombstone keeps it. A successful update never reads it.
  const valueOf = (key: string, head: RowHead): KeyValue => {
    const value = log.valueAt(head.id);
    if (value === undefined) throw new Error(`sqlite: the newest row of ${key} (${head.id}) has no value`);
    return { key, value, createRevision: head.create_revision, modRevision: head.id };
  };

  for (const op of batch.ops) {
    const latest = log.head(op.key);
    const live = latest !== undefined && latest.deleted === 0 ? latest : undefined;
    switch (op.kind) {
      case 'create': {
        if (live) {
          results.push({ ok: false, current: valueOf(op.key, live) });
          break;
        }
        const row = append({
          name: op.key, created: true, deleted: false, createRevision: revision + 1,
          // a re-create follows the tombstone, so (name, prev_revision) stays unique
          prevRevision: latest?.id ?? 0, value: op.value,
        });
        results.push({ ok: true, revision: row.id, kv: rowValue(row) });
        break;
      }
      case 'update': {
        if (!live || live.id !== op.expectedRevision) {
          results.push({ ok: false, current: live && valueOf(op.key, live) });
          break;
        }
        const row = append({
          name: op.key, created: false, deleted: false, createRevision: live.create_revision,
          prevRevision: live.id, value: op.value,
        });
        results.push({ ok: true, revision: row.id, kv: rowValue(row) });
        break;
      }
      case 'delete': {
        if (!live || (op.expectedRevision !== undefined && live.id !== op.expectedRevision)) {
          results.push({ ok: false, current: live && valueOf(op.key, live) });
          break;
        }
        const prev = valueOf(op.key, live);
        // a tombstone keeps the value it removed: delete events carry it even after compaction
        const row = append({
          name: op.key, created: false, deleted: true, createRevision: live.create_revision,
          prevRevision: live.id, value: prev.value,
        });
        results.push({ ok: true, revision: row.id, prev });
        break;
      }
      default: {
        const never: never = op;
        throw new Error(`unknown write ${JSON.stringify(never)}`);
      }
    }
  }
  return { results, rows, revision };
}
