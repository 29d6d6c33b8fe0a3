// The sqlite store's write pipeline, commit → flush the WAL → acknowledge:
// nobody (writer, reader, watcher) hears of a write before the flush that
// followed its COMMIT; writes that arrive during a flush wait and go into one
// batch after it; a failed flush fails the writes it would have made durable
// and every later one. The flush here is the real WalSync behind a gate the
// test opens.

import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';

import { StoreError, type WatchEvent } from '../store.js';
import { SqliteLog } from './log.js';
import { prepareDatabase } from './schema.js';
import { SqliteStore } from './store.js';
import { WalSync, type WalFlush } from './wal-sync.js';

/** A real WalSync whose flushes wait until the test lets them finish (or fail). */
class GatedWal implements WalFlush {
  calls = 0;
  /** flushes pass straight through */
  open = false;
  private gates: { open: () => void; fail: (e: unknown) => void }[] = [];
  constructor(readonly real: WalSync) {}
  async sync(): Promise<void> {
    this.calls++;
    await this.real.sync();
    if (!this.open) await new Promise<void>((open, fail) => this.gates.push({ open, fail }));
  }
  /** opens every gate, now and later */
  openAll(): void {
    this.open = true;
    for (const g of this.gates.splice(0)) g.open();
  }
  close(): Promise<void> {
    return this.real.close();
  }
  async release(): Promise<void> {
    await until(() => this.gates.length > 0);
    this.gates.shift()!.open();
  }
  async failNext(err: Error): Promise<void> {
    await until(() => this.gates.length > 0);
    this.gates.shift()!.fail(err);
  }
}

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !test(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(test(), 'condition not reached');
}

/** a few turns of the event loop: enough for a batch to be committed and a flush to start */
const turns = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function settled<T>(p: Promise<T>): { done: boolean; value?: T; error?: unknown } {
  const s: { done: boolean; value?: T; error?: unknown } = { done: false };
  p.then(
    (v) => Object.assign(s, { done: true, value: v }),
    (e: unknown) => Object.assign(s, { done: true, error: e }),
  );
  return s;
}

describe('sqlite store: acknowledged after the WAL flush', () => {
  let dir: string;
  let db: Database.Database;
  let wal: GatedWal;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hale-sqlite-ack-'));
    const path = join(dir, 'state.db');
    db = new Database(path);
    prepareDatabase(db);
    const log = new SqliteLog(db);
    wal = new GatedWal(new WalSync(path));
    store = new SqliteStore({ db, log, maxBatch: 256, revision: log.lastRevision(), compacted: log.compactedRevision(), wal });
  });
  afterEach(async () => {
    wal.openAll();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('nobody hears of a committed write before its flush', async () => {
    const before = await store.currentRevision();
    const events: WatchEvent[] = [];
    const w = store.watch('/k', before);
    void (async () => {
      for await (const e of w) events.push(e);
    })();
    const first = settled(store.create('/k/a', 'v1'));
    await turns();
    assert.equal(wal.calls, 1, 'the batch was committed and its flush started');
    assert.equal(first.done, false);
    assert.equal(await store.get('/k/a'), undefined);
    assert.equal((await store.list('/k/')).items.length, 0);
    assert.equal(await store.currentRevision(), before);
    assert.deepEqual(events, []);
    // a second create waits for the flush, then is decided against the first one's row
    const second = settled(store.create('/k/a', 'v2'));
    await turns();
    await wal.release();
    await until(() => first.done);
    const r1 = first.value!;
    assert.ok(r1.ok);
    assert.equal(r1.revision, before + 1);
    assert.deepEqual(await store.get('/k/a'), r1.kv);
    assert.equal(await store.currentRevision(), before + 1);
    await until(() => events.length === 1);
    assert.equal(second.done, false, 'the second batch waits for the next flush');
    await wal.release();
    await until(() => second.done);
    assert.equal(second.value!.ok, false);
    assert.deepEqual(second.value!.ok ? undefined : second.value!.current, r1.kv);
    w.close();
  });

  it('writes that arrive during a flush wait for it and are committed together after it', async () => {
    const a = settled(store.create('/a', '1'));
    await turns();
    const b = settled(store.create('/b', '1'));
    await turns();
    const c = settled(store.create('/c', '1'));
    await turns();
    assert.equal(wal.calls, 1);
    await wal.release();
    await until(() => a.done);
    assert.equal(b.done || c.done, false);
    await wal.release();
    await until(() => b.done && c.done);
    assert.equal(wal.calls, 2);
    const revs = [a.value!, b.value!, c.value!].map((r) => (r.ok ? r.revision : NaN));
    assert.deepEqual(revs.map((r) => r - revs[0]!), [0, 1, 2]);
  });

  it('a failed flush fails the writes it covered and every later one, and shows none of them', async () => {
    const ok = settled(store.create('/ok', '1'));
    await turns();
    await wal.release();
    await until(() => ok.done);
    const lost = settled(store.create('/lost', '1'));
    await turns();
    await wal.failNext(new Error('EIO'));
    await until(() => lost.done);
    assert.ok(lost.error instanceof StoreError && lost.error.code === 'unavailable', String(lost.error));
    await assert.rejects(store.create('/later', '1'), (e: unknown) => e instanceof StoreError && e.code === 'unavailable');
    assert.equal(await store.get('/lost'), undefined);
    assert.ok(await store.get('/ok'));
  });

  it('the WAL file keeps its inode through checkpoints, so the flushed file is the one SQLite writes', async () => {
    const path = join(dir, 'state.db-wal');
    wal.openAll();
    assert.ok((await store.create('/x', 'y')).ok);
    const ino = (await stat(path)).ino;
    // more than one auto-checkpoint's worth of pages (1,000), so the WAL restarts from its start; then a truncating checkpoint
    for (let i = 0; i < 40; i++) await Promise.all(Array.from({ length: 64 }, (_, j) => store.create(`/fill/${i}/${j}`, 'z'.repeat(8192))));
    db.pragma('wal_checkpoint(TRUNCATE)');
    assert.ok((await store.create('/after', '1')).ok);
    assert.equal((await stat(path)).ino, ino);
  });
});
