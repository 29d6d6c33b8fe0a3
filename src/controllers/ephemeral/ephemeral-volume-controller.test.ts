import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { PODS, PVCS } from '../../client/resources.js';
import { withControllers } from '../../controller/testing/testbed.js';
import { EphemeralVolumeController } from './ephemeral-volume-controller.js';

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'scratch' },
  spec: {
    containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
    volumes: [{ name: 'work', ephemeral: { volumeClaimTemplate: { metadata: { labels: { kind: 'scratch' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '' } } } }],
  },
};

test('an ephemeral volume gets a claim <pod>-<volume> owned by the pod, and it goes with the pod', async () => {
  await withControllers((ctx) => new EphemeralVolumeController(ctx), async (b) => {
    const p = await b.client.create(PODS, 'default', pod);
    await b.until('claim created', async () => (await b.list(PVCS)).length === 1);
    const c = (await b.list(PVCS))[0]!;
    assert.equal(c.metadata.name, 'scratch-work');
    assert.deepEqual(c.metadata.labels, { kind: 'scratch' });
    assert.deepEqual(c.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'scratch', uid: p.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    await b.client.delete(PODS, 'default', 'scratch', { gracePeriodSeconds: 0 });
    await b.until('claim collected with its pod', async () => (await b.list(PVCS)).length === 0);
  });
});
