// Owner references through the registry's collector seam: Orphan releases
// dependents only after the delete is certain (preconditions checked, the
// compare-and-swap won); Foreground keeps the owner until blocking dependents
// are gone; dependents that raced their owner's delete are collected; a
// resync finishes work a crash left behind.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KObject, OwnerReference } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { installCascade, type Cascade } from './cascade.js';
import { systemContext } from './context.js';
import type { Registry } from './registry.js';
import { openTestRegistry, type TestRegistry } from './testing.js';

const cms = findResource('', 'v1', 'configmaps')!;
const ctx = systemContext('test');

const ref = (owner: KObject, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name!, uid: owner.metadata.uid!, ...(block ? { blockOwnerDeletion: true } : {}) });
const cm = (name: string, meta: Partial<KObject['metadata']> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...meta } });

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
}

async function exists(registry: Registry, name: string): Promise<KObject | undefined> {
  try {
    return await registry.get(cms, 'default', name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

describe('cascade', () => {
  let t: TestRegistry;
  let cascade: Cascade;
  /** set by a test: runs inside the delete's admission, i.e. between its read and its compare-and-swap */
  let duringDelete: ((obj: KObject) => Promise<void>) | undefined;
  before(async () => {
    t = await openTestRegistry({
      admission: () => [{ name: 'Interleave', admit: async (req) => {
        if (req.op === 'delete' && duringDelete) await duringDelete(req.obj);
      } }],
    });
    cascade = installCascade(t.registry, (msg, err) => assert.fail(`${msg}: ${String(err)}`), { resyncMs: 0 });
  });
  after(async () => {
    await cascade.stop();
    await t.close();
  });
  const create = (o: KObject): Promise<KObject> => t.registry.create(cms, 'default', o, ctx);

  it('an Orphan delete whose preconditions fail leaves the dependents alone', async () => {
    const owner = await create(cm('o1'));
    await create(cm('o1-dep', { ownerReferences: [ref(owner)] }));
    await assert.rejects(t.registry.delete(cms, 'default', 'o1', { propagationPolicy: 'Orphan', preconditions: { resourceVersion: '1' } }, ctx), /Precondition failed/);
    await assert.rejects(t.registry.delete(cms, 'default', 'o1', { propagationPolicy: 'Orphan', preconditions: { uid: 'someone-else' } }, ctx), /Precondition failed/);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await exists(t.registry, 'o1-dep'))?.metadata.ownerReferences, [ref(owner)]);
    assert.equal((await exists(t.registry, 'o1'))?.metadata.deletionTimestamp, undefined);
  });

  it('an Orphan delete that loses its compare-and-swap (pinned resourceVersion) orphans nothing', async () => {
    const owner = await create(cm('o2'));
    await create(cm('o2-dep', { ownerReferences: [ref(owner)] }));
    duringDelete = async (obj) => {
      duringDelete = undefined;
      await t.registry.update(cms, 'default', obj.metadata.name!, (c) => ({ ...c, data: { touched: 'yes' } }), { ctx });
    };
    await assert.rejects(t.registry.delete(cms, 'default', 'o2', { propagationPolicy: 'Orphan', preconditions: { resourceVersion: owner.metadata.resourceVersion! } }, ctx), (err: unknown) => err instanceof ApiError && err.code === 409);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await exists(t.registry, 'o2-dep'))?.metadata.ownerReferences, [ref(owner)]);
  });

  it('an Orphan delete marks the owner, releases the dependents, then the owner goes', async () => {
    const owner = await create(cm('o3'));
    await create(cm('o3-dep', { ownerReferences: [ref(owner)] }));
    const res = await t.registry.delete(cms, 'default', 'o3', { propagationPolicy: 'Orphan' }, ctx);
    assert.equal(res.deleted, false);
    assert.ok(res.obj.metadata.deletionTimestamp);
    assert.deepEqual(res.obj.metadata.finalizers, ['orphan']);
    await eventually('the owner is gone', async () => (await exists(t.registry, 'o3')) === undefined);
    const dep = await exists(t.registry, 'o3-dep');
    assert.ok(dep, 'the dependent stays');
    assert.equal(dep.metadata.ownerReferences, undefined);
  });

  it('a Foreground delete keeps the owner until its blocking dependents are gone', async () => {
    const owner = await create(cm('f1'));
    await create(cm('f1-blocking', { ownerReferences: [ref(owner, true)], finalizers: ['example.com/hold'] }));
    await create(cm('f1-other', { ownerReferences: [ref(owner)] }));
    const res = await t.registry.delete(cms, 'default', 'f1', { propagationPolicy: 'Foreground' }, ctx);
    assert.deepEqual(res.obj.metadata.finalizers, ['foregroundDeletion']);
    await eventually('the dependents are being deleted', async () => !!(await exists(t.registry, 'f1-blocking'))?.metadata.deletionTimestamp && (await exists(t.registry, 'f1-other')) === undefined);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok((await exists(t.registry, 'f1'))?.metadata.deletionTimestamp, 'the owner waits for the blocking dependent');
    await t.registry.update(cms, 'default', 'f1-blocking', (c) => ({ ...c, metadata: { ...c.metadata, finalizers: [] } }), { ctx });
    await eventually('the owner is gone', async () => (await exists(t.registry, 'f1')) === undefined);
  });

  it('a dependent created after its owner is gone is collected; one with a live owner only loses the dangling reference', async () => {
    const owner = await create(cm('b1'));
    const live = await create(cm('b1-live'));
    await t.registry.delete(cms, 'default', 'b1', {}, ctx);
    await create(cm('b1-late', { ownerReferences: [ref(owner)] }));
    await create(cm('b1-shared', { ownerReferences: [ref(owner), ref(live)] }));
    await eventually('the late dependent is collected', async () => (await exists(t.registry, 'b1-late')) === undefined);
    await eventually('the dangling reference is dropped', async () => (await exists(t.registry, 'b1-shared'))?.metadata.ownerReferences?.length === 1);
    assert.deepEqual((await exists(t.registry, 'b1-shared'))?.metadata.ownerReferences, [ref(live)]);
  });

  it('resync finishes an orphaning a crash interrupted', async () => {
    const owner = await create(cm('r1'));
    await create(cm('r1-dep', { ownerReferences: [ref(owner)] }));
    // The collector is absent while the delete commits (as after a crash right after it).
    const gc = t.registry.gc;
    t.registry.gc = undefined;
    await t.registry.update(cms, 'default', 'r1', (c) => ({ ...c, metadata: { ...c.metadata, finalizers: ['orphan'] } }), { ctx });
    await t.registry.delete(cms, 'default', 'r1', {}, ctx);
    t.registry.gc = gc;
    assert.ok((await exists(t.registry, 'r1'))?.metadata.deletionTimestamp);
    await cascade.resync();
    await eventually('the owner is gone', async () => (await exists(t.registry, 'r1')) === undefined);
    assert.equal((await exists(t.registry, 'r1-dep'))?.metadata.ownerReferences, undefined);
  });
});
