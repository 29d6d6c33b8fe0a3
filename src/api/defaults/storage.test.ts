// PV, PVC, StorageClass, Namespace, Secret, EndpointSlice and Node defaults.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from '../validation/rules.js';

function defaulted(key: string, o: KObject): KObject {
  rulesFor(key).applyDefaults(o);
  return o;
}

test('PersistentVolumeClaim and PersistentVolume', () => {
  const pvc = defaulted('persistentvolumeclaims', {
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } },
  });
  assert.deepEqual(pvc.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' });
  assert.deepEqual(pvc.status, { phase: 'Pending' });
  const pv = defaulted('persistentvolumes', {
    metadata: { name: 'pv1' },
    spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
  });
  assert.deepEqual(pv.spec, {
    capacity: { storage: '5Gi' },
    accessModes: ['ReadWriteOnce'],
    hostPath: { path: '/data', type: '' },
    persistentVolumeReclaimPolicy: 'Retain',
    volumeMode: 'Filesystem',
  });
  assert.deepEqual(pv.status, { phase: 'Pending' });
});

test('a PVC dataSource is mirrored into dataSourceRef', () => {
  const pvc = defaulted('persistentvolumeclaims', {
    metadata: { name: 'restore', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, dataSource: { kind: 'PersistentVolumeClaim', name: 'data' } },
  });
  assert.deepEqual((pvc.spec as Record<string, unknown>).dataSourceRef, { kind: 'PersistentVolumeClaim', name: 'data' });
  assert.deepEqual(rulesFor('persistentvolumeclaims').validateCreate(pvc), []);
});

test('a cluster-scoped object loses a stray metadata.namespace', () => {
  const pv = defaulted('persistentvolumes', { metadata: { name: 'pv1', namespace: 'default' }, spec: {} });
  assert.equal(pv.metadata.namespace, undefined);
});

test('StorageClass', () => {
  const sc = defaulted('storageclasses.storage.k8s.io', { metadata: { name: 'shared' }, provisioner: 'hale/shared' });
  assert.equal(sc.reclaimPolicy, 'Delete');
  assert.equal(sc.volumeBindingMode, 'Immediate');
});

test('Namespace: name label, kubernetes finalizer, phase Active — but no finalizer while terminating', () => {
  const ns = defaulted('namespaces', { metadata: { name: 'team-a' } });
  assert.deepEqual(ns, {
    metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  const terminating = defaulted('namespaces', {
    metadata: { name: 'gone', deletionTimestamp: '2025-01-01T00:00:00Z' },
    spec: { finalizers: [] },
    status: { phase: 'Terminating' },
  });
  assert.deepEqual(terminating.spec, { finalizers: [] });
});

test('Secret: type Opaque and stringData folded into data', () => {
  const s = defaulted('secrets', { metadata: { name: 's', namespace: 'default' }, data: { a: 'b2xk' }, stringData: { a: 'new', b: 'x' } });
  assert.deepEqual(s, { metadata: { name: 's', namespace: 'default' }, type: 'Opaque', data: { a: 'bmV3', b: 'eA==' } });
});

test('EndpointSlice ports and Node allocatable', () => {
  const es = defaulted('endpointslices.discovery.k8s.io', { metadata: { name: 'web-1', namespace: 'default' }, addressType: 'IPv4', ports: [{ port: 80 }] });
  assert.deepEqual(es.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  const node = defaulted('nodes', { metadata: { name: 'n1' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } });
  assert.deepEqual((node.status as Record<string, unknown>).allocatable, { cpu: '4', memory: '8Gi', pods: '110' });
});
