import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../api/object.js';
import { PODS, PVCS, PVS, STORAGECLASSES } from '../../client/resources.js';
import type { Testbed } from '../../controller/testing/testbed.js';
import { ANN_BIND_COMPLETED, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, FINALIZER_PVC_PROTECTION } from '../../api/storage.js';
import { PersistentVolumeBinder } from './pv-binder.js';
import { ProvisioningController } from '../provisioning/provisioning-controller.js';
import { SharedProvisioner } from '../../volumes/shared-provisioner.js';
import { LocalProvisioner } from '../../volumes/local-provisioner.js';
import { PvcProtectionController } from '../volumeprotection/pvc-protection.js';
import { PvProtectionController } from '../volumeprotection/pv-protection.js';
import { claim, hostPathVolume, phase, podWithClaim, storageClass, withStorage } from './storage-testing.js';

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);
const getPv = (b: Testbed, name: string): Promise<KObject | undefined> => b.client.get(PVS, '', name).catch(() => undefined);
const getPvc = (b: Testbed, name: string): Promise<KObject | undefined> => b.client.get(PVCS, 'default', name).catch(() => undefined);

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'hale-pv-'));
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('a claim binds the smallest static volume that fits; both end Bound with Kubernetes annotations', async () => {
  await withStorage((ctx) => [new PersistentVolumeBinder(ctx)], async (b) => {
    await b.client.create(PVS, '', hostPathVolume('small', { size: '1Gi' }));
    await b.client.create(PVS, '', hostPathVolume('big', { size: '10Gi' }));
    await b.client.create(PVS, '', hostPathVolume('fit', { size: '5Gi' }));
    await b.client.create(PVS, '', hostPathVolume('rwx-only', { size: '5Gi', modes: ['ReadWriteMany'] }));
    await b.client.create(PVCS, 'default', claim('data', { size: '2Gi' }));
    await b.until('claim bound', async () => phase(await getPvc(b, 'data')) === 'Bound');
    const c = (await getPvc(b, 'data'))!;
    assert.equal((c.spec as { volumeName?: string }).volumeName, 'fit');
    assert.equal(c.metadata.annotations?.[ANN_BIND_COMPLETED], 'yes');
    assert.deepEqual((c.status as { capacity?: unknown }).capacity, { storage: '5Gi' });
    const pv = (await getPv(b, 'fit'))!;
    assert.equal(phase(pv), 'Bound');
    assert.equal((pv.spec as { claimRef?: { uid?: string } }).claimRef?.uid, c.metadata.uid);
    for (const n of ['small', 'big']) await b.until(`${n} Available`, async () => phase(await getPv(b, n)) === 'Available');
  });
});

test('no volume and no class: the claim stays Pending with FailedBinding', async () => {
  await withStorage((ctx) => [new PersistentVolumeBinder(ctx)], async (b) => {
    await b.client.create(PVCS, 'default', claim('lonely'));
    await b.until('FailedBinding event', async () => (await b.events()).some((e) => e.reason === 'FailedBinding'));
    assert.equal(phase(await getPvc(b, 'lonely')), 'Pending');
  });
});

test('hale/shared provisions a directory, binds it, and deletes data only once the claim is gone', async () => {
  await withRoot(async (root) => {
    await withStorage((ctx) => [new PersistentVolumeBinder(ctx), new ProvisioningController(ctx, new SharedProvisioner()), new PvcProtectionController(ctx), new PvProtectionController(ctx)], async (b) => {
      await b.client.create(STORAGECLASSES, '', storageClass('shared', 'hale/shared', { root }));
      await b.client.create(PVCS, 'default', claim('data', { cls: 'shared' }));
      await b.until('claim bound', async () => phase(await getPvc(b, 'data')) === 'Bound');
      const c = (await getPvc(b, 'data'))!;
      assert.equal(c.metadata.annotations?.[ANN_STORAGE_PROVISIONER], 'hale/shared');
      const pvName = `pvc-${c.metadata.uid}`;
      const pv = (await getPv(b, pvName))!;
      assert.equal(pv.metadata.annotations?.[ANN_PROVISIONED_BY], 'hale/shared');
      assert.equal((pv.spec as { persistentVolumeReclaimPolicy?: string }).persistentVolumeReclaimPolicy, 'Delete');
      const path = (pv.spec as { csi: { volumeAttributes: { path: string } } }).csi.volumeAttributes.path;
      assert.equal(path, join(root, `default-data-${pvName}`));
      assert.ok(await exists(path));
      const reasons = (await b.events()).map((e) => e.reason);
      for (const r of ['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']) assert.ok(reasons.includes(r), `${r} in ${reasons.join(',')}`);

      // A pod on a node uses it: deleting the claim waits for the pod.
      await b.client.create(PODS, 'default', podWithClaim('user', 'data'));
      await b.setPodStatus('default', 'user', { phase: 'Running', ready: true, nodeName: 'n1' });
      await b.client.delete(PVCS, 'default', 'data');
      b.clock.advance(1000);
      await new Promise((r) => setTimeout(r, 100));
      const held = await getPvc(b, 'data');
      assert.ok(held?.metadata.deletionTimestamp, 'being deleted');
      assert.deepEqual(held?.metadata.finalizers, [FINALIZER_PVC_PROTECTION]);
      assert.ok(await exists(path), 'data kept while a pod uses the claim');

      await b.client.delete(PODS, 'default', 'user', { gracePeriodSeconds: 0 });
      await b.until('claim gone', async () => !(await getPvc(b, 'data')));
      await b.until('volume gone', async () => !(await getPv(b, pvName)));
      assert.equal(await exists(path), false, 'data removed after the claim went (reclaim Delete)');
    });
  });
});

test('reclaim Retain: the claim goes, the volume is Released and the data stays', async () => {
  await withRoot(async (root) => {
    await withStorage((ctx) => [new PersistentVolumeBinder(ctx), new ProvisioningController(ctx, new SharedProvisioner()), new PvcProtectionController(ctx)], async (b) => {
      await b.client.create(STORAGECLASSES, '', storageClass('keep', 'hale/shared', { root, reclaim: 'Retain' }));
      await b.client.create(PVCS, 'default', claim('data', { cls: 'keep' }));
      await b.until('claim bound', async () => phase(await getPvc(b, 'data')) === 'Bound');
      const pvName = `pvc-${(await getPvc(b, 'data'))!.metadata.uid}`;
      const path = ((await getPv(b, pvName))!.spec as { csi: { volumeAttributes: { path: string } } }).csi.volumeAttributes.path;
      await b.client.delete(PVCS, 'default', 'data');
      await b.until('volume Released', async () => phase(await getPv(b, pvName)) === 'Released');
      assert.ok(await exists(path));
    });
  });
});

test('a missing volume root fails provisioning with an event and creates nothing', async () => {
  await withStorage((ctx) => [new PersistentVolumeBinder(ctx), new ProvisioningController(ctx, new SharedProvisioner())], async (b) => {
    await b.client.create(STORAGECLASSES, '', storageClass('gone', 'hale/shared', { root: '/nonexistent/hale-root' }));
    await b.client.create(PVCS, 'default', claim('data', { cls: 'gone' }));
    await b.until('ProvisioningFailed', async () => (await b.events()).some((e) => e.reason === 'ProvisioningFailed' && /does not exist/.test(e.message)));
    assert.equal((await b.list(PVS)).length, 0);
    assert.equal(await exists('/nonexistent/hale-root'), false);
  });
});

test('WaitForFirstConsumer: nothing until a node is selected; hale/local then provisions on that node only', async () => {
  await withRoot(async (root) => {
    await withStorage(
      (ctx) => [new PersistentVolumeBinder(ctx), new ProvisioningController(ctx, new LocalProvisioner({ nodeName: 'n1', defaultRoot: join(root, 'n1') })), new ProvisioningController(ctx, new LocalProvisioner({ nodeName: 'n2', defaultRoot: join(root, 'n2') }))],
      async (b) => {
        await b.client.create(STORAGECLASSES, '', storageClass('local', 'hale/local', { mode: 'WaitForFirstConsumer' }));
        await b.client.create(PVCS, 'default', claim('data', { cls: 'local' }));
        await b.until('WaitForFirstConsumer', async () => (await b.events()).some((e) => e.reason === 'WaitForFirstConsumer'));
        assert.equal((await b.list(PVS)).length, 0);
        const c = (await getPvc(b, 'data'))!;
        await b.client.patch(PVCS, 'default', 'data', 'merge', { metadata: { annotations: { [ANN_SELECTED_NODE]: 'n2' } } });
        await b.until('claim bound', async () => phase(await getPvc(b, 'data')) === 'Bound');
        const pv = (await getPv(b, `pvc-${c.metadata.uid}`))!;
        const path = (pv.spec as { csi: { volumeAttributes: { path: string } } }).csi.volumeAttributes.path;
        assert.ok(path.startsWith(join(root, 'n2')), path);
        assert.deepEqual((pv.spec as { nodeAffinity: unknown }).nodeAffinity, { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] } });
        assert.equal(await exists(join(root, 'n1')), false, 'the other node made nothing');
      },
    );
  });
});

test('a static volume with reclaim Delete and no provisioner fails on release; nothing is deleted', async () => {
  await withStorage((ctx) => [new PersistentVolumeBinder(ctx)], async (b) => {
    await b.client.create(PVS, '', hostPathVolume('static', { reclaim: 'Delete' }));
    await b.client.create(PVCS, 'default', claim('data'));
    await b.until('claim bound', async () => phase(await getPvc(b, 'data')) === 'Bound');
    // No pvc-protection controller here: remove the finalizer as it would.
    await b.client.patch(PVCS, 'default', 'data', 'merge', { metadata: { finalizers: null } });
    await b.client.delete(PVCS, 'default', 'data');
    await b.until('volume Failed', async () => phase(await getPv(b, 'static')) === 'Failed');
    assert.ok((await b.events()).some((e) => e.reason === 'VolumeFailedDelete'));
  });
});

test('a volume deleted while Bound waits for its claim (pv-protection); the claim loses it only after', async () => {
  await withStorage((ctx) => [new PersistentVolumeBinder(ctx), new PvProtectionController(ctx)], async (b) => {
    await b.client.create(PVS, '', hostPathVolume('pv1'));
    await b.client.create(PVCS, 'default', claim('data'));
    await b.until('claim bound', async () => phase(await getPvc(b, 'data')) === 'Bound');
    await b.client.delete(PVS, '', 'pv1');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(await getPv(b, 'pv1'), 'kept while Bound');
    assert.equal(phase(await getPvc(b, 'data')), 'Bound');
  });
});
