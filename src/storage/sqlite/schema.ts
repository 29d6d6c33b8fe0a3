// The SQLite schema, modelled on kine: one append-only log table where the row
// id IS the revision. A put or delete appends a row; nothing is updated in
// place. Invariants the database itself enforces:
// - `id INTEGER PRIMARY KEY AUTOINCREMENT`: revisions are never reused, even
//   after compaction deletes the newest rows' predecessors.
// - UNIQUE (name, prev_revision): two writes that both read revision N of a key
//   cannot both append a successor of N, so a lost update is refused by SQLite
//   even if the in-process compare-and-swap were bypassed.
// - (name, id): "latest row of a name at or below revision R" is one index seek.
// `old_value` is no longer written (it doubled every update row): a watch that
// asks for prev values reads the row at `prev_revision`, and like etcd's
// prev_kv gets none once compaction removed it. Files written before keep theirs.
// The `meta` table holds the compacted revision.

import type Database from 'better-sqlite3';

/** bump when the DDL below changes; open refuses a file from a newer schema */
export const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS log (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  value           TEXT    NOT NULL,
  old_value       TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS log_name_prev_revision ON log (name, prev_revision);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('compacted', 0);
`;

/** bytes per page of a newly created state file */
export const PAGE_SIZE = 16384;

/**
 * Set the connection up and create the schema. Takes the write lock and keeps
 * it (locking_mode=EXCLUSIVE): one process owns the file, which is what makes
 * in-process watch fan-out complete. A second opener fails fast instead of
 * writing rows that this process's watchers would never see.
 */
export function prepareDatabase(db: Database.Database): void {
  // A new file gets 16 KiB pages (an existing one keeps its own): a stored
  // object is typically 1–3 KB, and 4 KiB pages hold one such row each, half
  // empty. Measured on 2.1 KB rows: 16 KiB pages take 40 % less CPU per write
  // and 42 % less disk than 4 KiB ones (docs/storage.md).
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('locking_mode = EXCLUSIVE');
  const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
  if (mode !== 'wal') throw new Error(`sqlite refused WAL mode (journal_mode=${mode}); is the file on a filesystem without locking?`);
  // A COMMIT writes the WAL and returns; checkpoints sync the WAL and the file.
  // Durability of each acknowledged write is the store's (wal-sync.ts).
  db.pragma('synchronous = NORMAL');
  // Checkpoint once the WAL holds 4,000 pages (64 MiB at 16 KiB), not SQLite's
  // default 1,000: a checkpoint runs inside a COMMIT on the event loop and
  // copies every page the WAL changed since the last one, so fewer, larger
  // checkpoints copy a hot index page once where they copied it four times.
  db.pragma('wal_autocheckpoint = 4000');
  // take the exclusive lock now, not at the first write, so ownership is decided at open
  db.exec('BEGIN IMMEDIATE; COMMIT;');
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new Error(`state database has schema version ${version}; this hale understands up to ${SCHEMA_VERSION}`);
  }
  db.transaction(() => {
    db.exec(DDL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
