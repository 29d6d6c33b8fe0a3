// VolumeBinding: claims decide nodes — missing, Lost, deleting, ephemeral
// not owned, unbound Immediate (all PreFilter rejections), bound volumes'
// node affinity and missing volumes, WaitForFirstConsumer static volumes
// (smallest fit, access modes, selector, volume mode, one volume per claim)
// and provisioning (no-provisioner, allowedTopologies, hale/local on
// simulated nodes, a selected node already chosen) — and the messages a
// whole attempt then prints.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../api/object.js';
import { schedulePod } from '../schedule.js';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod } from '../testing/fixtures.js';
import { findPodVolumes, getPodVolumeClaims, type VolumeLookup } from '../volumes/pod-volumes.js';
import { claim, claimVolumes, lookupOf, storageClass, volume } from '../volumes/testing.js';
import { volumeBindingFilter } from './volume-binding.js';

const snapshot = new Snapshot([node('n1', { labels: { zone: 'a' } }), node('n2', { labels: { zone: 'b' } }), node('sim', { labels: { 'hale/simulated': 'true', zone: 'a' } })], []);
const classes = [
  storageClass('local', 'hale/local', 'WaitForFirstConsumer'),
  storageClass('shared', 'hale/shared', 'Immediate'),
  storageClass('manual', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer'),
  storageClass('zoned', 'hale/shared', 'WaitForFirstConsumer', { allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['b'] }] }] }),
];
const using = (...claims: string[]): KObject => pod('p', { spec: claimVolumes(...claims) });
const reasonsOn = (l: VolumeLookup, p: KObject): Record<string, string> =>
  Object.fromEntries(['n1', 'n2', 'sim'].map((n) => [n, filterReason(volumeBindingFilter(l), p, snapshot, n)]));
const everywhere = (r: string): Record<string, string> => ({ n1: r, n2: r, sim: r });
const BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";

test('PreFilter: missing, Lost, deleting and unbound Immediate claims reject every node; no claims skips', () => {
  const l = lookupOf(
    [claim('gone', { deleting: true }), claim('pending', { cls: 'shared' }), claim('lost', { volumeName: 'pv-x', phase: 'Lost', bound: true }), claim('prebound', { cls: 'local', volumeName: 'pv-y' }), claim('nocls')],
    [],
    classes,
  );
  assert.deepEqual(reasonsOn(l, using('nope')), everywhere('persistentvolumeclaim "nope" not found'));
  assert.deepEqual(reasonsOn(l, using('gone')), everywhere('persistentvolumeclaim "gone" is being deleted'));
  assert.deepEqual(reasonsOn(l, using('lost')), everywhere('persistentvolumeclaim "lost" bound to non-existent persistentvolume "pv-x"'));
  assert.deepEqual(reasonsOn(l, using('pending')), everywhere('pod has unbound immediate PersistentVolumeClaims'));
  // a claim naming a volume the PV controller has not finished binding, and a claim without a class, are "immediate"
  assert.deepEqual(reasonsOn(l, using('prebound')), everywhere('pod has unbound immediate PersistentVolumeClaims'));
  assert.deepEqual(reasonsOn(l, using('nocls')), everywhere('pod has unbound immediate PersistentVolumeClaims'));
  assert.deepEqual(reasonsOn(l, pod('plain')), everywhere('skip'));
});

test('PreFilter: generic ephemeral volumes use <pod>-<volume> and must be owned by the pod', () => {
  const p = pod('web', { spec: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }] } });
  assert.deepEqual(reasonsOn(lookupOf([], [], classes), p), everywhere('waiting for ephemeral volume controller to create the persistentvolumeclaim "web-scratch"'));
  const foreign = lookupOf([claim('web-scratch', { cls: 'local', ownerUid: 'someone-else' })], [], classes);
  assert.deepEqual(reasonsOn(foreign, p), everywhere('PVC default/web-scratch was not created for pod default/web (pod is not owner)'));
  const owned = lookupOf([claim('web-scratch', { cls: 'local', ownerUid: 'uid-web' })], [], classes);
  assert.deepEqual(reasonsOn(owned, p), { n1: 'fits', n2: 'fits', sim: BIND_CONFLICT });
});

test('bound claims: the volume node affinity pins the pod; a missing volume rejects every node', () => {
  const l = lookupOf([claim('data', { volumeName: 'pv1', bound: true }), claim('orphan', { volumeName: 'pv-gone', bound: true })], [volume('pv1', { node: 'n2', claimRef: { name: 'data' } })], classes);
  assert.deepEqual(reasonsOn(l, using('data')), { n1: 'node(s) had volume node affinity conflict', n2: 'fits', sim: 'node(s) had volume node affinity conflict' });
  assert.deepEqual(reasonsOn(l, using('orphan')), everywhere('node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)'));
});

test('WaitForFirstConsumer, static volumes: only where a fitting Available volume accepts the node; the smallest fit wins', () => {
  const vols = [
    volume('big-n1', { cls: 'manual', node: 'n1', size: '10Gi' }),
    volume('small-n1', { cls: 'manual', node: 'n1', size: '2Gi' }),
    volume('tiny-n1', { cls: 'manual', node: 'n1', size: '1Gi' }),
    volume('rwx-n2', { cls: 'manual', node: 'n2', size: '5Gi', modes: ['ReadWriteOnce', 'ReadWriteMany'] }),
    volume('taken-n2', { cls: 'manual', node: 'n2', size: '5Gi', claimRef: { name: 'other', uid: 'uid-other' } }),
    volume('block-n2', { cls: 'manual', node: 'n2', size: '5Gi', volumeMode: 'Block' }),
  ];
  const l = lookupOf([claim('disk', { cls: 'manual', size: '2Gi' }), claim('shared-disk', { cls: 'manual', size: '2Gi', modes: ['ReadWriteMany'] })], vols, classes);
  assert.deepEqual(reasonsOn(l, using('disk')), { n1: 'fits', n2: 'fits', sim: BIND_CONFLICT });
  const n1 = snapshot.nodeInfo('n1')!;
  const n2 = snapshot.nodeInfo('n2')!;
  const pick = (p: KObject, n: typeof n1): string[] => findPodVolumes(getPodVolumeClaims(p, l), n, l).volumes.staticBindings.map((b) => b.pv.metadata.name ?? '');
  assert.deepEqual(pick(using('disk'), n1), ['small-n1']);
  assert.deepEqual(pick(using('disk'), n2), ['rwx-n2']);
  // access modes must be covered: only the RWX volume serves the RWX claim
  assert.deepEqual(reasonsOn(l, using('shared-disk')), { n1: BIND_CONFLICT, n2: 'fits', sim: BIND_CONFLICT });
});

test('WaitForFirstConsumer: two claims of one pod never get the same volume', () => {
  const l = lookupOf([claim('a', { cls: 'manual' }), claim('b', { cls: 'manual' })], [volume('only', { cls: 'manual', node: 'n1' })], classes);
  assert.equal(filterReason(volumeBindingFilter(l), using('a', 'b'), snapshot, 'n1'), BIND_CONFLICT);
  const l2 = lookupOf([claim('a', { cls: 'manual' }), claim('b', { cls: 'manual' })], [volume('one', { cls: 'manual', node: 'n1' }), volume('two', { cls: 'manual', node: 'n1' })], classes);
  assert.equal(filterReason(volumeBindingFilter(l2), using('a', 'b'), snapshot, 'n1'), 'fits');
});

test('WaitForFirstConsumer, a claim selector and volume mode narrow the static volumes', () => {
  const vols = [volume('fast', { cls: 'manual', node: 'n1', labels: { tier: 'fast' } }), volume('slow', { cls: 'manual', node: 'n2', labels: { tier: 'slow' } })];
  const l = lookupOf([claim('c', { cls: 'manual', selector: { tier: 'slow' } }), claim('blk', { cls: 'manual', volumeMode: 'Block' })], vols, classes);
  assert.deepEqual(reasonsOn(l, using('c')), { n1: BIND_CONFLICT, n2: 'fits', sim: BIND_CONFLICT });
  assert.deepEqual(reasonsOn(l, using('blk')), everywhere(BIND_CONFLICT));
});

test('WaitForFirstConsumer, provisioning: allowedTopologies, hale/local never on simulated nodes, a selected node already chosen', () => {
  const l = lookupOf([claim('scratch', { cls: 'local' }), claim('z', { cls: 'zoned' }), claim('chosen', { cls: 'local', annotations: { 'volume.kubernetes.io/selected-node': 'n2' } })], [], classes);
  assert.deepEqual(reasonsOn(l, using('scratch')), { n1: 'fits', n2: 'fits', sim: BIND_CONFLICT });
  assert.deepEqual(reasonsOn(l, using('z')), { n1: BIND_CONFLICT, n2: 'fits', sim: BIND_CONFLICT });
  assert.deepEqual(reasonsOn(l, using('chosen')), { n1: BIND_CONFLICT, n2: 'fits', sim: BIND_CONFLICT });
  const n2 = snapshot.nodeInfo('n2')!;
  const v = findPodVolumes(getPodVolumeClaims(using('scratch'), l), n2, l).volumes;
  assert.deepEqual(v.dynamicProvisions.map((c) => c.metadata.name), ['scratch']);
  assert.deepEqual(v.staticBindings, []);
});

test('whole attempts: the failure messages kube-scheduler prints', () => {
  const l = lookupOf([claim('pending', { cls: 'shared' }), claim('data', { volumeName: 'pv1', bound: true }), claim('scratch', { cls: 'manual' })], [volume('pv1', { node: 'gone', claimRef: { name: 'data' } })], classes);
  const attempt = (p: KObject): string => {
    const r = schedulePod(p, snapshot, { extraFilters: [volumeBindingFilter(l)] });
    return r.ok ? `bound to ${r.nodeName}` : r.message;
  };
  assert.equal(attempt(using('pending')), '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  assert.equal(attempt(using('data')), '0/3 nodes are available: 3 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  assert.equal(attempt(using('scratch')), "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  assert.equal(attempt(using('data', 'scratch')), "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind, 3 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
});
