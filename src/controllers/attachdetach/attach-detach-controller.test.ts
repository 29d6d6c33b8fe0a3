import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { NODES, PODS, PVCS, PVS, VOLUMEATTACHMENTS } from '../../client/resources.js';
import type { Testbed } from '../../controller/testing/testbed.js';
import { OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';
import { uniqueVolumeName } from '../../api/storage.js';
import { PersistentVolumeBinder } from '../persistentvolume/pv-binder.js';
import { claim, hostPathVolume, phase, podWithClaim, withStorage } from '../persistentvolume/storage-testing.js';
import { AttachDetachController } from './attach-detach-controller.js';

async function addNode(b: Testbed, name: string): Promise<void> {
  await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
}

async function setInUse(b: Testbed, node: string, names: string[]): Promise<void> {
  const n = await b.client.get(NODES, '', node);
  await b.client.update(NODES, { ...n, status: { ...((n.status ?? {}) as object), volumesInUse: names } }, 'status');
}

async function attachments(b: Testbed): Promise<{ node: string; attached: boolean }[]> {
  return (await b.list(VOLUMEATTACHMENTS)).map((va) => ({ node: (va.spec as { nodeName: string }).nodeName, attached: !!(va.status as { attached?: boolean } | undefined)?.attached })).sort((a, b) => a.node.localeCompare(b.node));
}

async function boundClaim(b: Testbed, modes: string[] = ['ReadWriteOnce']): Promise<KObject> {
  await b.client.create(PVS, '', hostPathVolume('pv1', { modes }));
  await b.client.create(PVCS, 'default', claim('data', { modes }));
  await b.until('claim bound', async () => phase(await b.client.get(PVCS, 'default', 'data')) === 'Bound');
  return b.client.get(PVS, '', 'pv1');
}

async function runPod(b: Testbed, name: string, node: string): Promise<void> {
  await b.client.create(PODS, 'default', podWithClaim(name, 'data'));
  await b.setPodStatus('default', name, { phase: 'Pending', nodeName: node });
}

const storage = (ctx: Parameters<Parameters<typeof withStorage>[0]>[0]) => [new PersistentVolumeBinder(ctx), new AttachDetachController(ctx)];

test('RWO: attached to the pod\'s node; a second node waits with Multi-Attach until the first node reports the volume unmounted', async () => {
  await withStorage(storage, async (b) => {
    for (const n of ['n1', 'n2']) await addNode(b, n);
    const pv = await boundClaim(b);
    await runPod(b, 'first', 'n1');
    await b.until('attached to n1', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n1', attached: true }]));
    await setInUse(b, 'n1', [uniqueVolumeName(pv as never)]);

    await runPod(b, 'second', 'n2');
    await b.until('Multi-Attach event', async () =>
      (await b.events()).some((e) => e.reason === 'FailedAttachVolume' && e.message === 'Multi-Attach error for volume "pv1" Volume is already used by pod(s) first'),
    );
    assert.deepEqual(await attachments(b), [{ node: 'n1', attached: true }]);

    // The first pod goes; n1 still reports the volume in use: no detach.
    await b.client.delete(PODS, 'default', 'first', { gracePeriodSeconds: 0 });
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(await attachments(b), [{ node: 'n1', attached: true }], 'held while n1 has it mounted');

    await setInUse(b, 'n1', []);
    await b.until('moved to n2', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n2', attached: true }]));
  });
});

test('an out-of-service node releases the volume without its report', async () => {
  await withStorage(storage, async (b) => {
    for (const n of ['n1', 'n2']) await addNode(b, n);
    const pv = await boundClaim(b);
    await runPod(b, 'old', 'n1');
    await b.until('attached to n1', async () => (await attachments(b)).length === 1);
    await setInUse(b, 'n1', [uniqueVolumeName(pv as never)]);
    await b.client.delete(PODS, 'default', 'old', { gracePeriodSeconds: 0 }); // force-deleted, as fencing does
    await runPod(b, 'new', 'n2');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(await attachments(b), [{ node: 'n1', attached: true }], 'n1 silent and not out of service: kept');
    await b.client.patch(NODES, '', 'n1', 'merge', { spec: { taints: [{ key: OUT_OF_SERVICE_TAINT, value: 'nodeshutdown', effect: 'NoExecute' }] } });
    await b.until('moved to n2', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n2', attached: true }]));
  });
});

test('RWX: attached to every node that runs a user; a vanished node keeps its attachment', async () => {
  await withStorage(storage, async (b) => {
    for (const n of ['n1', 'n2']) await addNode(b, n);
    await boundClaim(b, ['ReadWriteMany']);
    await runPod(b, 'a', 'n1');
    await runPod(b, 'b', 'n2');
    await b.until('both attached', async () => JSON.stringify(await attachments(b)) === JSON.stringify([{ node: 'n1', attached: true }, { node: 'n2', attached: true }]));
    await b.client.delete(NODES, '', 'n2');
    await b.client.delete(PODS, 'default', 'b', { gracePeriodSeconds: 0 });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await attachments(b)).length, 2, 'no report from a vanished node, no out-of-service: kept');
  });
});

test('a terminal pod no longer needs its volume', async () => {
  await withStorage(storage, async (b) => {
    await addNode(b, 'n1');
    await boundClaim(b);
    await runPod(b, 'job', 'n1');
    await b.until('attached', async () => (await attachments(b)).length === 1);
    await b.setPodStatus('default', 'job', { phase: 'Succeeded', nodeName: 'n1' });
    await b.until('detached (n1 reports nothing in use)', async () => (await attachments(b)).length === 0);
  });
});
