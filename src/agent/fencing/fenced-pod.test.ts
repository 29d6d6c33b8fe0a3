// Which pods the node fences.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { isFencedPod } from './fenced-pod.js';

const pod = (extra: Partial<KObject['metadata']>, spec: object = {}): KObject => ({ metadata: { name: 'p', namespace: 'd', ...extra }, spec: { containers: [{ name: 'c' }], ...spec } });

test('fenced pods: a StatefulSet controller, or any claim (RWO cannot be told from RWX yet)', () => {
  assert.equal(isFencedPod(pod({})), false);
  assert.equal(isFencedPod(pod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 's', uid: 'u', controller: true }] })), true);
  assert.equal(isFencedPod(pod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 's', uid: 'u' }] })), false, 'not the controller');
  assert.equal(isFencedPod(pod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 's', uid: 'u', controller: true }] })), false);
  assert.equal(isFencedPod(pod({}, { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-0' } }] })), true);
  assert.equal(isFencedPod(pod({}, { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: {} } }] })), true);
  assert.equal(isFencedPod(pod({}, { volumes: [{ name: 'tmp', emptyDir: {} }] })), false);
});
