// Regression tests from the storage review: each failed before its fix.
// Data is deleted only for a claim really gone, for a volume hale made and no
// node holds; a claim binds what it names once that exists, and only if it fits;
// a volume provisioned for a claim that got another one does not leak.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../api/object.js';
import { NODES, PODS, PVCS, PVS, STORAGECLASSES, VOLUMEATTACHMENTS } from '../../client/resources.js';
import { uniqueVolumeName, type PVShape } from '../../api/storage.js';
import { PersistentVolumeBinder } from './pv-binder.js';
import { ProvisioningController } from '../provisioning/provisioning-controller.js';
import { SharedProvisioner } from '../../volumes/shared-provisioner.js';
import { PvcProtectionController } from '../volumeprotection/pvc-protection.js';
import { PvProtectionController } from '../volumeprotection/pv-protection.js';
import { AttachDetachController } from '../attachdetach/attach-detach-controller.js';
import { claim, hostPathVolume, phase, podWithClaim, storageClass, withStorage } from './storage-testing.js';

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);
const specOf = <T>(o: KObject): T => o.spec as T;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-safety-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a claim deleted after its pod was force-deleted: the data stays while its node still has the volume attached and in use', async () => {
  await withDir(async (root) => {
    await withStorage((ctx) => [new PersistentVolumeBinder(ctx), new ProvisioningController(ctx, new SharedProvisioner()), new PvcProtectionController(ctx), new PvProtectionController(ctx), new AttachDetachController(ctx)], async (b) => {
      await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
      await b.client.create(STORAGECLASSES, '', storageClass('shared', 'hale/shared', { root }));
      await b.client.create(PVCS, 'default', claim('data', { cls: 'shared' }));
      await b.until('bound', async () => phase(await b.client.get(PVCS, 'default', 'data')) === 'Bound');
      const pv = await b.client.get(PVS, '', specOf<{ volumeName: string }>(await b.client.get(PVCS, 'default', 'data')).volumeName);
      const path = specOf<{ csi: { volumeAttributes: { path: string } } }>(pv).csi.volumeAttributes.path;
      await b.client.create(PODS, 'default', podWithClaim('app', 'data'));
      await b.setPodStatus('default', 'app', { phase: 'Running', nodeName: 'n1' });
      await b.until('attached', async () => (await b.list(VOLUMEATTACHMENTS)).some((va) => (va.status as { attached?: boolean } | undefined)?.attached));
      const n = await b.client.get(NODES, '', 'n1');
      await b.client.update(NODES, { ...n, status: { ...((n.status ?? {}) as object), volumesInUse: [uniqueVolumeName(pv as PVShape)] } }, 'status');
      await writeFile(join(path, 'db'), 'rows');
      await b.client.delete(PODS, 'default', 'app', { gracePeriodSeconds: 0 });
      await b.client.delete(PVCS, 'default', 'data');
      await b.until('claim gone', async () => !(await b.client.get(PVCS, 'default', 'data').catch(() => undefined)));
      await b.until('VolumeFailedDelete: still attached', async () => (await b.events('')).concat(await b.events()).some((e) => e.reason === 'VolumeFailedDelete' && /still attached to node n1/.test(e.message)));
      assert.equal((await b.list(VOLUMEATTACHMENTS)).length, 1, 'still attached to n1');
      assert.ok(await exists(join(path, 'db')), 'data kept while attached and in use');
    });
  });
});

test('a hostPath volume annotated provisioned-by hale/shared keeps its directory', async () => {
  await withDir(async (dir) => {
    const important = join(dir, 'important-data');
    await mkdir(important);
    await writeFile(join(important, 'f'), 'x');
    await withStorage((ctx) => [new PersistentVolumeBinder(ctx), new ProvisioningController(ctx, new SharedProvisioner()), new PvcProtectionController(ctx)], async (b) => {
      await b.client.create(PVS, '', {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'data', annotations: { 'pv.kubernetes.io/provisioned-by': 'hale/shared' } },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: '', hostPath: { path: important } },
      });
      await b.client.create(PVCS, 'default', claim('c'));
      await b.until('bound', async () => phase(await b.client.get(PVCS, 'default', 'c')) === 'Bound');
      await b.client.delete(PVCS, 'default', 'c');
      await b.until('released', async () => ['Released', 'Failed'].includes(phase(await b.client.get(PVS, '', 'data')) ?? ''));
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(await exists(join(important, 'f')));
    });
  });
});

test('a volume provisioned for a claim that got bound elsewhere is released and reclaimed, not leaked', async () => {
  await withDir(async (root) => {
    await withStorage((ctx) => [new PersistentVolumeBinder(ctx), new ProvisioningController(ctx, new SharedProvisioner()), new PvProtectionController(ctx)], async (b) => {
      await b.client.create(STORAGECLASSES, '', storageClass('shared', 'hale/shared', { root }));
      await b.client.create(PVS, '', hostPathVolume('static', { cls: 'shared' }));
      await b.client.create(PVCS, 'default', claim('data', { cls: 'shared' }));
      await b.until('bound to static', async () => specOf<{ volumeName?: string }>(await b.client.get(PVCS, 'default', 'data')).volumeName === 'static');
      // Whether the provisioner raced the binder or not, no pvc-<uid> volume may stay behind.
      const c = await b.client.get(PVCS, 'default', 'data');
      const pvName = `pvc-${c.metadata.uid}`;
      await new Promise((r) => setTimeout(r, 300));
      await b.until('no leaked volume', async () => !(await b.client.get(PVS, '', pvName).catch(() => undefined)));
      assert.equal(await exists(join(root, `default-data-${pvName}`)), false);
    });
  });
});

test('a claim naming a volume binds once that volume is created, and not to one too small', async () => {
  await withStorage((ctx) => [new PersistentVolumeBinder(ctx)], async (b) => {
    await b.client.create(PVCS, 'default', claim('data', { volumeName: 'later' }));
    await new Promise((r) => setTimeout(r, 100));
    await b.client.create(PVS, '', hostPathVolume('later'));
    await b.until('claim bound', async () => phase(await b.client.get(PVCS, 'default', 'data')) === 'Bound');

    await b.client.create(PVS, '', hostPathVolume('small', { size: '1Gi' }));
    await b.until('pv Available', async () => phase(await b.client.get(PVS, '', 'small')) === 'Available');
    await b.client.create(PVCS, 'default', claim('big', { size: '10Gi', volumeName: 'small' }));
    await b.until('VolumeMismatch', async () => (await b.events()).some((e) => e.reason === 'VolumeMismatch' && e.message === 'Cannot bind to requested volume "small": requested PV is too small'));
    assert.notEqual(phase(await b.client.get(PVCS, 'default', 'big')), 'Bound');
  });
});
