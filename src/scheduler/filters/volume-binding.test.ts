// VolumeBinding: claims decide nodes (missing, deleting, unbound Immediate,
// bound volumes' node affinity, WaitForFirstConsumer static volumes and
// provisioning, simulated nodes for hale/local) and what gets written for a
// WaitForFirstConsumer claim once a node is chosen.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../api/object.js';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod } from '../testing/fixtures.js';
import { claimBindings, volumeBindingFilter, type VolumeLookup } from './volume-binding.js';

const claim = (name: string, o: { cls?: string; volumeName?: string; deleting?: boolean } = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: o.cls ?? '', ...(o.volumeName ? { volumeName: o.volumeName } : {}) },
});
const onNode = (n: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [n] }] }] } });
const volume = (name: string, o: { cls?: string; node?: string; phase?: string } = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: o.cls ?? '', hostPath: { path: `/v/${name}` }, ...(o.node ? { nodeAffinity: onNode(o.node) } : {}) },
  status: { phase: o.phase ?? 'Available' },
});
const sc = (name: string, provisioner: string, mode: string): KObject => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode: mode } as KObject);

function lookup(claims: KObject[], volumes: KObject[], classes: KObject[]): VolumeLookup {
  return {
    claim: (ns, n) => claims.find((c) => c.metadata.name === n && c.metadata.namespace === ns),
    volume: (n) => volumes.find((v) => v.metadata.name === n),
    volumes: () => volumes,
    storageClass: (n) => classes.find((c) => c.metadata.name === n),
  };
}

const usingClaim = (c: string): KObject => pod('p', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: c } }] } });
const snapshot = new Snapshot([node('n1'), node('n2'), node('sim', { labels: { 'hale.dev/simulated': 'true' } })], []);
const classes = [sc('local', 'hale/local', 'WaitForFirstConsumer'), sc('shared', 'hale/shared', 'Immediate'), sc('manual', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer')];

test('VolumeBinding: missing, deleting and unbound Immediate claims reject every node', () => {
  const l = lookup([claim('gone', { deleting: true }), claim('pending', { cls: 'shared' })], [], classes);
  const f = volumeBindingFilter(l);
  assert.equal(filterReason(f, usingClaim('nope'), snapshot, 'n1'), 'persistentvolumeclaim "nope" not found');
  assert.equal(filterReason(f, usingClaim('gone'), snapshot, 'n1'), 'persistentvolumeclaim "gone" is being deleted');
  assert.equal(filterReason(f, usingClaim('pending'), snapshot, 'n2'), 'pod has unbound immediate PersistentVolumeClaims');
  assert.equal(filterReason(f, pod('plain'), snapshot, 'n1'), 'skip');
});

test('VolumeBinding: a bound volume with node affinity pins its pods to that node', () => {
  const l = lookup([claim('data', { volumeName: 'pv1' })], [volume('pv1', { node: 'n2', phase: 'Bound' })], classes);
  const f = volumeBindingFilter(l);
  assert.equal(filterReason(f, usingClaim('data'), snapshot, 'n1'), 'node(s) had volume node affinity conflict');
  assert.equal(filterReason(f, usingClaim('data'), snapshot, 'n2'), 'fits');
});

test('VolumeBinding: WaitForFirstConsumer — hale/local provisions on real nodes only; a static local volume only where it lives', () => {
  const f = volumeBindingFilter(lookup([claim('scratch', { cls: 'local' })], [], classes));
  assert.equal(filterReason(f, usingClaim('scratch'), snapshot, 'n1'), 'fits');
  assert.equal(filterReason(f, usingClaim('scratch'), snapshot, 'sim'), "node(s) didn't find available persistent volumes to bind");
  const l = lookup([claim('disk', { cls: 'manual' })], [volume('d2', { cls: 'manual', node: 'n2' })], classes);
  const g = volumeBindingFilter(l);
  assert.equal(filterReason(g, usingClaim('disk'), snapshot, 'n1'), "node(s) didn't find available persistent volumes to bind");
  assert.equal(filterReason(g, usingClaim('disk'), snapshot, 'n2'), 'fits');
  const n2 = snapshot.nodeInfo('n2')!;
  const [b] = claimBindings(usingClaim('disk'), n2, l);
  assert.equal(b?.kind, 'volume');
  const [p] = claimBindings(usingClaim('scratch'), n2, lookup([claim('scratch', { cls: 'local' })], [], classes));
  assert.deepEqual(p && p.kind === 'provision' ? p.node : undefined, 'n2');
});
