import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { LEASES, NODES, PODS } from '../../client/resources.js';
import { openTestbed, testContext, type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { LeaseKeeper, LeaseRevokedError } from '../../agent/node/lease.js';
import { ApiError } from '../../machinery/errors.js';
import { ANNOTATION_FENCING_ARMED, ANNOTATION_GRANT_LIVE_MS, ANNOTATION_MEMBERS, ANNOTATION_LEASE_REVOKED, ANNOTATION_NODE_FENCED, OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';
import { NodeFencingController, type NodeFencingOptions } from './node-fencing-controller.js';

async function settle(b: Testbed, c: NodeFencingController): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const rev = await b.t.store.currentRevision();
    await b.until('the watch cache caught up', () => b.t.cache.revision >= rev);
    await c.kick();
    await c.idle();
  }
  await b.recorder.flush();
}

async function renew(b: Testbed, name: string, armed = true, extra: Record<string, string> = {}): Promise<void> {
  const annotations: Record<string, string> = armed ? { [ANNOTATION_FENCING_ARMED]: 'true', ...extra } : {};
  const spec = { holderIdentity: name, leaseDurationSeconds: 8, renewTime: new Date(b.clock.now()).toISOString() };
  try {
    const l = await b.client.get(LEASES, 'kube-node-lease', name);
    await b.client.update(LEASES, { ...l, metadata: { ...l.metadata, annotations }, spec });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    await b.client.create(LEASES, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease', annotations }, spec });
  }
}

async function addNode(b: Testbed, name: string, labels: Record<string, string> = {}): Promise<void> {
  await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
  await renew(b, name);
}

/** Everyone renews for 8 s (healthy: longer than a grant's 6 s + 1 s drift), ending with a renewal. */
async function healthyPhase(b: Testbed, c: NodeFencingController, nodes: string[]): Promise<void> {
  await runFor(b, c, 8000, nodes);
  for (const n of nodes) await renew(b, n);
  await settle(b, c);
}

/** Moves the clock `ms` in 1 s steps; the `alive` nodes renew every 2 s. */
async function runFor(b: Testbed, c: NodeFencingController, ms: number, alive: string[]): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    if (t % 2000 === 0) for (const n of alive) await renew(b, n);
    b.clock.advance(Math.min(1000, ms - t));
    await settle(b, c);
  }
}

const pod = (name: string, finalizers?: string[]): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(finalizers ? { finalizers } : {}) }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

async function podNames(b: Testbed): Promise<string[]> {
  return (await b.list(PODS)).map((p) => p.metadata.name!).sort();
}

async function leaseOf(b: Testbed, name: string): Promise<KObject | undefined> {
  try {
    return await b.client.get(LEASES, 'kube-node-lease', name);
  } catch {
    return undefined;
  }
}

async function outOfService(b: Testbed, name: string): Promise<boolean> {
  const n = await b.client.get(NODES, '', name);
  return ((n.spec as { taints?: { key: string }[] } | undefined)?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT);
}

function withFencing(opts: NodeFencingOptions, fn: (b: Testbed, c: NodeFencingController) => Promise<void>): Promise<void> {
  return withControllers((ctx) => new NodeFencingController(ctx, opts), fn, { namespaces: ['default', 'kube-node-lease'] });
}

async function threeNodesWithPods(b: Testbed, c: NodeFencingController): Promise<void> {
  for (const n of ['a', 'b', 'c']) await addNode(b, n);
  for (const [p, n] of [['on-a', 'a'], ['on-b', 'b']] as const) {
    await b.client.create(PODS, 'default', pod(p));
    await b.setPodStatus('default', p, { phase: 'Running', ready: true, nodeName: n });
  }
  await settle(b, c);
}

test('a node silent for fenceAfter + margin is fenced: lease revoked, out of service, pods force-deleted, then released', async () => {
  await withFencing({}, async (b, c) => {
    await threeNodesWithPods(b, c);
    await healthyPhase(b, c, ['a', 'b', 'c']);
    await runFor(b, c, 11_000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-a', 'on-b'], 'not before 12 s of silence');
    assert.ok(!(await leaseOf(b, 'a'))?.metadata.annotations?.[ANNOTATION_LEASE_REVOKED]);
    await runFor(b, c, 2000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-b'], 'the fenced node’s pod is gone');
    assert.equal(await leaseOf(b, 'a'), undefined, 'its lease released once its pods are gone');
    assert.equal(await outOfService(b, 'a'), false, 'the out-of-service taint removed once its pods are gone');
    const events = await b.events('default');
    assert.ok(events.some((e) => e.reason === 'NodeFenced' && e.involved === 'Node/a'), JSON.stringify(events));
  });
});

test('the out-of-service taint stays while a pod of the fenced node still exists', async () => {
  await withFencing({}, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    await b.client.create(PODS, 'default', pod('held', ['example.com/hold']));
    await b.setPodStatus('default', 'held', { phase: 'Running', ready: true, nodeName: 'a' });
    await healthyPhase(b, c, ['a', 'b', 'c']);
    await runFor(b, c, 13_000, ['b', 'c']);
    const held = await b.client.get(PODS, 'default', 'held');
    assert.ok(held.metadata.deletionTimestamp, 'deleted (held by its finalizer)');
    assert.equal((held.status as { phase: string }).phase, 'Failed');
    assert.equal(await outOfService(b, 'a'), true);
    assert.ok((await leaseOf(b, 'a'))?.metadata.annotations?.[ANNOTATION_LEASE_REVOKED], 'revoked, not yet released');
    assert.ok((await b.client.get(NODES, '', 'a')).metadata.annotations?.[ANNOTATION_NODE_FENCED]);
    await b.client.patch(PODS, 'default', 'held', 'merge', { metadata: { finalizers: null } });
    await settle(b, c);
    assert.equal(await outOfService(b, 'a'), false);
    assert.equal(await leaseOf(b, 'a'), undefined);
  });
});

test('no strict majority healthy, no fencing: two of three silent, or one of two', async () => {
  await withFencing({}, async (b, c) => {
    await threeNodesWithPods(b, c);
    await healthyPhase(b, c, ['a', 'b', 'c']);
    await runFor(b, c, 30_000, ['c']);
    assert.deepEqual(await podNames(b), ['on-a', 'on-b']);
    assert.equal(await outOfService(b, 'a'), false);
  });
  await withFencing({}, async (b, c) => {
    for (const n of ['a', 'b']) await addNode(b, n);
    await b.client.create(PODS, 'default', pod('on-a'));
    await b.setPodStatus('default', 'on-a', { phase: 'Running', ready: true, nodeName: 'a' });
    await healthyPhase(b, c, ['a', 'b']);
    await runFor(b, c, 30_000, ['b']);
    assert.deepEqual(await podNames(b), ['on-a'], 'a two-node cluster never fails over by itself');
  });
});

test('a node whose agent did not arm fencing with its last renewal is never fenced', async () => {
  await withFencing({}, async (b, c) => {
    await threeNodesWithPods(b, c);
    await healthyPhase(b, c, ['a', 'b', 'c']);
    await renew(b, 'a', false);
    await runFor(b, c, 30_000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-a', 'on-b']);
  });
});

test('simulated nodes are not members of the quorum', async () => {
  await withFencing({}, async (b, c) => {
    for (const n of ['a', 'b']) await addNode(b, n);
    for (const n of ['s1', 's2', 's3']) await addNode(b, n, { 'hale/simulated': 'true' });
    await b.client.create(PODS, 'default', pod('on-a'));
    await b.setPodStatus('default', 'on-a', { phase: 'Running', ready: true, nodeName: 'a' });
    await healthyPhase(b, c, ['a', 'b', 's1', 's2', 's3']);
    await runFor(b, c, 30_000, ['b', 's1', 's2', 's3']);
    assert.deepEqual(await podNames(b), ['on-a'], 'one healthy member of two is no majority, however many simulated nodes renew');
  });
});

test('a controller that starts with stale leases waits a full fencing period, and for healthy peers, from its own start', async () => {
  const b = await openTestbed({ namespaces: ['default', 'kube-node-lease'] });
  try {
    await threeNodesWithPods(b, { kick: async () => {}, idle: async () => {} } as unknown as NodeFencingController);
    b.clock.advance(600_000);
    const c = new NodeFencingController(testContext(b), {});
    b.informers.start();
    await b.informers.synced();
    c.start();
    await runFor(b, c, 11_000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-a', 'on-b'], 'fresh at start');
    await runFor(b, c, 2000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-b']);
    await c.stop();
  } finally {
    await b.close();
  }
});

test('a renewal that lands just before the deadline keeps the node; the agent never renews a revoked lease and comes back through a fresh one', async () => {
  await withFencing({}, async (b, c) => {
    await threeNodesWithPods(b, c);
    await healthyPhase(b, c, ['a', 'b', 'c']);
    await runFor(b, c, 11_000, ['b', 'c']);
    await renew(b, 'a');
    await runFor(b, c, 3000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-a', 'on-b'], 'the late renewal reset the silence');
    // Now let it be fenced, and play the agent's Lease keeper against the revoked lease.
    await b.client.create(PODS, 'default', pod('held', ['example.com/hold']));
    await b.setPodStatus('default', 'held', { phase: 'Running', ready: true, nodeName: 'a' });
    await runFor(b, c, 10_000, ['b', 'c']);
    const keeper = new LeaseKeeper({ client: b.client, nodeName: 'a', nodeUid: () => undefined, clock: b.clock, log: b.log });
    await assert.rejects(keeper.renew(), LeaseRevokedError);
    await b.client.patch(PODS, 'default', 'held', 'merge', { metadata: { finalizers: null } });
    await settle(b, c);
    await keeper.renew();
    const fresh = await leaseOf(b, 'a');
    assert.ok(fresh && !fresh.metadata.annotations?.[ANNOTATION_LEASE_REVOKED], 'a fresh lease');
  });
});

test('a peer that announced a live grant is not healthy until the grant and the drift have passed', async () => {
  await withFencing({}, async (b, c) => {
    await threeNodesWithPods(b, c);
    await healthyPhase(b, c, ['a', 'b', 'c']);
    // a goes silent; b gave a grant (to a, say) while cut off and says so with its next renewal, at 10 s.
    await runFor(b, c, 10_000, ['b', 'c']);
    await renew(b, 'b', true, { [ANNOTATION_GRANT_LIVE_MS]: '6000' });
    await settle(b, c);
    await runFor(b, c, 6000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-a', 'on-b'], 'b is not healthy while its grant may live: no majority');
    await runFor(b, c, 2000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-b'], 'fenced once the grant (+ drift) is over');
  });
});

test('the majority must also hold over the members the silent node announced', async () => {
  await withFencing({}, async (b, c) => {
    await threeNodesWithPods(b, c);
    await healthyPhase(b, c, ['a', 'b', 'c']);
    // a counts five members (two joined while it was cut off from our view of the world): b and c are 2 of 5.
    await renew(b, 'a', true, { [ANNOTATION_MEMBERS]: 'a,b,c,d,e' });
    await settle(b, c);
    await runFor(b, c, 30_000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-a', 'on-b']);
  });
  await withFencing({}, async (b, c) => {
    await threeNodesWithPods(b, c);
    await healthyPhase(b, c, ['a', 'b', 'c']);
    await renew(b, 'a', true, { [ANNOTATION_MEMBERS]: 'a,b,c' });
    await settle(b, c);
    await runFor(b, c, 14_000, ['b', 'c']);
    assert.deepEqual(await podNames(b), ['on-b'], 'its own list of three: two healthy are a majority');
  });
});
