// Every cached object is exactly what the store holds (its JSON with the
// resourceVersion), deeply frozen — over creates, PUTs, patches, status
// writes, bindings and deletes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../api/object.js';
import { findResource } from '../../api/resources.js';
import { systemContext } from '../registry/context.js';
import { openTestRegistry } from '../registry/testing.js';
import { bindPod } from '../subresources/binding.js';

const PODS = findResource('', 'v1', 'pods')!;
const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;

function deeplyFrozen(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  return Object.isFrozen(v) && Object.values(v).every(deeplyFrozen);
}

test('cached objects equal the stored text', async () => {
  const t = await openTestRegistry();
  const ctx = systemContext('test');
  try {
    const created = await t.registry.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ctx);
    assert.ok(created.metadata.resourceVersion);

    const writes: (() => Promise<unknown>)[] = [
      () => t.registry.update(PODS, 'default', 'p', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { a: '2', b: '' } } }), { ctx }),
      () => t.registry.update(PODS, 'default', 'p', (cur) => ({ ...cur, status: { ...(cur.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }), { ctx, subresource: 'status' }),
      () => t.registry.update(PODS, 'default', 'p', (cur) => bindPod(cur, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } }), { ctx, subresource: 'binding' }),
      () => t.registry.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'v' } }, ctx),
      () => t.registry.update(CONFIGMAPS, 'default', 'cm', () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'w', n: '' } }), { ctx, pure: true }),
      () => t.registry.delete(CONFIGMAPS, 'default', 'cm', {}, ctx),
    ];
    for (const w of writes) await w();
    const { items, revision } = await t.store.list('/registry/');
    await t.cache.waitFor(revision);
    let checked = 0;
    for (const kv of items) {
      const e = t.cache.latestEntry(kv.key);
      assert.ok(e, kv.key);
      const fromText = JSON.parse(kv.value) as KObject;
      fromText.metadata.resourceVersion = String(kv.modRevision);
      assert.deepEqual(JSON.parse(JSON.stringify(e.obj)), fromText, kv.key);
      assert.deepEqual(e.obj, fromText, `${kv.key}: no member JSON would drop`);
      assert.ok(deeplyFrozen(e.obj), kv.key);
      checked++;
    }
    assert.ok(checked >= 2);
    assert.equal(t.cache.latestEntry('/registry/configmaps/default/cm'), undefined, 'deleted');
  } finally {
    await t.close();
  }
});
