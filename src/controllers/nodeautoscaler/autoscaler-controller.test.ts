import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { NODEPOOLS, NODES, PODS, REPLICASETS } from '../../client/resources.js';
import { withControllers, type Testbed } from '../../controller/testing/testbed.js';
import { NodeAutoscaler } from './autoscaler-controller.js';
import { TestbedMachines } from './testbed-machines.js';

type Run = (b: Testbed, c: NodeAutoscaler, m: TestbedMachines) => Promise<void>;

function run(fn: Run): Promise<void> {
  let machines: TestbedMachines | undefined;
  return withControllers(
    (ctx) => {
      machines = new TestbedMachines(ctx.client);
      return new NodeAutoscaler(ctx, { providers: () => machines! });
    },
    (b, c) => fn(b, c, machines!),
    { namespaces: ['default'] },
  );
}

/** Lets passes and operations run: the fake clock moves `ms` in 1 s steps. */
async function settle(b: Testbed, c: NodeAutoscaler, ms = 3_000): Promise<void> {
  for (let t = 0; t < ms; t += 1_000) {
    b.clock.advance(1_000);
    await c.idle();
    await new Promise((r) => setTimeout(r, 5));
    await c.idle();
  }
}

async function createPool(b: Testbed, name: string, spec: Record<string, unknown>): Promise<void> {
  await b.client.create(NODEPOOLS, '', { apiVersion: 'autoscaling.hale.dev/v1alpha1', kind: 'NodePool', metadata: { name }, spec: { provider: { type: 'sim' }, template: { spec: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } }, ...spec } });
}

async function poolStatus(b: Testbed, name: string): Promise<{ nodes?: number; readyNodes?: number; launching?: { name: string }[]; conditions?: { type: string; status: string; reason: string }[] }> {
  return ((await b.client.get(NODEPOOLS, '', name)).status ?? {}) as never;
}

async function poolNodes(b: Testbed, pool: string): Promise<KObject[]> {
  return (await b.client.list(NODES, { labelSelector: `autoscaling.hale.dev/nodepool=${pool}` })).items;
}

async function setReady(b: Testbed, name: string, status: 'True' | 'False' | 'Unknown'): Promise<void> {
  const n = await b.client.get(NODES, '', name);
  await b.client.update(NODES, { ...n, status: { ...(n.status ?? {}), conditions: [{ type: 'Ready', status, reason: 'Test', message: '' }] } }, 'status');
}

/** A ReplicaSet to own test pods (no ReplicaSet controller runs here; the garbage collector only needs the owner to exist). */
async function owner(b: Testbed): Promise<string> {
  try {
    return (await b.client.get(REPLICASETS, 'default', 'rs')).metadata.uid ?? '';
  } catch {
    const labels = { app: 'rs' };
    const rs = await b.client.create(REPLICASETS, 'default', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });
    return rs.metadata.uid ?? '';
  }
}

async function unschedulablePod(b: Testbed, name: string, cpu: string): Promise<void> {
  const uid = await owner(b);
  await b.client.create(PODS, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }] },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu } } }] },
  });
  const p = await b.client.get(PODS, 'default', name);
  await b.client.update(PODS, { ...p, status: { ...(p.status ?? {}), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available' }] } }, 'status');
}

test('a pool is brought up to minNodes; each machine is recorded in status.launching before the provider is asked', () =>
  run(async (b, c, m) => {
    await createPool(b, 'w', { minNodes: 2, maxNodes: 5 });
    await settle(b, c);
    assert.equal(m.created.length, 2);
    assert.equal(m.recordedBeforeCreate, true);
    assert.equal((await poolNodes(b, 'w')).length, 2);
    const st = await poolStatus(b, 'w');
    assert.equal(st.nodes, 2);
    assert.equal(st.readyNodes, 2);
    assert.deepEqual(st.launching ?? [], []);
    assert.deepEqual(st.conditions?.map((x) => [x.type, x.status]), [['ProviderReady', 'True'], ['RepairAllowed', 'True']]);
  }));

test('unschedulable pods grow the pool by what they need, never past max, with events on the pods', () =>
  run(async (b, c, m) => {
    await createPool(b, 'w', { maxNodes: 2 });
    for (let i = 0; i < 12; i++) await unschedulablePod(b, `p${i}`, '1');
    await settle(b, c);
    // 12 × 1 cpu on 4-cpu nodes wants 3 nodes; max is 2.
    assert.equal(m.created.length, 2);
    const events = await b.events();
    assert.ok(events.some((e) => e.reason === 'TriggeredScaleUp' && /pod triggered scale-up: \[\{w 0->2 \(max: 2\)\}\]/.test(e.message)), JSON.stringify(events));
    assert.ok(events.some((e) => e.reason === 'NotTriggerScaleUp' && /w: max node group size reached \(2\)/.test(e.message)));
    assert.ok(events.some((e) => e.reason === 'ScaleUp' && e.involved === 'NodePool/w'));
  }));

test('a node unhealthy past repair.after is deleted and replaced; the machine goes before the Node', () =>
  run(async (b, c, m) => {
    await createPool(b, 'w', { minNodes: 3, maxNodes: 3, repair: { after: '1m' } });
    await settle(b, c);
    const [victim] = m.created;
    await setReady(b, victim!, 'Unknown');
    await settle(b, c, 50_000);
    assert.deepEqual(m.deleted, [], 'not before repair.after');
    await settle(b, c, 15_000);
    assert.deepEqual(m.deleted, [victim]);
    await assert.rejects(b.client.get(NODES, '', victim!), /not found/);
    assert.equal(m.created.length, 4, 'a replacement was requested');
    assert.equal((await poolNodes(b, 'w')).length, 3);
    const events = await b.events('');
    assert.ok(events.some((e) => e.reason === 'NodeRepair' && e.involved === `Node/${victim}`), JSON.stringify(events));
  }));

test('the circuit breaker holds repairs while too many nodes are unhealthy, and releases them when fewer are', () =>
  run(async (b, c, m) => {
    await createPool(b, 'w', { minNodes: 8, maxNodes: 8 });
    await settle(b, c);
    const names = [...m.created];
    for (const n of names.slice(0, 5)) await setReady(b, n, 'Unknown');
    await settle(b, c, 120_000);
    assert.deepEqual(m.deleted, [], '5 of 8 unhealthy: breaker open');
    const st = await poolStatus(b, 'w');
    assert.deepEqual(st.conditions?.find((x) => x.type === 'RepairAllowed'), { ...st.conditions?.find((x) => x.type === 'RepairAllowed'), status: 'False', reason: 'TooManyUnhealthy' });
    assert.ok((await b.events('')).some((e) => e.reason === 'RepairBlocked'));
    for (const n of names.slice(0, 2)) await setReady(b, n, 'True');
    await settle(b, c, 3_000);
    assert.deepEqual([...m.deleted].sort(), names.slice(2, 5).sort(), '3 of 8: breaker closed, the three due are repaired');
  }));

test('a machine that never registers is removed after provisionTimeout', () =>
  run(async (b, c, m) => {
    m.hang = true;
    await createPool(b, 'w', { minNodes: 1, maxNodes: 1, provisionTimeout: '5m' });
    await settle(b, c);
    assert.equal(m.created.length, 1);
    assert.equal((await poolStatus(b, 'w')).launching?.length, 1);
    await settle(b, c, 300_000);
    assert.deepEqual(m.deleted, [m.created[0]]);
    assert.ok((await b.events('')).some((e) => e.reason === 'ProvisionTimeout'));
  }));

test('a failed create is reported and the pool backs off', () =>
  run(async (b, c, m) => {
    m.failNext = 'quota exceeded';
    await createPool(b, 'w', { minNodes: 1, maxNodes: 1 });
    await settle(b, c);
    assert.equal(m.created.length, 1);
    assert.ok((await b.events('')).some((e) => e.reason === 'FailedScaleUp' && /quota exceeded/.test(e.message)));
    await settle(b, c, 10_000);
    assert.equal(m.created.length, 1, 'backing off');
    await settle(b, c, 25_000);
    assert.equal(m.created.length, 2, 'retried after the back-off');
  }));

test('an idle node is drained and removed after unneededFor; min is kept', () =>
  run(async (b, c, m) => {
    await createPool(b, 'w', { minNodes: 1, maxNodes: 3 });
    await settle(b, c);
    for (let i = 0; i < 5; i++) await unschedulablePod(b, `p${i}`, '1');
    await settle(b, c);
    assert.equal(m.created.length, 2);
    // The pods are gone (the job finished): both nodes idle; one stays for min.
    for (let i = 0; i < 5; i++) await b.client.delete(PODS, 'default', `p${i}`);
    await settle(b, c, 125_000);
    assert.equal(m.deleted.length, 1);
    assert.equal((await poolNodes(b, 'w')).length, 1);
    assert.ok((await b.events('')).some((e) => e.reason === 'ScaleDown' && e.involved === 'NodePool/w'));
  }));

test('deleting a pool drains and removes its nodes first, then the pool goes', () =>
  run(async (b, c, m) => {
    await createPool(b, 'w', { minNodes: 2, maxNodes: 3 });
    await settle(b, c);
    assert.deepEqual((await b.client.get(NODEPOOLS, '', 'w')).metadata.finalizers, ['autoscaling.hale.dev/nodes']);
    await b.client.delete(NODEPOOLS, '', 'w');
    await settle(b, c, 5_000);
    assert.deepEqual([...m.deleted].sort(), [...m.created].sort());
    assert.equal((await poolNodes(b, 'w')).length, 0);
    await assert.rejects(b.client.get(NODEPOOLS, '', 'w'), /not found/);
  }));
