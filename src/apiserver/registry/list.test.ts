// Lists at the edges: continue tokens are client input (a forged one is a
// 400, never a store error); a resourceVersion the store has not reached is
// 504 "Too large resource version"; an Exact list below the compaction is 410.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { findResource } from '../../api/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { systemContext } from './context.js';
import { ALL, listObjects, type ListRequest } from './list.js';
import { openTestRegistry, type TestRegistry } from './testing.js';

const cms = findResource('', 'v1', 'configmaps')!;
const token = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

async function status(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return err;
  }
  assert.fail('expected an error');
}

describe('list edges', () => {
  let t: TestRegistry;
  const base: ListRequest = { namespace: 'default', filter: ALL, limit: 2, continueToken: '', resourceVersion: '', resourceVersionMatch: '' };
  const list = (req: Partial<ListRequest>) => listObjects({ store: t.store, cache: t.cache, resource: cms, req: { ...base, ...req } });
  before(async () => {
    t = await openTestRegistry();
    for (const n of ['a', 'b', 'c']) await t.registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n } }, systemContext('test'));
  });
  after(async () => {
    await t.close();
  });

  it('a genuine token pages on', async () => {
    const first = await list({});
    const second = await list({ continueToken: first.continueToken! });
    assert.deepEqual(second.entries.map((e) => e.obj.metadata.name), ['c']);
  });

  it('crafted tokens are 400 invalid continue token', async () => {
    const rev = await t.store.currentRevision();
    for (const [tok, detail] of [
      ['%%%', /continue key is not valid: /],
      [token({ v: 'other/v9', rv: 1, start: 'a' }), /server does not recognize this encoded version/],
      [token({ v: 'meta.k8s.io/v1', rv: 1e300, start: 'a' }), /incorrect encoded start resourceVersion/],
      [token({ v: 'meta.k8s.io/v1', rv: -5, start: 'a' }), /incorrect encoded start resourceVersion/],
      [token({ v: 'meta.k8s.io/v1', rv: 1.5, start: 'a' }), /incorrect encoded start resourceVersion/],
      [token({ v: 'meta.k8s.io/v1', rv: rev + 1000, start: 'a' }), /incorrect encoded start resourceVersion/],
      [token({ v: 'meta.k8s.io/v1', rv: rev, start: '' }), /encoded start key empty/],
      [token({ v: 'meta.k8s.io/v1', rv: rev, start: '../secrets/x' }), /continue key is not valid: "..\/secrets\/x"/],
      [token([1, 2]), /server does not recognize this encoded version/],
    ] as const) {
      const err = await status(list({ continueToken: tok }));
      assert.equal(err.code, 400, `${tok}: ${err.message}`);
      assert.match(err.message, /^invalid continue token: continue key is not valid/);
      assert.match(err.message, detail);
    }
  });

  it('Exact at a future resourceVersion is 504 Too large; below the compaction 410', async () => {
    const rev = await t.store.currentRevision();
    const future = await status(list({ resourceVersion: String(rev + 100), resourceVersionMatch: 'Exact' }));
    assert.equal(future.code, 504);
    assert.equal(future.message, `Timeout: Too large resource version: ${rev + 100}, current: ${rev}`);
    assert.equal(future.details?.causes?.[0]?.reason, 'ResourceVersionTooLarge');
    const exact = await list({ resourceVersion: String(rev), resourceVersionMatch: 'Exact', limit: 0 });
    assert.equal(exact.entries.length, 3);
    await t.registry.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } }, systemContext('test'));
    await t.store.compact(await t.store.currentRevision());
    const old = await status(list({ resourceVersion: String(rev - 1), resourceVersionMatch: 'Exact' }));
    assert.equal(old.code, 410);
    assert.equal(old.message, 'The resourceVersion for the provided list is too old.');
  });

  it('a malformed resourceVersion is 400', async () => {
    for (const rv of ['abc', '1.5', '-1', '1e3']) assert.equal((await status(list({ resourceVersion: rv }))).code, 400);
  });
});

describe('pods listed by spec.nodeName come from the field index', () => {
  let t: TestRegistry;
  const pods = findResource('', 'v1', 'pods')!;
  before(async () => {
    t = await openTestRegistry();
    for (const [name, node] of [['a', 'n1'], ['b', 'n2'], ['c', 'n1'], ['d', ''], ['e', 'n1']] as const) {
      await t.registry.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'c', image: 'x' }] } }, systemContext('test'));
    }
  });
  after(async () => {
    await t.close();
  });

  it('returns the same objects, in key order, paged, as the full scan', async () => {
    const onN1 = (o: KObject): boolean => (o.spec as { nodeName?: string }).nodeName === 'n1';
    const req: ListRequest = { namespace: '', filter: onN1, limit: 2, continueToken: '', resourceVersion: '', resourceVersionMatch: '', exactField: { field: 'spec.nodeName', value: 'n1' } };
    const first = await listObjects({ store: t.store, cache: t.cache, resource: pods, req });
    assert.deepEqual(first.entries.map((e) => e.obj.metadata.name), ['a', 'c']);
    const second = await listObjects({ store: t.store, cache: t.cache, resource: pods, req: { ...req, continueToken: first.continueToken! } });
    assert.deepEqual(second.entries.map((e) => e.obj.metadata.name), ['e']);
    const unbound = await listObjects({ store: t.store, cache: t.cache, resource: pods, req: { ...req, limit: 0, filter: (o) => !(o.spec as { nodeName?: string }).nodeName, exactField: { field: 'spec.nodeName', value: '' } } });
    assert.deepEqual(unbound.entries.map((e) => e.obj.metadata.name), ['d']);
    // a new pod is filed at once
    await t.registry.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b2' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } }, systemContext('test'));
    const after = await listObjects({ store: t.store, cache: t.cache, resource: pods, req: { ...req, limit: 0 } });
    assert.deepEqual(after.entries.map((e) => e.obj.metadata.name), ['a', 'b2', 'c', 'e']);
  });
});
