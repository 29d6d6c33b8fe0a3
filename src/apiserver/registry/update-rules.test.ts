// What a main-resource update may change, per kind (the strategies'
// PrepareForUpdate): a namespace's spec.finalizers and status stay; a
// Deployment's generation moves on annotation changes, other workloads' only
// on spec changes; and generation moves once when deletion starts.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/object.js';
import { systemContext } from './context.js';
import { openTestRegistry, type TestRegistry } from './testing.js';

const namespaces = findResource('', 'v1', 'namespaces')!;
const deploys = findResource('apps', 'v1', 'deployments')!;
const replicasets = findResource('apps', 'v1', 'replicasets')!;
const ctx = systemContext('test');

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
const workload = (kind: string, name: string): KObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name },
  spec: { selector: { matchLabels: { app: 'web' } }, template },
});
const annotate = (value: string) => (cur: KObject): KObject => ({ ...cur, metadata: { ...cur.metadata, annotations: { note: value } } });

describe('update rules per kind', () => {
  let t: TestRegistry;
  before(async () => {
    t = await openTestRegistry();
  });
  after(async () => {
    await t.close();
  });

  it('a namespace update keeps spec.finalizers and status: a Terminating namespace is not deleted by a PUT', async () => {
    await t.registry.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, ctx);
    const deleting = await t.registry.delete(namespaces, '', 'shop', {}, ctx);
    assert.equal(deleting.deleted, false);
    // The PUT kubectl replace / an editor would send: finalizers emptied, status rewritten.
    const put = await t.registry.update(namespaces, '', 'shop', (cur) => ({ ...cur, spec: { finalizers: [] }, status: { phase: 'Active' } }), { ctx });
    assert.deepEqual((put.obj.spec as { finalizers?: string[] }).finalizers, ['kubernetes']);
    const stored = await t.registry.get(namespaces, '', 'shop');
    assert.deepEqual((stored.spec as { finalizers?: string[] }).finalizers, ['kubernetes']);
    assert.equal((stored.status as { phase?: string }).phase, 'Terminating');
    assert.ok(stored.metadata.deletionTimestamp);
    // A JSON-merge-patch style removal of the whole spec does not clear them either.
    await t.registry.update(namespaces, '', 'shop', (cur) => {
      delete cur.spec;
      return cur;
    }, { ctx });
    assert.deepEqual(((await t.registry.get(namespaces, '', 'shop')).spec as { finalizers?: string[] }).finalizers, ['kubernetes']);
    // Only namespaces/finalize changes them; then the namespace goes.
    await t.registry.update(namespaces, '', 'shop', (cur) => ({ ...cur, spec: { finalizers: [] } }), { ctx, subresource: 'finalize' });
    await assert.rejects(t.registry.get(namespaces, '', 'shop'), /not found/);
  });

  it('an active namespace keeps a custom finalizer a PUT leaves out', async () => {
    await t.registry.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held' }, spec: { finalizers: ['example.com/x', 'kubernetes'] } }, ctx);
    await t.registry.update(namespaces, '', 'held', (cur) => ({ ...cur, spec: { finalizers: ['kubernetes'] } }), { ctx });
    assert.deepEqual(((await t.registry.get(namespaces, '', 'held')).spec as { finalizers?: string[] }).finalizers, ['example.com/x', 'kubernetes']);
  });

  it('a Deployment annotation change bumps generation; a ReplicaSet one does not', async () => {
    const d = await t.registry.create(deploys, 'default', workload('Deployment', 'web'), ctx);
    assert.equal(d.metadata.generation, 1);
    const annotated = await t.registry.update(deploys, 'default', 'web', annotate('a'), { ctx });
    assert.equal(annotated.obj.metadata.generation, 2);
    const labelled = await t.registry.update(deploys, 'default', 'web', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { x: 'y' } } }), { ctx });
    assert.equal(labelled.obj.metadata.generation, 2, 'labels are not copied to ReplicaSets: no bump');
    const rs = await t.registry.create(replicasets, 'default', workload('ReplicaSet', 'web-1'), ctx);
    const rsAnnotated = await t.registry.update(replicasets, 'default', 'web-1', annotate('a'), { ctx });
    assert.equal(rsAnnotated.obj.metadata.generation, rs.metadata.generation);
  });

  it('generation moves once, when deletionTimestamp is first set', async () => {
    const base = workload('Deployment', 'held');
    base.metadata.finalizers = ['example.com/hold'];
    const d = await t.registry.create(deploys, 'default', base, ctx);
    const first = await t.registry.delete(deploys, 'default', 'held', {}, ctx);
    assert.equal(first.deleted, false);
    assert.equal(first.obj.metadata.generation, (d.metadata.generation ?? 0) + 1);
    const second = await t.registry.delete(deploys, 'default', 'held', {}, ctx);
    assert.equal(second.obj.metadata.generation, first.obj.metadata.generation, 'a repeated delete does not bump again');
    await t.registry.update(deploys, 'default', 'held', (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }), { ctx });
  });
});
