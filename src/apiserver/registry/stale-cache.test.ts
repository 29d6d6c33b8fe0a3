// Updates start from the watch cache's object (no store read); a cache that
// lags the store must never change an answer. A second registry's cache is
// stopped (it keeps what it had: a lagging cache that never catches up) while
// the first registry writes on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/object.js';
import { FakeClock } from '../../lib/clock/clock.js';
import { ApiError } from '../../machinery/errors.js';
import { openSqliteStore } from '../../storage/sqlite/store.js';
import type { Store } from '../../storage/store.js';
import { WatchCache } from '../watchcache/watch-cache.js';
import { kindValidator } from '../validator.js';
import { systemContext } from './context.js';
import { Registry } from './registry.js';

const cms = findResource('', 'v1', 'configmaps')!;
const namespaces = findResource('', 'v1', 'namespaces')!;
const leases = findResource('coordination.k8s.io', 'v1', 'leases')!;

describe('registry updates with a watch cache that lags the store', () => {
  let dir: string;
  let store: Store;
  let live: WatchCache;
  let stale: WatchCache;
  let fresh: Registry;
  let lagging: Registry;
  const clock = new FakeClock(Date.UTC(2026, 10, 29, 12, 0, 0));
  const ctx = systemContext('test');
  const get = (name: string) => fresh.get(cms, 'default', name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hale-stale-cache-'));
    store = await openSqliteStore({ path: join(dir, 'state.db') });
    live = new WatchCache(store);
    await live.start();
    fresh = new Registry({ store, cache: live, clock, validator: kindValidator });
    await fresh.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
    for (const name of ['merge', 'pinned', 'noop', 'valid', 'gone']) {
      await fresh.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: '1' } }, ctx);
    }
    await fresh.create(leases, 'default', lease('l1'), ctx);
    stale = new WatchCache(store);
    await stale.start();
    await stale.stop(); // keeps every object as of now
    lagging = new Registry({ store, cache: stale, clock, validator: kindValidator });
    // The store moves on; the stopped cache does not see it.
    for (const name of ['merge', 'pinned', 'noop', 'valid']) {
      await fresh.update(cms, 'default', name, (cur) => ({ ...cur, data: { v: '2', [name]: 'x' } }), { ctx });
    }
    await fresh.delete(cms, 'default', 'gone', {}, ctx);
    await fresh.delete(leases, 'default', 'l1', {}, ctx);
  });
  const lease = (name: string, holder = 'a'): KObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'default' }, spec: { holderIdentity: holder } });
  after(async () => {
    await live.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a read-modify-write applies to the store state, not the cached one', async () => {
    assert.equal(stale.latestEntry('/registry/configmaps/default/merge')?.obj.data?.['merge' as never], undefined, 'the cache lags');
    await lagging.update(cms, 'default', 'merge', (cur) => ({ ...cur, data: { ...(cur.data as object), w: '3' } }), { ctx });
    assert.deepEqual((await get('merge')).data, { v: '2', merge: 'x', w: '3' });
  });

  it('a resourceVersion the client read from the store is not a conflict because the cache is behind', async () => {
    const rv = (await get('pinned')).metadata.resourceVersion!;
    const { obj } = await lagging.update(cms, 'default', 'pinned', (cur) => ({ ...cur, data: { v: '9' } }), { ctx, pinnedRv: rv });
    assert.deepEqual(obj.data, { v: '9' });
    assert.ok(Number(obj.metadata.resourceVersion) > Number(rv));
  });

  it('a stale resourceVersion is still a conflict', async () => {
    const rv = stale.latestEntry('/registry/configmaps/default/noop')!.obj.metadata.resourceVersion!;
    await assert.rejects(lagging.update(cms, 'default', 'noop', (cur) => ({ ...cur, data: { v: '1' } }), { ctx, pinnedRv: rv }), (e: unknown) => e instanceof ApiError && e.code === 409);
  });

  it('a change that is no change against the cache but one against the store is written', async () => {
    // The cache holds data {v: '1'}; the store holds {v: '2', noop: 'x'}: setting {v: '1'} must write.
    const before = await get('noop');
    const { obj } = await lagging.update(cms, 'default', 'noop', (cur) => ({ ...cur, data: { v: '1' } }), { ctx });
    assert.deepEqual(obj.data, { v: '1' });
    assert.deepEqual((await get('noop')).data, { v: '1' });
    assert.notEqual((await get('noop')).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('an object the cache still holds but the store deleted is not found', async () => {
    assert.ok(stale.latestEntry('/registry/configmaps/default/gone'));
    await assert.rejects(lagging.update(cms, 'default', 'gone', (cur) => ({ ...cur, data: { v: '5' } }), { ctx }), (e: unknown) => e instanceof ApiError && e.code === 404);
    await assert.rejects(get('gone'), (e: unknown) => e instanceof ApiError && e.code === 404);
  });

  it('a PUT that may create (a Lease) creates what the store deleted though the cache still holds it', async () => {
    assert.ok(stale.latestEntry('/registry/leases.coordination.k8s.io/default/l1'));
    const { obj, created } = await lagging.update(leases, 'default', 'l1', () => lease('l1', 'b'), { ctx, pure: true, createIfMissing: () => lease('l1', 'b') });
    assert.equal(created, true);
    assert.equal((obj.spec as { holderIdentity: string }).holderIdentity, 'b');
  });

  it('a mutation that fails against the cached object is decided again on the store state', async () => {
    // Only the store's version carries the key the mutation needs.
    const { obj } = await lagging.update(cms, 'default', 'valid', (cur) => {
      const data = cur.data as Record<string, string>;
      if (data.valid !== 'x') throw new ApiError(409, 'Conflict', 'precondition not met');
      return { ...cur, data: { ...data, checked: 'yes' } };
    }, { ctx });
    assert.equal((obj.data as Record<string, string>).checked, 'yes');
  });

  it('a write from an up-to-date cache keeps every rule', async () => {
    await fresh.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { v: '1' }, immutable: true }, ctx);
    const labelled = await fresh.update(cms, 'default', 'frozen', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { a: 'b' } } }), { ctx });
    assert.equal(labelled.obj.metadata.labels?.a, 'b');
    // an immutable ConfigMap keeps its data: still refused when the update starts from the cache
    await assert.rejects(
      fresh.update(cms, 'default', 'frozen', (cur: KObject) => ({ ...cur, data: { v: '2' } }), { ctx }),
      (e: unknown) => e instanceof ApiError && e.code === 422,
    );
  });
});
