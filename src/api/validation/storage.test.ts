// PersistentVolumeClaim, PersistentVolume, StorageClass and VolumeAttachment rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from './rules.js';

type Body = Record<string, unknown>;

function obj(key: string, body: Body, namespaced = true): KObject {
  const o = { metadata: { name: 'x', ...(namespaced ? { namespace: 'default' } : {}), uid: 'u' }, ...body } as KObject;
  rulesFor(key).applyDefaults(o);
  return o;
}

function errs(key: string, body: Body, namespaced = true): string[] {
  return rulesFor(key).validateCreate(obj(key, body, namespaced)).map((e) => e.message);
}

const claim = (spec: Body = {}): Body => ({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec } });

test('PVC: access modes and storage request required and valid', () => {
  assert.deepEqual(errs('persistentvolumeclaims', claim()), []);
  assert.deepEqual(errs('persistentvolumeclaims', { spec: { resources: { requests: { storage: '1Gi' } } } }), ['spec.accessModes: Required value: at least 1 access mode is required']);
  assert.deepEqual(errs('persistentvolumeclaims', claim({ accessModes: ['ReadWriteAlways'] })), [
    'spec.accessModes: Unsupported value: "ReadWriteAlways": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
  ]);
  assert.deepEqual(errs('persistentvolumeclaims', claim({ accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'] })), ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']);
  assert.deepEqual(errs('persistentvolumeclaims', claim({ resources: {} })), ['spec.resources[storage]: Required value']);
  assert.deepEqual(errs('persistentvolumeclaims', claim({ resources: { requests: { storage: '0' } } })), ['spec.resources[storage]: Invalid value: "0": must be greater than zero']);
  assert.deepEqual(errs('persistentvolumeclaims', claim({ storageClassName: 'Fast' })).length, 1);
});

test('PVC update: spec immutable except growing a bound claim and binding volumeName once', () => {
  const old = obj('persistentvolumeclaims', claim());
  const bound = structuredClone(old);
  (bound.spec as Body).volumeName = 'pv-1';
  assert.deepEqual(rulesFor('persistentvolumeclaims').validateUpdate(bound, old), []);
  const grown = obj('persistentvolumeclaims', claim({ resources: { requests: { storage: '2Gi' } } }));
  const msgs = rulesFor('persistentvolumeclaims').validateUpdate(grown, old).map((e) => e.message);
  assert.equal(msgs.length, 1);
  assert.ok(msgs[0]?.startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));
  const oldBound = structuredClone(old);
  oldBound.status = { phase: 'Bound', capacity: { storage: '1Gi' } };
  const grownBound = structuredClone(grown);
  grownBound.status = oldBound.status;
  assert.deepEqual(rulesFor('persistentvolumeclaims').validateUpdate(grownBound, oldBound), []);
  const block = obj('persistentvolumeclaims', claim({ volumeMode: 'Block' }));
  assert.ok(rulesFor('persistentvolumeclaims').validateUpdate(block, old).map((e) => e.message).includes('volumeMode: Invalid value: "Block": field is immutable'));
});

const volume = (spec: Body = {}): Body => ({ spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/pv1' }, ...spec } });

test('PV: capacity, access modes, exactly one source, reclaim policy', () => {
  assert.deepEqual(errs('persistentvolumes', volume(), false), []);
  assert.deepEqual(errs('persistentvolumes', volume({ nfs: { server: 'nfs', path: '/x' } }), false), ['spec.nfs: Forbidden: may not specify more than 1 volume type']);
  assert.deepEqual(errs('persistentvolumes', { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, false), ['spec: Required value: must specify a volume type']);
  assert.deepEqual(errs('persistentvolumes', volume({ persistentVolumeReclaimPolicy: 'Keep' }), false), [
    'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
  ]);
  assert.deepEqual(errs('persistentvolumes', volume({ hostPath: undefined, local: { path: '/mnt/disk' } }), false), ['spec.nodeAffinity: Required value: Local volume requires node affinity']);
  assert.deepEqual(errs('persistentvolumes', volume({ capacity: {} }), false), [
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: core.ResourceList{}: supported values: "storage"',
  ]);
});

test('PV update: the source and volumeMode are immutable', () => {
  const old = obj('persistentvolumes', volume(), false);
  const moved = obj('persistentvolumes', volume({ hostPath: { path: '/srv/other' } }), false);
  const msgs = rulesFor('persistentvolumes').validateUpdate(moved, old).map((e) => e.message);
  assert.equal(msgs.length, 1);
  assert.ok(msgs[0]?.startsWith('spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n'));
  const claimed = structuredClone(old);
  (claimed.spec as Body).claimRef = { namespace: 'default', name: 'data', uid: 'c1' };
  (claimed.spec as Body).persistentVolumeReclaimPolicy = 'Delete';
  assert.deepEqual(rulesFor('persistentvolumes').validateUpdate(claimed, old), []);
});

test('StorageClass: provisioner required, immutable with parameters', () => {
  assert.deepEqual(errs('storageclasses.storage.k8s.io', { provisioner: 'hale/shared' }, false), []);
  assert.deepEqual(errs('storageclasses.storage.k8s.io', {}, false), ['provisioner: Required value']);
  assert.deepEqual(errs('storageclasses.storage.k8s.io', { provisioner: 'x', volumeBindingMode: 'Later' }, false), [
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
  const old = obj('storageclasses.storage.k8s.io', { provisioner: 'hale/shared', parameters: { root: '/a' } }, false);
  const next = obj('storageclasses.storage.k8s.io', { provisioner: 'hale/local', parameters: { root: '/b' } }, false);
  assert.deepEqual(rulesFor('storageclasses.storage.k8s.io').validateUpdate(next, old).map((e) => e.message), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
  ]);
});

test('VolumeAttachment: exactly one source; spec immutable', () => {
  const va = { spec: { attacher: 'hale.local', nodeName: 'n1', source: { persistentVolumeName: 'pv1' } } };
  assert.deepEqual(errs('volumeattachments.storage.k8s.io', va, false), []);
  assert.deepEqual(errs('volumeattachments.storage.k8s.io', { spec: { attacher: 'hale.local', nodeName: 'n1', source: {} } }, false), [
    'spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
  ]);
  const old = obj('volumeattachments.storage.k8s.io', va, false);
  const next = structuredClone(old);
  (next.spec as Body).nodeName = 'n2';
  const msgs = rulesFor('volumeattachments.storage.k8s.io').validateUpdate(next, old).map((e) => e.message);
  assert.equal(msgs.length, 1);
  assert.ok(msgs[0]?.startsWith('spec: Invalid value: storage.VolumeAttachmentSpec{') && msgs[0].endsWith(': field is immutable'));
  const attached = structuredClone(old);
  attached.status = { attached: true };
  assert.deepEqual(rulesFor('volumeattachments.storage.k8s.io').validateStatusUpdate(attached, old), []);
});
