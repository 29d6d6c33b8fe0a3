// The one contract every Store implementation runs (sqlite, etcd, and any
// future backend): `runStoreContract(name, open)` from the backend's test file.
// It checks behaviour through the Store interface only, never through backend
// internals, and never assumes where revisions start (an etcd shared with
// other tests has its own history): revisions are compared with the ones the
// writes returned. `open` gives a fresh, empty keyspace for every test;
// `reopen` a new Store on the same data (new connection, new file handle).
// Waits are bounded by a timeout so a broken watch fails instead of hanging;
// no test asserts speed.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { StoreError, type KeyValue, type Store, type StoreErrorCode, type Watch, type WatchEvent, type WatchOptions } from './store.js';

export interface StoreUnderTest {
  store: Store;
  /** a new Store on the same data; the test has closed `store` (and any earlier reopened one) first */
  reopen(): Promise<Store>;
  /** close every Store handed out and remove the data */
  cleanup(): Promise<void>;
}

const WAIT_MS = 15_000;

export function runStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, { timeout: 120_000 }, () => {
    let h: StoreUnderTest;
    let s: Store;
    let watches: Watch[] = [];
    const watch = (prefix: string, from: number, opts?: WatchOptions): AsyncIterator<WatchEvent> & { w: Watch } => {
      const w = s.watch(prefix, from, opts);
      watches.push(w);
      return Object.assign(w[Symbol.asyncIterator](), { w });
    };

    beforeEach(async () => {
      h = await open();
      s = h.store;
      watches = [];
    });
    afterEach(async () => {
      for (const w of watches) w.close();
      await h.cleanup();
    });

    describe('writes', () => {
      it('get of a missing key is undefined; create returns the new value at a new revision', async () => {
        assert.equal(await s.get('/k'), undefined);
        const r = await s.create('/k', 'v1');
        assert.ok(r.ok);
        assert.deepEqual(r.kv, { key: '/k', value: 'v1', createRevision: r.revision, modRevision: r.revision });
        assert.deepEqual(await s.get('/k'), r.kv);
        assert.equal(await s.currentRevision(), r.revision);
      });

      it('create of an existing key fails with its current value and writes nothing', async () => {
        const first = await s.create('/k', 'v1');
        assert.ok(first.ok);
        const again = await s.create('/k', 'v2');
        assert.deepEqual(again, { ok: false, current: first.kv });
        assert.equal(await s.currentRevision(), first.revision);
        assert.deepEqual(await s.get('/k'), first.kv);
      });

      it('update replaces the value only at the expected revision', async () => {
        const c = await s.create('/k', 'v1');
        assert.ok(c.ok);
        const u = await s.update('/k', 'v2', c.revision);
        assert.ok(u.ok);
        assert.ok(u.revision > c.revision);
        assert.deepEqual(u.kv, { key: '/k', value: 'v2', createRevision: c.revision, modRevision: u.revision });
        assert.deepEqual(await s.get('/k'), u.kv);

        const stale = await s.update('/k', 'v3', c.revision);
        assert.deepEqual(stale, { ok: false, current: u.kv });
        assert.deepEqual(await s.update('/missing', 'v', u.revision), { ok: false, current: undefined });
        // 0 is nobody's modRevision: it must not turn into a create
        assert.deepEqual(await s.update('/missing', 'v', 0), { ok: false, current: undefined });
        assert.equal(await s.get('/missing'), undefined);
        assert.equal(await s.currentRevision(), u.revision);
      });

      it('delete honours its optional revision guard and returns the deleted value', async () => {
        const a = await s.create('/a', 'va');
        const b = await s.create('/b', 'vb');
        assert.ok(a.ok && b.ok);
        assert.deepEqual(await s.delete('/a', a.revision + 1000), { ok: false, current: a.kv });
        assert.deepEqual(await s.get('/a'), a.kv);

        const d = await s.delete('/a', a.revision);
        assert.ok(d.ok);
        assert.ok(d.revision > b.revision);
        assert.deepEqual(d.prev, a.kv);
        assert.equal(await s.get('/a'), undefined);
        assert.deepEqual(await s.delete('/a'), { ok: false, current: undefined });
        assert.deepEqual(await s.delete('/a', d.revision), { ok: false, current: undefined });

        const unguarded = await s.delete('/b');
        assert.ok(unguarded.ok);
        assert.deepEqual(unguarded.prev, b.kv);
        assert.equal(await s.currentRevision(), unguarded.revision);
      });

      it('a key created again after a delete starts a new life', async () => {
        const c1 = await s.create('/k', 'v1');
        assert.ok(c1.ok);
        const d = await s.delete('/k', c1.revision);
        assert.ok(d.ok);
        assert.deepEqual(await s.update('/k', 'x', c1.revision), { ok: false, current: undefined });
        const c2 = await s.create('/k', 'v2');
        assert.ok(c2.ok);
        assert.deepEqual(c2.kv, { key: '/k', value: 'v2', createRevision: c2.revision, modRevision: c2.revision });
        assert.ok(c2.revision > d.revision);
      });

      it('revisions are global and strictly increasing across keys', async () => {
        const revs: number[] = [];
        for (const key of ['/x/1', '/y/1', '/x/2', '/z']) {
          const r = await s.create(key, key);
          assert.ok(r.ok);
          revs.push(r.revision);
        }
        const u = await s.update('/x/1', 'again', revs[0] ?? 0);
        assert.ok(u.ok);
        revs.push(u.revision);
        const d = await s.delete('/y/1');
        assert.ok(d.ok);
        revs.push(d.revision);
        for (let i = 1; i < revs.length; i++) assert.ok((revs[i] ?? 0) > (revs[i - 1] ?? 0), `revisions ${revs.join(',')}`);
        assert.equal(await s.currentRevision(), d.revision);
        const x2 = await s.get('/x/2');
        assert.equal(x2?.createRevision, revs[2]);
        assert.equal(x2?.modRevision, revs[2]);
      });

      it('an empty key is a caller error', async () => {
        await assert.rejects(s.create('', 'v'), RangeError);
        await assert.rejects(s.get(''), RangeError);
      });
    });

    describe('list', () => {
      it('lists by prefix, sorted by key, and stops at the prefix boundary', async () => {
        const keys = ['/b/1', '/a/x/3', '/ab/1', '/a/2', '/a', '/a0', '/a/', '/a/1'];
        for (const k of keys) assert.ok((await s.create(k, `v${k}`)).ok);
        const rev = await s.currentRevision();
        const l = await s.list('/a/');
        assert.deepEqual(l.items.map((i) => i.key), ['/a/', '/a/1', '/a/2', '/a/x/3']);
        assert.deepEqual(l.items.map((i) => i.value), ['v/a/', 'v/a/1', 'v/a/2', 'v/a/x/3']);
        assert.equal(l.revision, rev);
        assert.equal(l.more, false);
        assert.deepEqual((await s.list('/ab/')).items.map((i) => i.key), ['/ab/1']);
        assert.deepEqual((await s.list('/nothing/')).items, []);
        assert.deepEqual((await s.list('')).items.map((i) => i.key), [...keys].sort());
      });

      it('orders and bounds non-ASCII keys by their UTF-8 bytes', async () => {
        const keys = ['/é/1', '/é/2', '/éa', '/e/1', '/😀/1', '/\uffff/1', '/\u{10ffff}/1', '/\u{10ffff}\u{10ffff}'];
        for (const k of keys) assert.ok((await s.create(k, k)).ok);
        const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.deepEqual((await s.list('')).items.map((i) => i.key), byBytes);
        assert.deepEqual((await s.list('/é/')).items.map((i) => i.key), ['/é/1', '/é/2']);
        assert.deepEqual((await s.list('/\u{10ffff}')).items.map((i) => i.key), ['/\u{10ffff}/1', '/\u{10ffff}\u{10ffff}']);
        assert.deepEqual((await s.list('/😀/')).items.map((i) => i.key), ['/😀/1']);
      });

      it('lists the state as of an older revision, including keys deleted since', async () => {
        const a = await s.create('/l/a', 'a1');
        const b = await s.create('/l/b', 'b1');
        assert.ok(a.ok && b.ok);
        const at = b.revision;
        assert.ok((await s.update('/l/a', 'a2', a.revision)).ok);
        assert.ok((await s.delete('/l/b')).ok);
        assert.ok((await s.create('/l/c', 'c1')).ok);

        const old = await s.list('/l/', { revision: at });
        assert.equal(old.revision, at);
        assert.deepEqual(old.items, [a.kv, b.kv]);
        const now = await s.list('/l/');
        assert.deepEqual(now.items.map((i) => [i.key, i.value]), [['/l/a', 'a2'], ['/l/c', 'c1']]);
        const first = await s.list('/l/', { revision: a.revision });
        assert.deepEqual(first.items, [a.kv]);
      });

      it('pages with limit, more and startKey cover every key exactly once at one revision', async () => {
        const keys = Array.from({ length: 23 }, (_, i) => `/p/${String(i).padStart(2, '0')}`);
        for (const k of keys) assert.ok((await s.create(k, k)).ok);
        assert.ok((await s.create('/q/outside', 'x')).ok);
        const seen: string[] = [];
        let page = await s.list('/p/', { limit: 5 });
        const revision = page.revision;
        // writes after the first page must not show up in later pages
        assert.ok((await s.create('/p/99', 'late')).ok);
        assert.ok((await s.delete('/p/20')).ok);
        for (;;) {
          assert.ok(page.items.length <= 5);
          assert.equal(page.revision, revision);
          seen.push(...page.items.map((i) => i.key));
          if (page.more && page.remaining !== undefined) assert.equal(page.remaining, keys.length - seen.length);
          if (!page.more) break;
          const last = page.items[page.items.length - 1];
          assert.ok(last);
          page = await s.list('/p/', { revision, limit: 5, startKey: `${last.key}\0` });
        }
        assert.deepEqual(seen, keys);
        const exact = await s.list('/p/', { revision, limit: keys.length });
        assert.equal(exact.more, false);
        assert.equal(exact.items.length, keys.length);
        const fromMiddle = await s.list('/p/', { revision, startKey: '/p/20' });
        assert.deepEqual(fromMiddle.items.map((i) => i.key), ['/p/20', '/p/21', '/p/22']);
      });

      it('a future revision is a caller error', async () => {
        const r = await s.create('/f', 'v');
        assert.ok(r.ok);
        await assert.rejects(s.list('/', { revision: r.revision + 1000 }), RangeError);
      });

      it('a compacted revision throws StoreError compacted', async () => {
        const a = await s.create('/c/a', '1');
        assert.ok(a.ok);
        const u = await s.update('/c/a', '2', a.revision);
        assert.ok(u.ok);
        await s.compact(u.revision);
        await expectStoreError(s.list('/c/', { revision: a.revision }), 'compacted');
        assert.deepEqual((await s.list('/c/', { revision: u.revision })).items, [u.kv]);
      });
    });

    describe('watch', () => {
      it('replays history, then goes live, with no gaps or duplicates (also for writes made during replay)', async () => {
        const start = await s.currentRevision();
        const expected: number[] = [];
        const writeMany = async (from: number, count: number): Promise<void> => {
          for (let i = from; i < from + count; i += 50) {
            const batch = Array.from({ length: Math.min(50, from + count - i) }, (_, j) => s.create(`/w/${i + j}`, `v${i + j}`));
            for (const r of await Promise.all(batch)) {
              assert.ok(r.ok);
              expected.push(r.revision);
            }
          }
        };
        await writeMany(0, 600); // more than one replay page in the sqlite backend
        assert.ok((await s.create('/other/1', 'x')).ok);
        const it = watch('/w/', start);
        const got: WatchEvent[] = await take(it, 10);
        await writeMany(600, 60); // written while the watch is still replaying
        got.push(...(await take(it, 650)));
        await writeMany(660, 5); // live
        got.push(...(await take(it, 5)));
        expected.sort((x, y) => x - y);
        assert.deepEqual(got.map((e) => e.kv.modRevision), expected);
        assert.ok(got.every((e) => e.type === 'put' && e.kv.key.startsWith('/w/') && e.prev === undefined));
        assert.equal(new Set(got.map((e) => e.kv.key)).size, 665);
      });

      it('put events carry the previous value when asked (prevKv); delete events carry the prior value and the delete revision', async () => {
        const from = await s.currentRevision();
        const c = await s.create('/e/k', 'v1');
        assert.ok(c.ok);
        const u = await s.update('/e/k', 'v2', c.revision);
        assert.ok(u.ok);
        const d = await s.delete('/e/k', u.revision);
        assert.ok(d.ok);
        const deleted = { type: 'delete', kv: { key: '/e/k', value: 'v2', createRevision: c.revision, modRevision: d.revision } };
        assert.deepEqual(await take(watch('/e/', from, { prevKv: true }), 3), [
          { type: 'put', kv: c.kv, prev: undefined },
          { type: 'put', kv: u.kv, prev: c.kv },
          deleted,
        ]);
        // not asked: no prev, the delete still carries its value
        assert.deepEqual(await take(watch('/e/', from), 3), [
          { type: 'put', kv: c.kv, prev: undefined },
          { type: 'put', kv: u.kv, prev: undefined },
          deleted,
        ]);
        // the same, live, with a watcher of each kind on the same events
        const live = watch('/e/', d.revision, { prevKv: true });
        const plain = watch('/e/', d.revision);
        const c2 = await s.create('/e/k', 'v3');
        assert.ok(c2.ok);
        const u2 = await s.update('/e/k', 'v4', c2.revision);
        assert.ok(u2.ok);
        const d2 = await s.delete('/e/k');
        assert.ok(d2.ok);
        const deleted2 = { type: 'delete', kv: { ...u2.kv, modRevision: d2.revision } };
        assert.deepEqual(await take(live, 3), [
          { type: 'put', kv: c2.kv, prev: undefined },
          { type: 'put', kv: u2.kv, prev: c2.kv },
          deleted2,
        ]);
        assert.deepEqual(await take(plain, 3), [
          { type: 'put', kv: c2.kv, prev: undefined },
          { type: 'put', kv: u2.kv, prev: undefined },
          deleted2,
        ]);
      });

      it('delivers only keys under the prefix', async () => {
        const from = await s.currentRevision();
        const it = watch('/a/', from);
        for (const k of ['/ab/1', '/a/1', '/a', '/b/1', '/a/x/2']) assert.ok((await s.create(k, k)).ok);
        const events = await take(it, 2);
        assert.deepEqual(events.map((e) => e.kv.key), ['/a/1', '/a/x/2']);
        // nothing else is pending: the next event is the next matching write
        assert.ok((await s.create('/a/3', 'x')).ok);
        assert.equal((await take(it, 1))[0]?.kv.key, '/a/3');
      });

      it('starting from the current revision sees only later writes', async () => {
        assert.ok((await s.create('/n/old', 'x')).ok);
        const it = watch('/n/', await s.currentRevision());
        const r = await s.create('/n/new', 'y');
        assert.ok(r.ok);
        assert.deepEqual(await take(it, 1), [{ type: 'put', kv: r.kv, prev: undefined }]);
      });

      it('from a revision in the future delivers only events after it', async () => {
        const now = await s.currentRevision();
        const it = watch('/fut/', now + 2);
        const r1 = await s.create('/fut/1', 'x');
        const r2 = await s.create('/fut/2', 'x');
        const r3 = await s.create('/fut/3', 'x');
        assert.ok(r1.ok && r2.ok && r3.ok);
        assert.equal(r2.revision, now + 2, 'nothing else writes to this store during the test');
        assert.deepEqual((await take(it, 1)).map((e) => e.kv.key), ['/fut/3']);
      });

      it('a compaction during replay ends the watch with compacted, never with a gap', async () => {
        const start = await s.currentRevision();
        const expected: number[] = [];
        for (let i = 0; i < 600; i += 50) {
          const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => s.create(`/cr/${i + j}`, 'v')));
          for (const r of batch) if (r.ok) expected.push(r.revision);
        }
        expected.sort((x, y) => x - y);
        const it = watch('/cr/', start);
        const got = await take(it, 10);
        await s.compact(await s.currentRevision());
        for (;;) {
          let r: IteratorResult<WatchEvent>;
          try {
            r = await nextWithin(it);
          } catch (error) {
            assert.ok(error instanceof StoreError && error.code === 'compacted', `unexpected ${String(error)}`);
            break;
          }
          assert.ok(!r.done);
          got.push(r.value);
          if (got.length === expected.length) break;
        }
        // whatever was delivered is a gap-free prefix of the history
        assert.deepEqual(got.map((e) => e.kv.modRevision), expected.slice(0, got.length));
      });

      it('from a compacted revision throws StoreError compacted', async () => {
        const a = await s.create('/h/a', '1');
        assert.ok(a.ok);
        const b = await s.update('/h/a', '2', a.revision);
        assert.ok(b.ok);
        const c = await s.update('/h/a', '3', b.revision);
        assert.ok(c.ok);
        await s.compact(c.revision);
        await expectStoreError(nextWithin(watch('/h/', a.revision)), 'compacted');
        // the history after the compacted revision is still there
        const ok = await take(watch('/h/', c.revision - 1), 1);
        assert.deepEqual(ok[0]?.kv, c.kv);
      });

      it('cuts off a consumer that never reads with StoreError overflow, at exactly bufferSize', async () => {
        const from = await s.currentRevision();
        const over = watch('/o/', from, { bufferSize: 19 });
        const fits = watch('/o/', from, { bufferSize: 20 });
        // The sentinel watch shares the store's watch machinery: once it has seen
        // a write made after the /o/ writes, those were handed to the others too.
        const sentinel = watch('/sentinel/', from);
        assert.ok((await s.create('/sentinel/0', 'x')).ok);
        await take(sentinel, 1);
        for (let i = 0; i < 20; i++) assert.ok((await s.create(`/o/${i}`, 'x')).ok);
        assert.ok((await s.create('/sentinel/1', 'x')).ok);
        await take(sentinel, 1);
        await expectStoreError(nextWithin(over), 'overflow');
        assert.deepEqual(await over.next(), { value: undefined, done: true });
        assert.equal((await take(fits, 20)).length, 20);
      });

      it('close() ends the iteration', async () => {
        const it = watch('/z/', await s.currentRevision());
        const pending = it.next();
        it.w.close();
        assert.deepEqual(await withTimeout(pending), { value: undefined, done: true });
        assert.deepEqual(await it.next(), { value: undefined, done: true });

        const loop = watch('/z/', await s.currentRevision());
        const keys: string[] = [];
        const consumed = (async () => {
          for await (const e of { [Symbol.asyncIterator]: () => loop }) {
            keys.push(e.kv.key);
            if (keys.length === 2) loop.w.close();
          }
        })();
        for (const k of ['/z/1', '/z/2', '/z/3']) assert.ok((await s.create(k, k)).ok);
        await withTimeout(consumed);
        assert.deepEqual(keys, ['/z/1', '/z/2']);
      });
    });

    describe('compaction', () => {
      it('keeps the latest value of every key and drops older history', async () => {
        const k0 = await s.create('/m/k0', 'only');
        const a1 = await s.create('/m/k1', 'a1');
        assert.ok(k0.ok && a1.ok);
        const a2 = await s.update('/m/k1', 'a2', a1.revision);
        const b = await s.create('/m/k2', 'b');
        assert.ok(a2.ok && b.ok);
        const bd = await s.delete('/m/k2');
        const c = await s.create('/m/k3', 'c');
        assert.ok(bd.ok && c.ok);
        const a3 = await s.update('/m/k1', 'a3', a2.revision);
        assert.ok(a3.ok);

        await s.compact(c.revision);
        assert.equal(await s.compactedRevision(), c.revision - 1);
        assert.deepEqual((await s.list('/m/')).items, [k0.kv, a3.kv, c.kv]);
        // the state at the compaction revision itself is kept
        assert.deepEqual((await s.list('/m/', { revision: c.revision })).items, [k0.kv, a2.kv, c.kv]);
        await expectStoreError(s.list('/m/', { revision: bd.revision }), 'compacted');
        assert.equal(await s.get('/m/k2'), undefined);
        // events after the compacted revision are still there, with their prev values
        const events = await take(watch('/m/', c.revision - 1, { prevKv: true }), 2);
        assert.deepEqual(events, [
          { type: 'put', kv: c.kv, prev: undefined },
          { type: 'put', kv: a3.kv, prev: a2.kv },
        ]);
        // a deleted key can be created again after its history is gone
        const again = await s.create('/m/k2', 'b2');
        assert.ok(again.ok);
        assert.equal(again.kv.createRevision, again.revision);
      });

      it('currentRevision and compactedRevision move as documented', async () => {
        const before = await s.compactedRevision();
        assert.ok(before <= (await s.currentRevision()));
        const a = await s.create('/r/a', '1');
        const b = await s.create('/r/b', '2');
        assert.ok(a.ok && b.ok);
        assert.equal(await s.currentRevision(), b.revision);
        await s.compact(b.revision);
        assert.equal(await s.compactedRevision(), b.revision - 1);
        await s.compact(a.revision); // older than what is already compacted: nothing happens
        assert.equal(await s.compactedRevision(), b.revision - 1);
        await assert.rejects(s.compact(b.revision + 1000), RangeError);
        assert.equal(await s.currentRevision(), b.revision);
        assert.deepEqual((await s.list('/r/')).items, [a.kv, b.kv]);
      });
    });

    describe('concurrency', () => {
      it('200 concurrent updates at one expected revision: exactly one wins', async () => {
        const c = await s.create('/cas', '0');
        assert.ok(c.ok);
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => s.update('/cas', `w${i}`, c.revision)));
        const winners = results.filter((r) => r.ok);
        assert.equal(winners.length, 1);
        const won = winners[0];
        assert.ok(won?.ok);
        for (const r of results) if (!r.ok) assert.deepEqual(r.current, won.kv);
        assert.deepEqual(await s.get('/cas'), won.kv);
      });

      it('200 increments from racing read-modify-write writers: none lost', async () => {
        const c = await s.create('/counter', '0');
        assert.ok(c.ok);
        const target = 200;
        const successes: number[] = [];
        const writer = async (): Promise<void> => {
          let current: KeyValue | undefined = await s.get('/counter');
          while (successes.length < target) {
            assert.ok(current);
            const n = Number(current.value);
            if (n >= target) return;
            const r = await s.update('/counter', String(n + 1), current.modRevision);
            if (r.ok) {
              successes.push(n + 1);
              current = r.kv;
            } else {
              current = r.current;
            }
          }
        };
        await Promise.all(Array.from({ length: 10 }, () => writer()));
        assert.equal(successes.length, target);
        assert.deepEqual([...successes].sort((x, y) => x - y), Array.from({ length: target }, (_, i) => i + 1));
        assert.equal((await s.get('/counter'))?.value, String(target));
      });

      it('200 concurrent creates of different keys all succeed with distinct revisions', async () => {
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`/many/${i}`, `${i}`)));
        const revs = results.map((r) => (r.ok ? r.revision : -1));
        assert.ok(revs.every((r) => r > 0));
        assert.equal(new Set(revs).size, 200);
        assert.equal((await s.list('/many/')).items.length, 200);
      });
    });

    describe('lifecycle', () => {
      it('data survives close and reopen, and revisions continue above the old ones', async () => {
        const a = await s.create('/d/a', 'va');
        assert.ok(a.ok);
        const b = await s.create('/d/b', 'vb');
        assert.ok(b.ok);
        const d = await s.delete('/d/a');
        assert.ok(d.ok);
        await s.compact(b.revision);
        const rev = await s.currentRevision();
        await s.close();
        s = await h.reopen();
        assert.equal(await s.currentRevision(), rev);
        assert.equal(await s.compactedRevision(), b.revision - 1);
        assert.equal(await s.get('/d/a'), undefined);
        assert.deepEqual(await s.get('/d/b'), b.kv);
        const c = await s.create('/d/c', 'vc');
        assert.ok(c.ok);
        assert.ok(c.revision > rev);
        assert.deepEqual((await s.list('/d/')).items, [b.kv, c.kv]);
      });

      it('a closed store fails every call with StoreError closed, and its watches end', async () => {
        const it = watch('/x/', await s.currentRevision());
        const pending = nextWithin(it);
        await s.close();
        await expectStoreError(pending, 'closed');
        await s.close(); // idempotent
        await expectStoreError(s.get('/x'), 'closed');
        await expectStoreError(s.create('/x', 'v'), 'closed');
        await expectStoreError(s.list('/'), 'closed');
        await expectStoreError(s.currentRevision(), 'closed');
        await expectStoreError(nextWithin(s.watch('/x/', 0)[Symbol.asyncIterator]()), 'closed');
      });
    });
  });
}

async function expectStoreError(p: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StoreError, `expected StoreError(${code}), got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

function withTimeout<T>(p: Promise<T>, what = 'store'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function nextWithin(it: AsyncIterator<WatchEvent>): Promise<IteratorResult<WatchEvent>> {
  return withTimeout(it.next(), 'watch');
}

/** exactly n events; fails if the watch ends or stalls first */
async function take(it: AsyncIterator<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  while (out.length < n) {
    const r = await nextWithin(it);
    if (r.done) assert.fail(`watch ended after ${out.length} of ${n} events`);
    out.push(r.value);
  }
  return out;
}
