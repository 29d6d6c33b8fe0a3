import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, rmdir, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../api/object.js';
import { NODES, PVCS, PVS, VOLUMEATTACHMENTS } from '../../client/resources.js';
import { openTestbed, type Testbed } from '../../controller/testing/testbed.js';
import { attachmentName, uniqueVolumeName, DRIVER_SHARED } from '../../api/storage.js';
import { VolumeError } from '../pods/volumes.js';
import { ClaimVolumes } from './claim-volumes.js';
import { InUseBook } from './in-use-book.js';

const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'pod-1' }, spec: { containers: [] } };
const vol = { name: 'data', persistentVolumeClaim: { claimName: 'data' } };

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'mounted';
  } catch (err) {
    assert.ok(err instanceof VolumeError, String(err));
    return err.reason;
  }
}

async function setup(fn: (b: Testbed, cv: ClaimVolumes, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-cv-'));
  const b = await openTestbed();
  const cv = new ClaimVolumes({ client: b.client, nodeName: 'n1', book: await InUseBook.open(dir), log: b.log, onAttachmentChange: () => undefined });
  try {
    await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    cv.start(b.recorder);
    await fn(b, cv, dir);
  } finally {
    cv.stop();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('a claim is mounted only once bound, in use on the node, attached here, and its directory is there', async () => {
  await setup(async (b, cv, dir) => {
    assert.equal(await reason(cv.mount(pod, vol)), 'ClaimNotFound');
    await b.client.create(PVCS, 'default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '' } });
    assert.equal(await reason(cv.mount(pod, vol)), 'ClaimNotBound');

    const path = join(dir, 'vol');
    await mkdir(path);
    const pv = await b.client.create(PVS, '', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], csi: { driver: DRIVER_SHARED, volumeHandle: 'pv1', volumeAttributes: { path } } } });
    const c = await b.client.get(PVCS, 'default', 'data');
    const bound = await b.client.update(PVCS, { ...c, spec: { ...(c.spec as object), volumeName: 'pv1' } });
    await b.client.update(PVCS, { ...bound, status: { phase: 'Bound' } }, 'status');
    assert.equal(await reason(cv.mount(pod, vol)), 'VolumeNotAttached');
    const inUse = ((await b.client.get(NODES, '', 'n1')).status as { volumesInUse?: string[] }).volumesInUse;
    assert.deepEqual(inUse, [uniqueVolumeName(pv as never)], 'published before the attachment is checked');

    const va = await b.client.create(VOLUMEATTACHMENTS, '', { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: attachmentName('pv1', DRIVER_SHARED, 'n1') }, spec: { attacher: DRIVER_SHARED, nodeName: 'n1', source: { persistentVolumeName: 'pv1' } } });
    assert.equal(await reason(cv.mount(pod, vol)), 'VolumeNotAttached', 'not attached until status says so');
    await b.client.update(VOLUMEATTACHMENTS, { ...va, status: { attached: true } }, 'status');
    assert.equal(await reason(cv.mount(pod, vol)), 'mounted');

    // Storage failure: the directory vanishes.
    await rmdir(path);
    assert.equal(await reason(cv.mount(pod, vol)), 'VolumeUnavailable');
    await b.until('VolumeUnavailable event on the volume', async () => (await b.events('')).some((e) => e.reason === 'VolumeUnavailable' && e.involved.includes('pv1')) || (await b.events()).some((e) => e.reason === 'VolumeUnavailable'));
    await mkdir(path);
    assert.equal(await reason(cv.mount(pod, vol)), 'mounted', 'recovers once the directory is back');

    await cv.release('pod-1');
    const after = ((await b.client.get(NODES, '', 'n1')).status as { volumesInUse?: string[] }).volumesInUse;
    assert.deepEqual(after ?? [], [], 'released once the pod is cleaned up');
  });
});

test('the in-use record survives an agent restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-book-'));
  try {
    const a = await InUseBook.open(dir);
    await a.add('pod-1', 'kubernetes.io/csi/x^v1');
    const b = await InUseBook.open(dir);
    assert.deepEqual(b.names(), ['kubernetes.io/csi/x^v1']);
    await b.remove('pod-1');
    assert.deepEqual((await InUseBook.open(dir)).names(), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failed save is not remembered: the retry writes, and the entry survives a restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-book-fail-'));
  try {
    const book = await InUseBook.open(dir);
    await mkdir(join(dir, 'volumes-in-use.json')); // the write fails once (EISDIR), as ENOSPC/EIO would
    await assert.rejects(book.add('pod-1', 'kubernetes.io/host-path/pv1'));
    await rmdir(join(dir, 'volumes-in-use.json'));
    await book.add('pod-1', 'kubernetes.io/host-path/pv1');
    assert.deepEqual((await InUseBook.open(dir)).names(), ['kubernetes.io/host-path/pv1']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
