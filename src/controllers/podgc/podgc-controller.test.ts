import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { NODES, PODS } from '../../client/resources.js';
import { type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { OUT_OF_SERVICE_TAINT, PodGcController, type PodGcOptions } from './podgc-controller.js';

const pod = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const node = (name: string, o: { ready: boolean; taints?: { key: string; effect: string }[] }): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: o.taints ? { taints: o.taints } : {},
});

async function addNode(b: Testbed, name: string, o: { ready: boolean; taints?: { key: string; effect: string }[] }): Promise<void> {
  const n = await b.client.create(NODES, '', node(name, o));
  n.status = { conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'Unknown', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
  await b.client.update(NODES, n, 'status');
}

const names = async (b: Testbed): Promise<string[]> => (await b.list(PODS)).map((p) => p.metadata.name!).sort();

function withGc(opts: PodGcOptions, fn: (b: Testbed, c: PodGcController) => Promise<void>): Promise<void> {
  return withControllers((ctx) => new PodGcController(ctx, opts), fn);
}

/** One pass once the informers hold every write made so far (the watch cache feeds them synchronously). */
async function settled(b: Testbed, c: PodGcController): Promise<void> {
  const rev = await b.t.store.currentRevision();
  await b.until('the watch cache caught up', () => b.t.cache.revision >= rev);
  await c.pass();
}

test('terminated pods beyond the threshold are deleted, oldest first; running pods never', async () => {
  await withGc({ terminatedPodThreshold: 2 }, async (b, c) => {
    await addNode(b, 'n1', { ready: true });
    for (const n of ['old', 'mid', 'new', 'newest', 'alive']) {
      await b.client.create(PODS, 'default', pod(n));
      b.clock.advance(1000);
    }
    for (const n of ['old', 'mid', 'new', 'newest']) await b.setPodStatus('default', n, { phase: n === 'mid' ? 'Succeeded' : 'Failed', nodeName: 'n1' });
    await b.setPodStatus('default', 'alive', { phase: 'Running', ready: true, nodeName: 'n1' });
    await settled(b, c);
    assert.deepEqual(await names(b), ['alive', 'new', 'newest']);
  });
});

test('pods bound to a node that does not exist are force-deleted after the 40 s quarantine, never before', async () => {
  await withGc({}, async (b, c) => {
    await addNode(b, 'real', { ready: true });
    await b.client.create(PODS, 'default', pod('orphan'));
    await b.client.create(PODS, 'default', pod('fine'));
    await b.setPodStatus('default', 'orphan', { phase: 'Running', ready: true, nodeName: 'ghost' });
    await b.setPodStatus('default', 'fine', { phase: 'Running', ready: true, nodeName: 'real' });
    await settled(b, c);
    assert.deepEqual(await names(b), ['fine', 'orphan'], 'quarantined, not deleted');
    b.clock.advance(20_000);
    await settled(b, c);
    assert.deepEqual(await names(b), ['fine', 'orphan'], 'still within 40 s');
    b.clock.advance(25_000);
    await settled(b, c);
    assert.deepEqual(await names(b), ['fine']);
  });
});

test('a node that the cache had not seen yet but that exists does not lose its pods', async () => {
  await withGc({ quarantineMs: 0 }, async (b, c) => {
    await b.client.create(PODS, 'default', pod('p'));
    await b.setPodStatus('default', 'p', { phase: 'Running', ready: true, nodeName: 'late' });
    await settled(b, c);
    await addNode(b, 'late', { ready: true });
    // The pass below sees the node either in the cache or by its fresh read.
    await settled(b, c);
    await settled(b, c);
    assert.deepEqual(await names(b), ['p']);
  });
});

test('terminating pods on a NotReady node tainted out-of-service are force-deleted; without the taint they wait', async () => {
  await withGc({}, async (b, c) => {
    await addNode(b, 'dead', { ready: false });
    await b.client.create(PODS, 'default', pod('stuck'));
    await b.setPodStatus('default', 'stuck', { phase: 'Running', ready: true, nodeName: 'dead' });
    await b.client.delete(PODS, 'default', 'stuck');
    await settled(b, c);
    assert.deepEqual(await names(b), ['stuck'], 'graceful deletion on a NotReady node waits for the node');
    await b.client.patch(NODES, '', 'dead', 'merge', { spec: { taints: [{ key: OUT_OF_SERVICE_TAINT, value: 'nodeshutdown', effect: 'NoExecute' }] } });
    await settled(b, c);
    assert.deepEqual(await names(b), []);
  });
});
