// The taint eviction controller against the real registry on the fake clock:
// nodes are real Node objects whose spec.taints the tests patch (as the node
// lifecycle controller or `kubectl taint` would); pods are bound to them the
// way the scheduler does. Checks are on the world: the pod's
// deletionTimestamp and DisruptionTarget condition, and the Events.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { NODES, PODS } from '../../client/resources.js';
import type { ControllerContext } from '../../controller/context.js';
import { withControllers, type Testbed } from '../../controller/testing/testbed.js';
import { TaintEvictionController } from './taint-eviction-controller.js';

type Tol = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };
type Taint = { key: string; value?: string; effect: string; timeAdded?: string };

const UNREACHABLE = 'node.kubernetes.io/unreachable';
const NOT_READY = 'node.kubernetes.io/not-ready';
const unreachable: Taint = { key: UNREACHABLE, effect: 'NoExecute' };
const tolerate = (key: string, seconds?: number): Tol => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) });

async function addNode(b: Testbed, name: string): Promise<void> {
  await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
}

/** Sets the node's taints and waits until the controller's cache has them (its handlers have run). */
async function setTaints(b: Testbed, c: TaintEvictionController, node: string, taints: Taint[]): Promise<void> {
  await b.client.patch(NODES, '', node, 'merge', { spec: { taints } });
  const nodes = b.informers.for(NODES);
  await b.until(`node ${node} has ${taints.length} taints in the cache`, () => (((nodes.get(node)?.spec as { taints?: unknown[] } | undefined)?.taints ?? []).length === taints.length));
  await settle(c);
}

/** Creates a pod and (if `node`) binds it there and marks it Running, as the scheduler and the kubelet would. */
async function addPod(b: Testbed, name: string, o: { tolerations?: Tol[]; node?: string } = {}): Promise<void> {
  await b.client.create(PODS, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.tolerations ? { tolerations: o.tolerations } : {}) },
  });
  if (o.node) await b.setPodStatus('default', name, { phase: 'Running', ready: true, nodeName: o.node });
}

/** Binds a pod to a node, as the scheduler does (pods/binding). */
async function bind(b: Testbed, name: string, node: string): Promise<void> {
  await b.client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: 'default' }, target: { kind: 'Node', name: node } }, 'binding');
}

/** Lets informer deliveries and queued keys run out (the fake clock does not move). */
async function settle(c: TaintEvictionController): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setImmediate(r));
    await c.idle();
  }
}

async function pod(b: Testbed, name: string): Promise<KObject> {
  return b.client.get(PODS, 'default', name);
}

function disruptionTarget(p: KObject): { status: string; reason?: string; message?: string } | undefined {
  return ((p.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] }).conditions ?? []).find((c) => c.type === 'DisruptionTarget');
}

async function evictionEvents(b: Testbed, name: string): Promise<string[]> {
  return (await b.events()).filter((e) => e.reason === 'TaintManagerEviction' && e.involved === `Pod/${name}`).map((e) => e.message);
}

async function untilDeleted(b: Testbed, name: string): Promise<KObject> {
  await b.until(`pod ${name} is being deleted`, async () => Boolean((await pod(b, name)).metadata.deletionTimestamp));
  return pod(b, name);
}

const make = (ctx: ControllerContext): TaintEvictionController => new TaintEvictionController(ctx);

describe('taint eviction controller', () => {
  it('deletes a pod that does not tolerate the taint at once, with the condition and the event', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addPod(b, 'web', { node: 'node-1' });
      await addPod(b, 'elsewhere', { node: 'node-2' });
      await settle(c);
      await setTaints(b, c, 'node-1', [unreachable]);
      const p = await untilDeleted(b, 'web');
      // A graceful delete: the pod's own 30 s grace period, not a force delete.
      assert.equal(p.metadata.deletionGracePeriodSeconds, 30);
      const cond = disruptionTarget(p);
      assert.deepEqual({ status: cond?.status, reason: cond?.reason, message: cond?.message }, { status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
      assert.deepEqual(await evictionEvents(b, 'web'), ['Marking for deletion Pod default/web']);
      const other = await pod(b, 'elsewhere');
      assert.equal(other.metadata.deletionTimestamp, undefined);
      assert.equal(disruptionTarget(other), undefined);
    });
  });

  it('a pod tolerating the taint for 2 s stays at 1.9 s and is deleted at 2 s', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addPod(b, 'web', { node: 'node-1', tolerations: [tolerate(UNREACHABLE, 2)] });
      await setTaints(b, c, 'node-1', [unreachable]);
      b.clock.advance(1900);
      await settle(c);
      assert.equal((await pod(b, 'web')).metadata.deletionTimestamp, undefined);
      assert.deepEqual(await evictionEvents(b, 'web'), []);
      b.clock.advance(100);
      const p = await untilDeleted(b, 'web');
      assert.equal(disruptionTarget(p)?.reason, 'DeletionByTaintManager');
      assert.deepEqual(await evictionEvents(b, 'web'), ['Marking for deletion Pod default/web']);
    });
  });

  it('a taint removed before the deadline cancels the deletion, with an event', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addPod(b, 'web', { node: 'node-1', tolerations: [tolerate(UNREACHABLE, 2)] });
      await setTaints(b, c, 'node-1', [unreachable]);
      b.clock.advance(1000);
      await setTaints(b, c, 'node-1', []);
      b.clock.advance(5000);
      await settle(c);
      const p = await pod(b, 'web');
      assert.equal(p.metadata.deletionTimestamp, undefined);
      assert.equal(disruptionTarget(p), undefined);
      assert.deepEqual(await evictionEvents(b, 'web'), ['Cancelling deletion of Pod default/web']);
    });
  });

  it('a toleration without tolerationSeconds tolerates forever; only the first matching toleration counts', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addPod(b, 'forever', { node: 'node-1', tolerations: [tolerate(UNREACHABLE)] });
      // GetMatchingTolerations takes the first toleration that tolerates the taint: the seconds of the second never count.
      await addPod(b, 'first-wins', { node: 'node-1', tolerations: [{ operator: 'Exists' }, tolerate(UNREACHABLE, 1)] });
      await setTaints(b, c, 'node-1', [unreachable]);
      b.clock.advance(3_600_000);
      await settle(c);
      for (const name of ['forever', 'first-wins']) {
        assert.equal((await pod(b, name)).metadata.deletionTimestamp, undefined, name);
        assert.deepEqual(await evictionEvents(b, name), [], name);
      }
    });
  });

  it('a pod bound later to a tainted node is deleted by its own deadline, counted from the taint', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await setTaints(b, c, 'node-1', [unreachable]);
      await addPod(b, 'late', { tolerations: [tolerate(UNREACHABLE, 5)] });
      await addPod(b, 'intolerant');
      b.clock.advance(3000);
      await bind(b, 'late', 'node-1');
      await bind(b, 'intolerant', 'node-1');
      await untilDeleted(b, 'intolerant');
      await settle(c);
      assert.equal((await pod(b, 'late')).metadata.deletionTimestamp, undefined);
      b.clock.advance(1900);
      await settle(c);
      assert.equal((await pod(b, 'late')).metadata.deletionTimestamp, undefined);
      b.clock.advance(100);
      await untilDeleted(b, 'late');
    });
  });

  it('two taints: the earliest deadline wins; a second, untolerated taint deletes at once', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addNode(b, 'node-2');
      const both = [tolerate(NOT_READY, 10), tolerate(UNREACHABLE, 3)];
      await addPod(b, 'two', { node: 'node-1', tolerations: both });
      await addPod(b, 'cancelled', { node: 'node-2', tolerations: [tolerate(UNREACHABLE, 60)] });
      await setTaints(b, c, 'node-1', [{ key: NOT_READY, effect: 'NoExecute' }, unreachable]);
      await setTaints(b, c, 'node-2', [unreachable]);
      b.clock.advance(2900);
      await settle(c);
      assert.equal((await pod(b, 'two')).metadata.deletionTimestamp, undefined);
      b.clock.advance(100);
      await untilDeleted(b, 'two');
      // node-2 gets a taint its pod does not tolerate: the pending deletion is replaced by an immediate one.
      await setTaints(b, c, 'node-2', [unreachable, { key: 'example.com/drain', effect: 'NoExecute' }]);
      await untilDeleted(b, 'cancelled');
      assert.deepEqual(await evictionEvents(b, 'cancelled'), ['Cancelling deletion of Pod default/cancelled', 'Marking for deletion Pod default/cancelled']);
    });
  });

  it('a taint\'s timeAdded counts: a taint added 10 s ago leaves a 2 s toleration no time', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addPod(b, 'web', { node: 'node-1', tolerations: [tolerate(UNREACHABLE, 2)] });
      await addPod(b, 'patient', { node: 'node-1', tolerations: [tolerate(UNREACHABLE, 15)] });
      const tenAgo = new Date(b.clock.now() - 10_000).toISOString().replace(/\.\d+Z$/, 'Z');
      await setTaints(b, c, 'node-1', [{ ...unreachable, timeAdded: tenAgo }]);
      await untilDeleted(b, 'web');
      // A whole-second timeAdded counts from the end of its second: 15 s from 9.001 s ago.
      b.clock.advance(5900);
      await settle(c);
      assert.equal((await pod(b, 'patient')).metadata.deletionTimestamp, undefined);
      b.clock.advance(100);
      await untilDeleted(b, 'patient');
    });
  });

  it('the out-of-service taint evicts like any NoExecute taint; NoSchedule taints do not', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addNode(b, 'node-2');
      await addPod(b, 'a', { node: 'node-1' });
      await addPod(b, 'b', { node: 'node-2' });
      await setTaints(b, c, 'node-2', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
      await setTaints(b, c, 'node-1', [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }]);
      await untilDeleted(b, 'a');
      await settle(c);
      assert.equal((await pod(b, 'b')).metadata.deletionTimestamp, undefined);
    });
  });

  it('a pod already being deleted is left alone; a deleted pod\'s pending eviction is cancelled', async () => {
    await withControllers(make, async (b, c) => {
      await addNode(b, 'node-1');
      await addPod(b, 'terminating', { node: 'node-1' });
      await addPod(b, 'goes', { node: 'node-1', tolerations: [tolerate(UNREACHABLE, 30)] });
      await b.client.delete(PODS, 'default', 'terminating', { gracePeriodSeconds: 60 });
      await untilDeleted(b, 'terminating');
      await setTaints(b, c, 'node-1', [unreachable]);
      await b.client.delete(PODS, 'default', 'goes', { gracePeriodSeconds: 0 });
      await b.until('pod goes is gone', async () => (await b.list(PODS)).every((p) => p.metadata.name !== 'goes'));
      b.clock.advance(60_000);
      await settle(c);
      const t = await pod(b, 'terminating');
      assert.equal(disruptionTarget(t), undefined);
      assert.equal(t.metadata.deletionGracePeriodSeconds, 60);
      assert.deepEqual(await evictionEvents(b, 'terminating'), []);
      assert.deepEqual(await evictionEvents(b, 'goes'), ['Cancelling deletion of Pod default/goes']);
    });
  });
});
