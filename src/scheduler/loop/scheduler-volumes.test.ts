// The scheduling loop with PersistentVolumeClaims, against the real registry
// (testbed) on a fake clock. The test plays the PV controller and the
// provisioners by writing claims and volumes itself, and checks the state of
// the world: where pods are bound, what the scheduler wrote on volumes and
// claims, its events and PodScheduled conditions.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../api/object.js';
import { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE } from '../../api/storage.js';
import { NODES, PODS, PVCS, PVS, STORAGECLASSES } from '../../client/resources.js';
import { openTestbed, type Testbed } from '../../controller/testing/testbed.js';
import { claim, claimVolumes, onNode, storageClass } from '../volumes/testing.js';
import { Scheduler } from './scheduler.js';

async function addNode(b: Testbed, name: string): Promise<void> {
  await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
  const n = await b.client.get(NODES, '', name);
  await b.client.update(NODES, { ...n, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } }, 'status');
}

async function withScheduler(fn: (b: Testbed, s: Scheduler) => Promise<void>): Promise<void> {
  const b = await openTestbed();
  const s = new Scheduler({ client: b.client, recorder: b.recorder, log: b.log, clock: b.clock, random: () => 0 });
  try {
    for (const n of ['n1', 'n2']) await addNode(b, n);
    await b.client.create(STORAGECLASSES, '', storageClass('shared', 'hale/shared', 'Immediate'));
    await b.client.create(STORAGECLASSES, '', storageClass('local', 'hale/local', 'WaitForFirstConsumer'));
    await b.client.create(STORAGECLASSES, '', storageClass('manual', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer'));
    s.start();
    await fn(b, s);
  } finally {
    s.stop();
    await b.close();
  }
}

const newClaim = (name: string, cls: string, modes?: string[]): KObject => {
  const c = claim(name, { cls, ...(modes ? { modes } : {}) });
  return { ...c, metadata: { name, namespace: 'default' }, status: {} };
};
const localVolume = (name: string, cls: string, node: string): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: cls, persistentVolumeReclaimPolicy: 'Retain', local: { path: `/v/${name}` }, nodeAffinity: onNode(node) },
});
const hostPathVolume = (name: string, cls: string, modes = ['ReadWriteOnce']): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: modes, storageClassName: cls, persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/v/${name}` } },
});
const podUsing = (name: string, ...claims: string[]): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...claimVolumes(...claims) },
});

const nodeOf = async (b: Testbed, pod: string): Promise<string | undefined> => ((await b.client.get(PODS, 'default', pod)).spec as { nodeName?: string }).nodeName;
const scheduledCondition = async (b: Testbed, pod: string): Promise<{ status?: string; reason?: string; message?: string } | undefined> =>
  ((await b.client.get(PODS, 'default', pod)).status as { conditions?: { type: string; status?: string; reason?: string; message?: string }[] } | undefined)?.conditions?.find((c) => c.type === 'PodScheduled');
const eventsFor = async (b: Testbed, pod: string): Promise<string[]> => (await b.events()).filter((e) => e.involved === `Pod/${pod}`).map((e) => `${e.reason}: ${e.message}`);

/** Plays the PV controller: binds claim and volume both ways and marks them Bound. */
async function completeBinding(b: Testbed, claimName: string, pvName: string): Promise<void> {
  const c = await b.client.get(PVCS, 'default', claimName);
  const pv = await b.client.get(PVS, '', pvName);
  const ref = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: claimName, uid: c.metadata.uid ?? '' };
  const boundPv = await b.client.update(PVS, { ...pv, spec: { ...(pv.spec as object), claimRef: (pv.spec as { claimRef?: unknown }).claimRef ?? ref } });
  await b.client.update(PVS, { ...boundPv, status: { phase: 'Bound' } }, 'status');
  const boundClaim = await b.client.update(PVCS, { ...c, metadata: { ...c.metadata, annotations: { ...(c.metadata.annotations ?? {}), [ANN_BIND_COMPLETED]: 'yes' } }, spec: { ...(c.spec as object), volumeName: pvName } });
  await b.client.update(PVCS, { ...boundClaim, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } }, 'status');
}

/** Lets the scheduler react to what just happened (its informers and attempts run on real time). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));

test('an unbound Immediate claim: FailedScheduling until the PV controller binds it, then the pod is bound', async () => {
  await withScheduler(async (b) => {
    await b.client.create(PVCS, 'default', newClaim('data', 'shared'));
    await b.client.create(PODS, 'default', podUsing('web', 'data'));
    const msg = '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
    await b.until('unschedulable', async () => (await scheduledCondition(b, 'web'))?.message === msg);
    assert.equal((await scheduledCondition(b, 'web'))?.reason, 'Unschedulable');
    assert.deepEqual(await eventsFor(b, 'web'), [`FailedScheduling: ${msg}`]);
    await b.client.create(PVS, '', hostPathVolume('pv-shared', 'shared'));
    await completeBinding(b, 'data', 'pv-shared');
    await b.until('bound', async () => (await nodeOf(b, 'web')) === 'n1');
    assert.ok((await eventsFor(b, 'web')).includes('Scheduled: Successfully assigned default/web to n1'));
  });
});

test('WaitForFirstConsumer, static local volume: the scheduler pre-binds the volume on its node, the pod waits for the binding', async () => {
  await withScheduler(async (b) => {
    await b.client.create(PVS, '', localVolume('disk-n2', 'manual', 'n2'));
    await b.client.update(PVS, { ...(await b.client.get(PVS, '', 'disk-n2')), status: { phase: 'Available' } }, 'status');
    const c = await b.client.create(PVCS, 'default', newClaim('disk', 'manual'));
    await b.client.create(PODS, 'default', podUsing('db', 'disk'));
    await b.until('volume pre-bound', async () => !!((await b.client.get(PVS, '', 'disk-n2')).spec as { claimRef?: unknown }).claimRef);
    const pv = await b.client.get(PVS, '', 'disk-n2');
    assert.deepEqual((pv.spec as { claimRef?: unknown }).claimRef, { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'disk', uid: c.metadata.uid, apiVersion: 'v1', resourceVersion: c.metadata.resourceVersion });
    assert.equal(pv.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER], 'yes');
    await settle();
    // waiting: not bound, no FailedScheduling, no PodScheduled condition
    assert.equal(await nodeOf(b, 'db'), undefined);
    assert.deepEqual(await eventsFor(b, 'db'), []);
    assert.equal(await scheduledCondition(b, 'db'), undefined);
    await completeBinding(b, 'disk', 'disk-n2');
    await b.until('bound to the volume node', async () => (await nodeOf(b, 'db')) === 'n2');
    assert.deepEqual(await eventsFor(b, 'db'), ['Scheduled: Successfully assigned default/db to n2']);
  });
});

test('WaitForFirstConsumer, provisioning: selected-node is written, the pod is bound only once the claim is Bound', async () => {
  await withScheduler(async (b) => {
    await b.client.create(PVCS, 'default', newClaim('scratch', 'local'));
    await b.client.create(PODS, 'default', podUsing('job', 'scratch'));
    await b.until('selected node', async () => (await b.client.get(PVCS, 'default', 'scratch')).metadata.annotations?.[ANN_SELECTED_NODE] === 'n1');
    await settle();
    assert.equal(await nodeOf(b, 'job'), undefined);
    // the provisioner makes a volume on n1, the PV controller binds it
    await b.client.create(PVS, '', localVolume('pvc-scratch', 'local', 'n1'));
    await completeBinding(b, 'scratch', 'pvc-scratch');
    await b.until('bound', async () => (await nodeOf(b, 'job')) === 'n1');
    assert.deepEqual(await eventsFor(b, 'job'), ['Scheduled: Successfully assigned default/job to n1']);
  });
});

test('provisioning fails (selected-node removed): SchedulerError, then a new attempt selects a node again', async () => {
  await withScheduler(async (b) => {
    await b.client.create(PVCS, 'default', newClaim('scratch', 'local'));
    await b.client.create(PODS, 'default', podUsing('job', 'scratch'));
    await b.until('selected node', async () => (await b.client.get(PVCS, 'default', 'scratch')).metadata.annotations?.[ANN_SELECTED_NODE] === 'n1');
    const c = await b.client.get(PVCS, 'default', 'scratch');
    // the provisioner gives up: it drops selected-node (the PV controller's storage-provisioner annotation stays)
    await b.client.update(PVCS, { ...c, metadata: { ...c.metadata, annotations: { 'volume.kubernetes.io/storage-provisioner': 'hale/local' } } });
    const msg = 'running PreBind plugin "VolumeBinding": binding volumes: provisioning failed for PVC "scratch"';
    await b.until('SchedulerError', async () => (await scheduledCondition(b, 'job'))?.message === msg);
    assert.equal((await scheduledCondition(b, 'job'))?.reason, 'SchedulerError');
    assert.deepEqual(await eventsFor(b, 'job'), [`FailedScheduling: ${msg}`]);
    b.clock.advance(10_000); // the retry tick
    await b.until('selected again', async () => (await b.client.get(PVCS, 'default', 'scratch')).metadata.annotations?.[ANN_SELECTED_NODE] === 'n1');
  });
});

test('binding that never completes times out after 600 s; selected-node stays, as in Kubernetes', async () => {
  await withScheduler(async (b) => {
    await b.client.create(PVCS, 'default', newClaim('scratch', 'local'));
    await b.client.create(PODS, 'default', podUsing('job', 'scratch'));
    await b.until('selected node', async () => (await b.client.get(PVCS, 'default', 'scratch')).metadata.annotations?.[ANN_SELECTED_NODE] === 'n1');
    await settle();
    b.clock.advance(599_000);
    await settle();
    assert.equal(await scheduledCondition(b, 'job'), undefined);
    b.clock.advance(1_000);
    const msg = 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded';
    await b.until('timed out', async () => (await scheduledCondition(b, 'job'))?.message === msg);
    assert.equal((await b.client.get(PVCS, 'default', 'scratch')).metadata.annotations?.[ANN_SELECTED_NODE], 'n1');
    assert.equal(await nodeOf(b, 'job'), undefined);
  });
});

test('a bound claim whose volume has node affinity pins the pod to that node', async () => {
  await withScheduler(async (b) => {
    await b.client.create(PVS, '', localVolume('disk-n2', 'manual', 'n2'));
    await b.client.create(PVCS, 'default', newClaim('disk', 'manual'));
    await completeBinding(b, 'disk', 'disk-n2');
    for (const p of ['a', 'b']) await b.client.create(PODS, 'default', podUsing(p, 'disk'));
    await b.until('both on n2', async () => (await nodeOf(b, 'a')) === 'n2' && (await nodeOf(b, 'b')) === 'n2');
  });
});

test('ReadWriteOncePod: a second pod waits (Unschedulable) until the first is gone', async () => {
  await withScheduler(async (b) => {
    await b.client.create(PVS, '', hostPathVolume('solo-pv', 'shared', ['ReadWriteOncePod']));
    await b.client.create(PVCS, 'default', newClaim('solo', 'shared', ['ReadWriteOncePod']));
    await completeBinding(b, 'solo', 'solo-pv');
    await b.client.create(PODS, 'default', podUsing('first', 'solo'));
    await b.until('first bound', async () => (await nodeOf(b, 'first')) !== undefined);
    await b.client.create(PODS, 'default', podUsing('second', 'solo'));
    const msg = '0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    await b.until('second unschedulable', async () => (await scheduledCondition(b, 'second'))?.message === msg);
    assert.equal((await scheduledCondition(b, 'second'))?.reason, 'Unschedulable');
    await b.client.delete(PODS, 'default', 'first', { gracePeriodSeconds: 0 });
    await b.until('second bound', async () => (await nodeOf(b, 'second')) !== undefined);
  });
});
