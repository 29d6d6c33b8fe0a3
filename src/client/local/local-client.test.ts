import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestRegistry } from '../../apiserver/registry/testing.js';
import { ApiError } from '../../machinery/errors.js';
import { Informer } from '../informer.js';
import { CONFIGMAPS, DEPLOYMENTS, PODS } from '../resources.js';
import { LocalClient } from './local-client.js';

const pod = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

test('the in-process client goes through the registry: defaults, validation, conflicts, subresources', async () => {
  const t = await openTestRegistry();
  try {
    const c = new LocalClient(t.registry);
    const created = await c.create(PODS, 'default', pod('a'));
    assert.equal((created.spec as { restartPolicy?: string }).restartPolicy, 'Always', 'defaults applied');
    await assert.rejects(c.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: [] } }), (e: unknown) => e instanceof ApiError && e.code === 422);
    await assert.rejects(c.create(PODS, 'default', pod('a')), (e: unknown) => e instanceof ApiError && e.code === 409);

    const stale = structuredClone(created);
    created.metadata.labels = { x: 'y' };
    await c.update(PODS, created);
    stale.metadata.labels = { x: 'z' };
    await assert.rejects(c.update(PODS, stale), (e: unknown) => e instanceof ApiError && e.code === 409, 'a pinned resourceVersion is a compare-and-swap');

    const withStatus = await c.get(PODS, 'default', 'a');
    withStatus.status = { ...(withStatus.status as object), phase: 'Running' };
    withStatus.metadata.labels = { ignored: 'yes' };
    const afterStatus = await c.update(PODS, withStatus, 'status');
    assert.equal((afterStatus.status as { phase: string }).phase, 'Running');
    assert.deepEqual(afterStatus.metadata.labels, { x: 'y' }, 'status writes change status only');

    await c.create(PODS, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { kind: 'Node', name: 'n1' } }, 'binding');
    assert.equal(((await c.get(PODS, 'default', 'a')).spec as { nodeName?: string }).nodeName, 'n1');

    const patched = await c.patch(PODS, 'default', 'a', 'strategic', { metadata: { labels: { p: 'q' } } });
    assert.deepEqual(patched.metadata.labels, { x: 'y', p: 'q' });

    // Returned objects are copies: changing one does not change the cache.
    const listed = (await c.list(PODS, { namespace: 'default' })).items[0]!;
    listed.metadata.labels = { mutated: 'yes' };
    assert.deepEqual((await c.get(PODS, 'default', 'a')).metadata.labels, { x: 'y', p: 'q' });

    await c.create(DEPLOYMENTS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const scale = await c.get(DEPLOYMENTS, 'default', 'd', 'scale');
    assert.equal((scale.spec as { replicas: number }).replicas, 1);
    scale.spec = { replicas: 4 };
    await c.update(DEPLOYMENTS, scale, 'scale');
    assert.equal(((await c.get(DEPLOYMENTS, 'default', 'd')).spec as { replicas: number }).replicas, 4);

    await c.delete(PODS, 'default', 'a', { gracePeriodSeconds: 0 });
    await assert.rejects(c.get(PODS, 'default', 'a'), (e: unknown) => e instanceof ApiError && e.code === 404);
  } finally {
    await t.close();
  }
});

test('an informer over the in-process client sees adds, updates, deletes and selector transitions', async () => {
  const t = await openTestRegistry();
  const abort = new AbortController();
  try {
    const c = new LocalClient(t.registry);
    await c.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early', labels: { app: 'x' } } });
    const inf = new Informer(c, CONFIGMAPS, { labelSelector: 'app=x' });
    const seen: string[] = [];
    inf.on({ add: (o) => seen.push(`add ${o.metadata.name}`), update: (o) => seen.push(`update ${o.metadata.name}`), delete: (o) => seen.push(`delete ${o.metadata.name}`) });
    const run = inf.run(abort.signal);
    await inf.synced;
    await c.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', labels: { app: 'x' } } });
    await c.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', labels: { app: 'y' } } });
    await c.patch(CONFIGMAPS, 'default', 'late', 'merge', { data: { k: 'v' } });
    await c.patch(CONFIGMAPS, 'default', 'early', 'merge', { metadata: { labels: { app: 'z' } } });
    await c.delete(CONFIGMAPS, 'default', 'late');
    const deadline = Date.now() + 5000;
    while (seen.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(seen, ['add early', 'add late', 'update late', 'delete early', 'delete late']);
    assert.deepEqual([...inf.items.keys()], []);
    abort.abort();
    await run;
  } finally {
    abort.abort();
    await t.close();
  }
});

test('a watch whose handler throws while catching up ends with the error and never goes live', async () => {
  const t = await openTestRegistry();
  try {
    const c = new LocalClient(t.registry);
    const first = await c.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    await c.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    await c.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    for (const resourceVersion of [first.metadata.resourceVersion!, '']) {
      let calls = 0;
      const done = c.watch(CONFIGMAPS, { namespace: 'default', resourceVersion }, () => {
        calls++;
        throw new Error('handler broke');
      }, new AbortController().signal);
      await assert.rejects(done, /handler broke/);
      assert.equal(calls, 1, `resourceVersion "${resourceVersion}": the catch-up stopped at the throw`);
      await c.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `later-${calls}-${resourceVersion || 'list'}` } });
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(calls, 1, `resourceVersion "${resourceVersion}": no event after the watch ended`);
    }
  } finally {
    await t.close();
  }
});
