// The etcd backend: the shared Store contract against a real etcd (started
// fresh for this file, stopped at the end), each test in its own key prefix;
// plus what only a networked store has to prove: prefixes isolate, a
// compaction by another client is discovered, and losing etcd fails watches
// and calls with StoreError('unavailable') instead of hanging.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { startEtcd, type RunningEtcd } from '../../../test/support/etcd.js';
import { runStoreContract } from '../contract.js';
import { StoreError, type Store } from '../store.js';
import { openEtcdStore } from './store.js';

let etcd: RunningEtcd | undefined;

before(async () => {
  etcd = await startEtcd();
});

after(async () => {
  await etcd?.stop();
});

function endpoint(): string {
  if (etcd === undefined) throw new Error('etcd did not start');
  return etcd.endpoint;
}

runStoreContract('etcd', async () => {
  const prefix = `/hale-test/${randomUUID()}`;
  const stores: Store[] = [await openEtcdStore({ endpoints: [endpoint()], prefix })];
  return {
    store: stores[0] as Store,
    reopen: async () => {
      const s = await openEtcdStore({ endpoints: [endpoint()], prefix });
      stores.push(s);
      return s;
    },
    cleanup: async () => {
      for (const s of stores) await s.close();
    },
  };
});

const isStoreError = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

describe('etcd store', { timeout: 60_000 }, () => {
  it('keeps stores with different prefixes apart', async () => {
    const a = await openEtcdStore({ endpoints: [endpoint()], prefix: `/iso-a-${randomUUID()}` });
    const b = await openEtcdStore({ endpoints: [endpoint()], prefix: `/iso-b-${randomUUID()}` });
    try {
      assert.ok((await a.create('/k', 'a')).ok);
      assert.equal(await b.get('/k'), undefined);
      assert.deepEqual((await b.list('')).items, []);
      assert.deepEqual((await a.list('')).items.map((i) => i.key), ['/k']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('finds a compaction made by another client', async () => {
    const prefix = `/cmp-${randomUUID()}`;
    const a = await openEtcdStore({ endpoints: [endpoint()], prefix });
    const b = await openEtcdStore({ endpoints: [endpoint()], prefix });
    try {
      for (let i = 0; i < 10; i++) assert.ok((await a.create(`/k${i}`, 'v')).ok);
      const rev = await a.currentRevision();
      await a.compact(rev - 3);
      assert.equal(await b.compactedRevision(), rev - 4);
      assert.equal(await a.compactedRevision(), rev - 4);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails watches and calls with unavailable when etcd goes away', async () => {
    const own = await startEtcd();
    const s = await openEtcdStore({ endpoints: [own.endpoint], dialTimeoutMs: 1000 });
    try {
      const it = s.watch('/', await s.currentRevision())[Symbol.asyncIterator]();
      assert.ok((await s.create('/a', 'v')).ok);
      assert.equal((await it.next()).value?.kv.key, '/a');
      const failed = assert.rejects(it.next(), isStoreError('unavailable'));
      await own.stop();
      await failed;
      await assert.rejects(s.get('/a'), isStoreError('unavailable'));
    } finally {
      await s.close();
      await own.stop();
    }
  });

  it('refuses to open when no endpoint answers', async () => {
    const own = await startEtcd();
    const dead = own.endpoint;
    await own.stop();
    await assert.rejects(openEtcdStore({ endpoints: [dead], dialTimeoutMs: 500 }), isStoreError('unavailable'));
  });
});
