// Storage rows: bound and pending claims, volumes (released, terminating),
// the default storage class, volume attachments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import {
  accessModesString,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
  volumeAttachmentPrinter,
} from './storage.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

test('access modes print in Kubernetes order, once each', () => {
  assert.equal(accessModesString(['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany']), 'RWO,ROX,RWX,RWOP');
  assert.equal(accessModesString(undefined), '');
});

test('persistent volume columns and a bound volume', () => {
  assert.deepEqual(
    persistentVolumePrinter.columns.map((c) => (c.priority ? `${c.name}*` : c.name)),
    ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode*'],
  );
  const pv: KObject = {
    metadata: { name: 'pv-1', creationTimestamp: ago(86400) },
    spec: {
      capacity: { storage: '10240Mi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data-db-0' },
      storageClassName: 'local',
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(persistentVolumePrinter.cells(pv, NOW), ['pv-1', '10Gi', 'RWO', 'Retain', 'Bound', 'default/data-db-0', 'local', '<unset>', '', '24h', 'Filesystem']);
});

test('released volume being deleted, beta class annotation wins', () => {
  const pv: KObject = {
    metadata: {
      name: 'pv-2',
      creationTimestamp: ago(120),
      deletionTimestamp: ago(1),
      annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' },
    },
    spec: { capacity: { storage: '500M' }, accessModes: ['ReadOnlyMany', 'ReadWriteMany'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'fast', volumeAttributesClassName: 'gold' },
    status: { phase: 'Failed', reason: 'VolumeFailedDelete' },
  };
  assert.deepEqual(persistentVolumePrinter.cells(pv, NOW), ['pv-2', '500M', 'ROX,RWX', 'Delete', 'Terminating', '', 'legacy', 'gold', 'VolumeFailedDelete', '2m', '<unset>']);
});

test('claims: bound shows capacity and modes, pending shows blanks', () => {
  assert.deepEqual(
    persistentVolumeClaimPrinter.columns.map((c) => (c.priority ? `${c.name}*` : c.name)),
    ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode*'],
  );
  const bound: KObject = {
    metadata: { name: 'data-db-0', creationTimestamp: ago(3600) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local', volumeName: 'pv-1', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1024Mi' } },
  };
  assert.deepEqual(persistentVolumeClaimPrinter.cells(bound, NOW), ['data-db-0', 'Bound', 'pv-1', '1Gi', 'RWO', 'local', '<unset>', '60m', 'Filesystem']);
  const pending: KObject = {
    metadata: { name: 'scratch', creationTimestamp: ago(10) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
    status: { phase: 'Pending' },
  };
  assert.deepEqual(persistentVolumeClaimPrinter.cells(pending, NOW), ['scratch', 'Pending', '', '', '', '', '<unset>', '10s', '<unset>']);
});

test('storage classes: default marker and defaults', () => {
  const sc: KObject = {
    metadata: { name: 'local', creationTimestamp: ago(86400 * 400), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'hale.dev/local-path',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
  assert.deepEqual(storageClassPrinter.cells(sc, NOW), ['local (default)', 'hale.dev/local-path', 'Delete', 'WaitForFirstConsumer', false, '400d']);
  const expandable: KObject = { metadata: { name: 'fast' }, provisioner: 'x', reclaimPolicy: 'Retain', allowVolumeExpansion: true };
  assert.deepEqual(storageClassPrinter.cells(expandable, NOW), ['fast', 'x', 'Retain', 'Immediate', true, '<unknown>']);
});

test('volume attachments', () => {
  const va: KObject = {
    metadata: { name: 'csi-123', creationTimestamp: ago(45) },
    spec: { attacher: 'hale.dev/csi', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } },
    status: { attached: true },
  };
  assert.deepEqual(volumeAttachmentPrinter.cells(va, NOW), ['csi-123', 'hale.dev/csi', 'pv-1', 'node-1', true, '45s']);
  const inline: KObject = { metadata: { name: 'csi-456' }, spec: { attacher: 'a', nodeName: 'n', source: {} } };
  assert.deepEqual(volumeAttachmentPrinter.cells(inline, NOW).slice(2, 5), ['', 'n', false]);
});
