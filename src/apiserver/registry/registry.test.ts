// The registry and the watch cache on a real SQLite store: object semantics
// (uid, generation, no-op updates, conflicts, finalizers, graceful pod
// deletion on a fake clock) and consistent paged lists.

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
import { ALL, listObjects } from './list.js';
import { Registry } from './registry.js';

const cms = findResource('', 'v1', 'configmaps')!;
const pods = findResource('', 'v1', 'pods')!;
const deploys = findResource('apps', 'v1', 'deployments')!;
const namespaces = findResource('', 'v1', 'namespaces')!;

async function rejects(p: Promise<unknown>, code: number): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('registry', () => {
  let dir: string;
  let store: Store;
  let cache: WatchCache;
  let registry: Registry;
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 12, 0, 0));
  const ctx = systemContext('test');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hale-registry-'));
    store = await openSqliteStore({ path: join(dir, "state.db") });
    cache = new WatchCache(store);
    await cache.start();
    registry = new Registry({ store, cache, clock, validator: kindValidator });
    await registry.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
  });
  after(async () => {
    await cache.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates with uid, creationTimestamp and resourceVersion = store revision', async () => {
    const cm = await registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: {} }, data: { k: 'v' } }, ctx);
    assert.match(cm.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.equal(cm.metadata.creationTimestamp, '2026-11-28T12:00:00Z');
    assert.equal(cm.metadata.resourceVersion, String(await store.currentRevision()));
    assert.equal(cm.metadata.annotations, undefined, 'empty maps are dropped');
    await rejects(registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, ctx), 409);
  });

  it('generateName picks a fresh name', async () => {
    const cm = await registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } }, ctx);
    assert.match(cm.metadata.name!, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('bumps generation only on spec changes, keeps the revision on a no-op', async () => {
    const d = await registry.create(deploys, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    }, ctx);
    assert.equal(d.metadata.generation, 1);
    const same = await registry.update(deploys, 'default', 'web', (cur) => cur, { ctx });
    assert.equal(same.obj.metadata.resourceVersion, d.metadata.resourceVersion);
    const labelled = await registry.update(deploys, 'default', 'web', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { x: 'y' } } }), { ctx });
    assert.equal(labelled.obj.metadata.generation, 1);
    const scaled = await registry.update(deploys, 'default', 'web', (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 3 } }), { ctx });
    assert.equal(scaled.obj.metadata.generation, 2);
    const status = await registry.update(deploys, 'default', 'web', (cur) => ({ ...cur, status: { replicas: 3 } }), { ctx, subresource: 'status' });
    assert.equal(status.obj.metadata.generation, 2);
    assert.deepEqual(status.obj.status, { replicas: 3 });
    // A main-resource write cannot change status.
    const sneaky = await registry.update(deploys, 'default', 'web', (cur) => ({ ...cur, status: { replicas: 99 } }), { ctx });
    assert.deepEqual(sneaky.obj.status, { replicas: 3 });
  });

  it('a pinned stale resourceVersion is a conflict', async () => {
    const cm = await registry.get(cms, 'default', 'a');
    await registry.update(cms, 'default', 'a', (cur) => ({ ...cur, data: { k: 'v2' } }), { ctx });
    await rejects(registry.update(cms, 'default', 'a', (cur) => ({ ...cur, data: { k: 'v3' } }), { ctx, pinnedRv: cm.metadata.resourceVersion! }), 409);
    assert.deepEqual((await registry.get(cms, 'default', 'a')).data, { k: 'v2' });
  });

  it('finalizers hold a deleted object until they are removed', async () => {
    await registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', finalizers: ['example.com/hold'] } }, ctx);
    const d = await registry.delete(cms, 'default', 'fin', {}, ctx);
    assert.equal(d.deleted, false);
    assert.ok(d.obj.metadata.deletionTimestamp);
    const held = await registry.get(cms, 'default', 'fin');
    assert.ok(held.metadata.deletionTimestamp);
    await registry.update(cms, 'default', 'fin', (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }), { ctx });
    await rejects(registry.get(cms, 'default', 'fin'), 404);
  });

  it('deletes an unbound pod at once and a bound one gracefully', async () => {
    const spec = { containers: [{ name: 'c', image: 'busybox' }] };
    await registry.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'free' }, spec }, ctx);
    assert.equal((await registry.delete(pods, 'default', 'free', {}, ctx)).deleted, true);
    await registry.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound' }, spec: { ...spec, nodeName: 'n1', terminationGracePeriodSeconds: 20 } }, ctx);
    const d = await registry.delete(pods, 'default', 'bound', {}, ctx);
    assert.equal(d.deleted, false);
    assert.equal(d.obj.metadata.deletionGracePeriodSeconds, 20);
    assert.equal(d.obj.metadata.deletionTimestamp, '2026-11-28T12:00:20Z');
    // A shorter grace period moves the deadline earlier; a longer one does not.
    const shorter = await registry.delete(pods, 'default', 'bound', { gracePeriodSeconds: 5 }, ctx);
    assert.equal(shorter.obj.metadata.deletionTimestamp, '2026-11-28T12:00:05Z');
    const longer = await registry.delete(pods, 'default', 'bound', { gracePeriodSeconds: 60 }, ctx);
    assert.equal(longer.obj.metadata.deletionTimestamp, '2026-11-28T12:00:05Z');
    // The node agent finishes the delete with grace 0.
    assert.equal((await registry.delete(pods, 'default', 'bound', { gracePeriodSeconds: 0 }, ctx)).deleted, true);
  });

  it('preconditions on delete', async () => {
    await rejects(registry.delete(cms, 'default', 'a', { preconditions: { uid: 'not-it' } }, ctx), 409);
    await rejects(registry.delete(cms, 'default', 'a', { preconditions: { resourceVersion: '1' } }, ctx), 409);
  });

  it('paged lists are one snapshot even when objects change between pages', async () => {
    for (let i = 0; i < 25; i++) {
      await registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${String(i).padStart(2, '0')}` } }, ctx);
    }
    const filter = (o: KObject): boolean => o.metadata.name!.startsWith('page-');
    const req = { namespace: 'default', filter, limit: 10, continueToken: '', resourceVersion: '', resourceVersionMatch: '' };
    const first = await listObjects({ store, cache, resource: cms, req });
    assert.equal(first.entries.length, 10);
    assert.ok(first.continueToken);
    // Changes after the first page must not show up in later pages.
    await registry.delete(cms, 'default', 'page-15', {}, ctx);
    await registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'page-99' } }, ctx);
    const names: (string | undefined)[] = first.entries.map((e) => e.obj.metadata.name);
    let token: string | undefined = first.continueToken;
    while (token) {
      const page = await listObjects({ store, cache, resource: cms, req: { ...req, continueToken: token } });
      names.push(...page.entries.map((e) => e.obj.metadata.name));
      token = page.continueToken;
    }
    assert.deepEqual(names, Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
    // Unfiltered pages carry remainingItemCount.
    const all = await listObjects({ store, cache, resource: cms, req: { ...req, filter: ALL } });
    assert.equal(typeof all.remainingItemCount, 'number');
  });

  it('a continue token from before a compaction gets 410, and watches from before it too', async () => {
    const req = { namespace: 'default', filter: ALL, limit: 5, continueToken: '', resourceVersion: '', resourceVersionMatch: '' };
    const first = await listObjects({ store, cache, resource: cms, req });
    await registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-first-page' } }, ctx);
    const rev = await store.currentRevision();
    await store.compact(rev);
    cache.compactedTo(rev);
    await rejects(listObjects({ store, cache, resource: cms, req: { ...req, continueToken: first.continueToken! } }), 410);
    assert.equal(cache.resource('configmaps').eventsSince(Number(first.resourceVersion)), undefined);
    assert.deepEqual(cache.resource('configmaps').eventsSince(rev), []);
  });
});
