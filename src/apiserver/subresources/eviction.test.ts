// The eviction subresource against the real registry, with PDB status written
// by hand (playing the disruption controller, which has its own tests).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { PDBS, PODS } from '../../client/resources.js';
import { openTestbed, type Testbed } from '../../controller/testing/testbed.js';
import { ApiError } from '../../machinery/errors.js';
import { systemContext } from '../registry/context.js';
import { evictPod } from './eviction.js';

const NOW = '2026-11-28T12:00:00Z';

async function withBed(fn: (b: Testbed) => Promise<void>): Promise<void> {
  const b = await openTestbed();
  try {
    await fn(b);
  } finally {
    await b.close();
  }
}

async function pod(b: Testbed, name: string, o: { app?: string; phase?: string; ready?: boolean } = {}): Promise<void> {
  await b.client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: o.app ?? 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  if (o.phase !== 'Pending') await b.setPodStatus('default', name, { phase: o.phase ?? 'Running', ready: o.ready ?? true, nodeName: 'node-1' });
}

/** A PDB whose status says what the controller would have computed. */
async function pdb(b: Testbed, name: string, status: Record<string, unknown>, spec: Record<string, unknown> = {}): Promise<void> {
  const created = await b.client.create(PDBS, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } }, ...spec } });
  await b.client.update(PDBS, { ...created, status: { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...status } }, 'status');
}

const evict = (b: Testbed, name: string): Promise<KObject> => b.client.create(PODS, 'default', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } }, 'eviction');

async function refused(p: Promise<unknown>, code: number): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail('the eviction was admitted');
}

async function goneOrGoing(b: Testbed, name: string): Promise<boolean> {
  try {
    return Boolean((await b.client.get(PODS, 'default', name)).metadata.deletionTimestamp);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return true;
    throw err;
  }
}

const pdbStatus = async (b: Testbed, name: string) => (await b.client.get(PDBS, 'default', name)).status as { disruptionsAllowed: number; disruptedPods?: Record<string, string>; conditions?: { type: string; status: string; reason: string }[] };

test('a Ready pod spends one disruption: status decremented and the pod recorded before the delete', async () => {
  await withBed(async (b) => {
    await pod(b, 'a');
    await pdb(b, 'budget', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    await evict(b, 'a');
    assert.ok(await goneOrGoing(b, 'a'));
    const s = await pdbStatus(b, 'budget');
    assert.equal(s.disruptionsAllowed, 0);
    assert.deepEqual(s.disruptedPods, { a: NOW }, 'the time comes from the registry clock');
    assert.deepEqual(s.conditions?.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
    const p = await b.client.get(PODS, 'default', 'a');
    const target = (p.status as { conditions: { type: string; status: string; reason?: string }[] }).conditions.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual([target?.status, target?.reason], ['True', 'EvictionByEvictionAPI']);
  });
});

test('no disruption allowed, or a status behind the spec: 429 with a DisruptionBudget cause, nothing written', async () => {
  await withBed(async (b) => {
    await pod(b, 'a');
    await pdb(b, 'budget', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
    const e = await refused(evict(b, 'a'), 429);
    assert.equal(e.reason, 'TooManyRequests');
    assert.equal(e.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(e.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget budget needs 1 healthy pods and has 1 currently' }]);
    assert.equal((await b.client.get(PODS, 'default', 'a')).metadata.deletionTimestamp, undefined);

    // A new generation the controller has not observed yet: refused whatever the status says.
    const cur = await b.client.get(PDBS, 'default', 'budget');
    await b.client.update(PDBS, { ...cur, status: { ...(cur.status as object), disruptionsAllowed: 5 } }, 'status');
    await b.client.patch(PDBS, 'default', 'budget', 'merge', { spec: { minAvailable: 0 } });
    const stale = await refused(evict(b, 'a'), 429);
    assert.deepEqual(stale.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget budget is still being processed by the server.' }]);
  });
});

test('terminal and Pending pods are deleted directly; a pod without a budget too', async () => {
  await withBed(async (b) => {
    await pdb(b, 'budget', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1, expectedPods: 1 });
    await pod(b, 'done', { phase: 'Succeeded', ready: false });
    await pod(b, 'failed', { phase: 'Failed', ready: false });
    await pod(b, 'pending', { phase: 'Pending' });
    await pod(b, 'free', { app: 'other' });
    for (const name of ['done', 'failed', 'pending', 'free']) {
      await evict(b, name);
      assert.ok(await goneOrGoing(b, name), name);
    }
    assert.equal((await pdbStatus(b, 'budget')).disruptionsAllowed, 0);
  });
});

test('unready pods: IfHealthyBudget lets one go while the budget is met, AlwaysAllow always; neither spends a disruption', async () => {
  await withBed(async (b) => {
    await pod(b, 'sick', { ready: false });
    await pdb(b, 'budget', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2, expectedPods: 3 });
    await refused(evict(b, 'sick'), 429);

    const cur = await b.client.get(PDBS, 'default', 'budget');
    await b.client.update(PDBS, { ...cur, status: { ...(cur.status as object), currentHealthy: 2 } }, 'status');
    await evict(b, 'sick');
    assert.ok(await goneOrGoing(b, 'sick'));
    assert.equal((await pdbStatus(b, 'budget')).disruptedPods, undefined);

    await pod(b, 'sick2', { ready: false });
    const again = await b.client.get(PDBS, 'default', 'budget');
    await b.client.update(PDBS, { ...again, status: { ...(again.status as object), currentHealthy: 0 } }, 'status');
    await b.client.patch(PDBS, 'default', 'budget', 'merge', { spec: { unhealthyPodEvictionPolicy: 'AlwaysAllow' } });
    await evict(b, 'sick2');
    assert.ok(await goneOrGoing(b, 'sick2'));
  });
});

test('a pod matched by two budgets is refused with 500', async () => {
  await withBed(async (b) => {
    await pod(b, 'a');
    await pdb(b, 'one', { disruptionsAllowed: 1 });
    await pdb(b, 'two', { disruptionsAllowed: 1 });
    const e = await refused(evict(b, 'a'), 500);
    assert.equal(e.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });
});

test('dryRun decides but writes nothing', async () => {
  await withBed(async (b) => {
    await pod(b, 'a');
    await pdb(b, 'budget', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    const before = await b.client.get(PDBS, 'default', 'budget');
    await evictPod({ registry: b.t.registry, pods: PODS, namespace: 'default', name: 'a', deleteOptions: {}, ctx: { ...systemContext('test'), dryRun: true } });
    const p = await b.client.get(PODS, 'default', 'a');
    assert.equal(p.metadata.deletionTimestamp, undefined);
    assert.ok(!JSON.stringify(p.status).includes('DisruptionTarget'));
    assert.equal((await b.client.get(PDBS, 'default', 'budget')).metadata.resourceVersion, before.metadata.resourceVersion);
    // A dry run refused like the real one.
    await pdb(b, 'other', { disruptionsAllowed: 0 }, { selector: { matchLabels: { app: 'x' } } });
    await pod(b, 'x', { app: 'x' });
    await refused(evictPod({ registry: b.t.registry, pods: PODS, namespace: 'default', name: 'x', deleteOptions: {}, ctx: { ...systemContext('test'), dryRun: true } }), 429);
  });
});
