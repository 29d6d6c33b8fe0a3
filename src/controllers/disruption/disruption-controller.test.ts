import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { CONFIGMAPS, DEPLOYMENTS, PDBS, PODS, REPLICASETS, STATEFULSETS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { DisruptionController } from './disruption-controller.js';
import type { PdbStatus } from '../../machinery/pdb/pdb.js';

function withController(fn: (b: Testbed, c: DisruptionController) => Promise<void>): Promise<void> {
  return withControllers((ctx) => new DisruptionController(ctx), fn);
}

const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

async function replicaSet(b: Testbed, name: string, replicas: number, owner?: KObject): Promise<KObject> {
  return b.client.create(REPLICASETS, 'default', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true }] } : {}) },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name) },
  });
}

/** `n` Ready pods labelled app=`app`, controlled by `owner` (kind from the object) or by nothing. */
async function readyPods(b: Testbed, app: string, n: number, owner?: KObject, from = 0): Promise<string[]> {
  const names: string[] = [];
  for (let i = from; i < from + n; i++) {
    const name = `${app}-${i}`;
    const ref = owner ? [{ apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true }] : undefined;
    await b.client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app }, ...(ref ? { ownerReferences: ref } : {}) }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await b.setPodStatus('default', name, { phase: 'Running', ready: true, nodeName: 'node-1' });
    names.push(name);
  }
  return names;
}

async function pdb(b: Testbed, name: string, app: string, spec: Record<string, unknown>): Promise<void> {
  await b.client.create(PDBS, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app } }, ...spec } });
}

const status = async (b: Testbed, name: string): Promise<PdbStatus> => (await b.client.get(PDBS, 'default', name)).status as PdbStatus;
const counts = (s: PdbStatus) => [s.expectedPods, s.currentHealthy, s.desiredHealthy, s.disruptionsAllowed];
/** Waits for [expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed]; fails showing the last status seen. */
async function untilCounts(b: Testbed, name: string, want: number[]): Promise<void> {
  let last: PdbStatus | undefined;
  try {
    await b.until(`${name} counts ${JSON.stringify(want)}`, async () => JSON.stringify(counts((last = await status(b, name)))) === JSON.stringify(want));
  } catch (err) {
    assert.fail(`${String(err)}; last status ${JSON.stringify(last)}`);
  }
}
const allowedCondition = (s: PdbStatus) => s.conditions?.find((c) => c.type === 'DisruptionAllowed');

function evict(b: Testbed, pod: string): Promise<KObject> {
  return b.client.create(PODS, 'default', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' } }, 'eviction');
}

async function rejects429(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError && err.code === 429, String(err));
    return err;
  }
  assert.fail('the eviction was admitted');
}

test('minAvailable 2 of 3: status, one eviction admitted, the next refused, allowed again once a replacement is Ready', async () => {
  await withController(async (b, c) => {
    const rs = await replicaSet(b, 'web', 3);
    const pods = await readyPods(b, 'web', 3, rs);
    await pdb(b, 'web-pdb', 'web', { minAvailable: 2 });
    await b.until('status computed', async () => (await status(b, 'web-pdb')).disruptionsAllowed === 1);
    const s = await status(b, 'web-pdb');
    assert.deepEqual(counts(s), [3, 3, 2, 1]);
    assert.equal(s.observedGeneration, 1);
    assert.deepEqual(allowedCondition(s), { type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: '2026-11-28T12:00:00Z', reason: 'SufficientPods', message: '' });

    await evict(b, pods[0]!);
    const victim = await b.client.get(PODS, 'default', pods[0]!);
    assert.ok(victim.metadata.deletionTimestamp, 'the evicted pod is terminating');
    const target = ((victim.status as { conditions: { type: string; status: string; reason?: string; message?: string }[] }).conditions).find((x) => x.type === 'DisruptionTarget');
    assert.deepEqual([target?.status, target?.reason, target?.message], ['True', 'EvictionByEvictionAPI', 'Eviction API: evicting']);

    // The controller sees the pod terminating: 2 healthy, nothing allowed, the disruptedPods entry gone.
    await b.until('controller caught up', async () => (await status(b, 'web-pdb')).currentHealthy === 2);
    await c.idle();
    const after = await status(b, 'web-pdb');
    assert.deepEqual(counts(after), [3, 2, 2, 0]);
    assert.equal(after.disruptedPods, undefined);
    assert.deepEqual([allowedCondition(after)?.status, allowedCondition(after)?.reason], ['False', 'InsufficientPods']);

    const refused = await rejects429(evict(b, pods[1]!));
    assert.equal(refused.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(refused.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }]);
    assert.equal((await b.client.get(PODS, 'default', pods[1]!)).metadata.deletionTimestamp, undefined);

    // The replacement (the ReplicaSet controller's job) becomes Ready: one disruption is allowed again.
    await readyPods(b, 'web', 1, rs, 3);
    await b.until('allowed again', async () => (await status(b, 'web-pdb')).disruptionsAllowed === 1);
    assert.deepEqual(counts(await status(b, 'web-pdb')), [4, 3, 2, 1]);
    await evict(b, pods[1]!);
  });
});

test('two evictions at once cannot both spend the last disruption', async () => {
  await withController(async (b) => {
    const rs = await replicaSet(b, 'api', 3);
    const pods = await readyPods(b, 'api', 3, rs);
    await pdb(b, 'api-pdb', 'api', { maxUnavailable: 1 });
    await b.until('allowed 1', async () => (await status(b, 'api-pdb')).disruptionsAllowed === 1);
    const results = await Promise.allSettled([evict(b, pods[0]!), evict(b, pods[1]!)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    assert.equal((failed.reason as ApiError).code, 429);
  });
});

test('percentages and maxUnavailable count the scale of the pods’ controllers', async () => {
  await withController(async (b) => {
    // A Deployment of 4 whose ReplicaSet has only 3 Ready pods so far: 50% of 4, rounded up.
    const d = await b.client.create(DEPLOYMENTS, 'default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dep' }, spec: { replicas: 4, selector: { matchLabels: { app: 'dep' } }, template: template('dep') } });
    const rs = await replicaSet(b, 'dep', 4, d);
    await readyPods(b, 'dep', 3, rs);
    await pdb(b, 'dep-pdb', 'dep', { minAvailable: '50%' });
    await untilCounts(b, 'dep-pdb', [4, 3, 2, 1]);

    // A StatefulSet of 3 with maxUnavailable 34%: ceil(1.02) = 2 may be unavailable, 1 desired.
    const ss = await b.client.create(STATEFULSETS, 'default', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') } });
    await readyPods(b, 'db', 3, ss);
    await pdb(b, 'db-pdb', 'db', { maxUnavailable: '34%' });
    await untilCounts(b, 'db-pdb', [3, 3, 1, 2]);

    // Scaling the Deployment changes the denominator at the next pod event.
    await b.client.patch(DEPLOYMENTS, 'default', 'dep', 'merge', { spec: { replicas: 6 } });
    await b.until('the cache has the new scale', () => (b.informers.for(DEPLOYMENTS).get('default/dep')?.spec as { replicas?: number } | undefined)?.replicas === 6);
    await readyPods(b, 'dep', 1, rs, 3);
    await untilCounts(b, 'dep-pdb', [6, 4, 3, 1]);

    // A ReplicaSet without a Deployment counts its own replicas.
    await b.client.create(REPLICASETS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'lone' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'lone' } }, template: template('lone') },
    });
    const lone = await b.client.get(REPLICASETS, 'default', 'lone');
    await readyPods(b, 'lone', 2, lone);
    await pdb(b, 'lone-pdb', 'lone', { maxUnavailable: 1 });
    await untilCounts(b, 'lone-pdb', [2, 2, 1, 1]);
  });
});

test('unmanaged pods with a percentage are reported, not counted; a pod whose controller has no scale fails safe', async () => {
  await withController(async (b) => {
    const rs = await replicaSet(b, 'mix', 2);
    await readyPods(b, 'mix', 2, rs);
    await readyPods(b, 'mix', 1, undefined, 2);
    await pdb(b, 'mix-pdb', 'mix', { minAvailable: '50%' });
    await untilCounts(b, 'mix-pdb', [2, 3, 1, 2]);
    const unmanaged = (await b.events()).find((e) => e.reason === 'UnmanagedPods');
    assert.equal(
      unmanaged?.message,
      'Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: mix,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
    );
    assert.equal(unmanaged?.involved, 'PodDisruptionBudget/mix-pdb');

    // A pod controlled by a kind without a scale subresource: the expected count cannot be computed.
    const cm = await b.client.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    await readyPods(b, 'ghost', 1, { ...cm, apiVersion: 'v1' });
    await pdb(b, 'ghost-pdb', 'ghost', { maxUnavailable: '10%' });
    await b.until('SyncFailed', async () => allowedCondition(await status(b, 'ghost-pdb'))?.reason === 'SyncFailed');
    const s = await status(b, 'ghost-pdb');
    assert.equal(s.disruptionsAllowed, 0);
    assert.deepEqual([allowedCondition(s)?.status, allowedCondition(s)?.message], ['False', 'configmaps does not implement the scale subresource']);
    const failed = (await b.events()).find((e) => e.reason === 'CalculateExpectedPodCountFailed');
    assert.equal(failed?.message, 'Failed to calculate the number of expected pods: configmaps does not implement the scale subresource');

    // Switching to an integer minAvailable (a new generation) recovers.
    await b.client.patch(PDBS, 'default', 'ghost-pdb', 'merge', { spec: { maxUnavailable: null, minAvailable: 0 } });
    await b.until('recovered', async () => allowedCondition(await status(b, 'ghost-pdb'))?.reason === 'SufficientPods');
    const r = await status(b, 'ghost-pdb');
    assert.deepEqual([...counts(r), r.observedGeneration], [1, 1, 0, 1, 2]);
  });
});

test('a PDB that selects nothing allows nothing and says so', async () => {
  await withController(async (b) => {
    await pdb(b, 'empty', 'nobody', { minAvailable: 0 });
    await b.until('status', async () => allowedCondition(await status(b, 'empty')) !== undefined);
    const s = await status(b, 'empty');
    assert.deepEqual(counts(s), [0, 0, 0, 0]);
    assert.equal(allowedCondition(s)?.reason, 'InsufficientPods');
    assert.ok((await b.events()).some((e) => e.reason === 'NoPods' && e.message === 'No matching pods found'));
  });
});

test('a disruptedPods entry for a pod that was never deleted expires after 2 minutes on the clock', async () => {
  await withController(async (b, c) => {
    const rs = await replicaSet(b, 'slow', 3);
    const pods = await readyPods(b, 'slow', 3, rs);
    await pdb(b, 'slow-pdb', 'slow', { minAvailable: 1 });
    await b.until('allowed 2', async () => (await status(b, 'slow-pdb')).disruptionsAllowed === 2);
    await c.idle();
    // Play the eviction API whose delete never happened: the entry is written, the pod stays.
    const current = await b.client.get(PDBS, 'default', 'slow-pdb');
    const at = new Date(b.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    await b.client.update(PDBS, { ...current, status: { ...(current.status as object), disruptionsAllowed: 1, disruptedPods: { [pods[0]!]: at } } }, 'status');
    await c.idle();
    const held = await status(b, 'slow-pdb');
    assert.deepEqual(held.disruptedPods, { [pods[0]!]: at }, 'the entry is kept while the deletion may still come');
    assert.deepEqual(counts(held), [3, 2, 1, 1]);

    b.clock.advance(60_000);
    await c.idle();
    assert.deepEqual((await status(b, 'slow-pdb')).disruptedPods, { [pods[0]!]: at });

    b.clock.advance(60_001);
    await b.until('entry dropped', async () => (await status(b, 'slow-pdb')).disruptedPods === undefined);
    assert.deepEqual(counts(await status(b, 'slow-pdb')), [3, 3, 1, 2]);
    const notDeleted = (await b.events()).find((e) => e.reason === 'NotDeleted');
    assert.deepEqual(notDeleted, { reason: 'NotDeleted', message: "Pod was expected by PDB default/default to be deleted but it wasn't", involved: `Pod/${pods[0]}` });
  });
});

test('a stale DisruptionTarget condition on a pod that was not deleted is reset after 2 minutes', async () => {
  await withController(async (b, c) => {
    const [name] = await readyPods(b, 'keep', 1);
    const pod = await b.client.get(PODS, 'default', name!);
    const conditions = [...((pod.status as { conditions: object[] }).conditions), { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: new Date(b.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }];
    await b.client.update(PODS, { ...pod, status: { ...(pod.status as object), conditions } }, 'status');
    const cached = b.informers.for(PODS);
    await b.until('the controller has seen the condition', () => JSON.stringify(cached.get(`default/${name}`)?.status ?? {}).includes('DisruptionTarget'));
    const target = async () => ((await b.client.get(PODS, 'default', name!)).status as { conditions: { type: string; status: string }[] }).conditions.find((x) => x.type === 'DisruptionTarget');
    b.clock.advance(119_000);
    await c.idle();
    assert.equal((await target())?.status, 'True');
    b.clock.advance(1_000);
    await b.until('reset to False', async () => (await target())?.status === 'False');
  });
});
