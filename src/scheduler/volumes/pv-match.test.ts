// FindMatchingVolume in both of its callers' modes, and GetBindVolumeToClaim.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindVolumeToClaim, findMatchingVolume, volumeAcceptsNode } from './pv-match.js';
import { claim, volume } from './testing.js';

const name = (v: { metadata: { name?: string } } | undefined): string | undefined => v?.metadata.name;

test('PV controller path (no node): smallest fitting Available volume of the class; delayBinding only takes pre-bound ones', () => {
  const c = claim('c', { cls: 'gold', size: '3Gi' });
  const vols = [volume('small', { cls: 'gold', size: '1Gi' }), volume('fits', { cls: 'gold', size: '5Gi' }), volume('snug', { cls: 'gold', size: '3Gi' }), volume('other-class', { cls: 'silver', size: '3Gi' }), volume('released', { cls: 'gold', size: '3Gi', phase: 'Released' })];
  assert.equal(name(findMatchingVolume(c, vols, { delayBinding: false })), 'snug');
  assert.equal(findMatchingVolume(c, vols, { delayBinding: true }), undefined);
  const pre = volume('pre', { cls: 'gold', size: '9Gi', claimRef: { name: 'c', uid: 'uid-c' } });
  assert.equal(name(findMatchingVolume(c, [...vols, pre], { delayBinding: true })), 'pre');
  // a claimRef naming another claim (or another uid) is never a match
  assert.equal(findMatchingVolume(c, [volume('x', { cls: 'gold', size: '3Gi', claimRef: { name: 'c', uid: 'older-uid' } })], { delayBinding: false }), undefined);
});

test('scheduler path (node): node affinity and access modes; a pre-bound volume that refuses the node means no match', () => {
  const c = claim('c', { cls: 'gold', modes: ['ReadWriteOnce'] });
  const node = { labels: { 'kubernetes.io/hostname': 'n1' } };
  const vols = [volume('on-n2', { cls: 'gold', node: 'n2' }), volume('rox', { cls: 'gold', node: 'n1', modes: ['ReadOnlyMany'] }), volume('on-n1', { cls: 'gold', node: 'n1', size: '8Gi' })];
  assert.equal(name(findMatchingVolume(c, vols, { node, delayBinding: true })), 'on-n1');
  assert.equal(name(findMatchingVolume(c, vols, { node, delayBinding: true, excluded: new Set(['on-n1']) })), undefined);
  const pre = volume('pre-n2', { cls: 'gold', node: 'n2', claimRef: { name: 'c' } });
  assert.equal(findMatchingVolume(c, [pre, ...vols], { node, delayBinding: true }), undefined);
  assert.equal(volumeAcceptsNode(vols[0]!, node.labels), false);
  assert.equal(volumeAcceptsNode(volume('anywhere'), node.labels), true);
});

test('GetBindVolumeToClaim: the claimRef Kubernetes writes, bound-by-controller, and nothing dirty the second time', () => {
  const c = { ...claim('c', { cls: 'gold' }), metadata: { ...claim('c').metadata, resourceVersion: '42' } };
  const { pv, dirty } = bindVolumeToClaim(volume('v', { cls: 'gold' }), c);
  assert.equal(dirty, true);
  assert.deepEqual((pv.spec as { claimRef?: unknown }).claimRef, { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'c', uid: 'uid-c', apiVersion: 'v1', resourceVersion: '42' });
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  assert.equal(bindVolumeToClaim(pv, c).dirty, false);
  // pre-bound by the user (claimRef without uid): the uid is filled in, but it stays user-bound
  const user = bindVolumeToClaim(volume('u', { claimRef: { name: 'c' } }), c);
  assert.equal(user.dirty, true);
  assert.equal(user.pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
});
