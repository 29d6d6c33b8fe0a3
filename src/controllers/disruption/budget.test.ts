import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { buildDisruptedPodMap, countHealthyPods, disruptionsAllowed, expectedAndDesired } from './budget.js';
import { scaledValue } from '../../machinery/intstr.js';
import { expectedScale, type ScaleLookup } from './expected-scale.js';
import { labelSelectorString } from './selector-string.js';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function pod(name: string, o: { ready?: boolean; deleting?: boolean; owner?: { kind: string; name: string; uid: string } } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ...(o.deleting ? { deletionTimestamp: iso(T0) } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...o.owner, controller: true }] } : {}),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

test('percentages round up; minAvailable as an int counts the matching pods', () => {
  assert.equal(scaledValue('50%', 3, true), 2);
  assert.equal(scaledValue('34%', 3, true), 2);
  assert.equal(scaledValue('0%', 3, true), 0);
  assert.equal(scaledValue(5, 3, true), 5);
  assert.throws(() => scaledValue('5', 3, true), /string is not a percentage/);
  assert.deepEqual(expectedAndDesired({ minAvailable: 2 }, 7, () => assert.fail('no scale for an int')), { expected: 7, desired: 2 });
  assert.deepEqual(expectedAndDesired({ minAvailable: '50%' }, 7, () => 3), { expected: 3, desired: 2 });
  assert.deepEqual(expectedAndDesired({ maxUnavailable: '25%' }, 7, () => 4), { expected: 4, desired: 3 });
  assert.deepEqual(expectedAndDesired({ maxUnavailable: 9 }, 7, () => 4), { expected: 4, desired: 0 });
  assert.equal(disruptionsAllowed(3, 2, 3), 1);
  assert.equal(disruptionsAllowed(3, 2, 0), 0, 'nothing expected: nothing allowed');
  assert.equal(disruptionsAllowed(1, 2, 3), 0);
});

test('healthy pods are Ready, not deleting, and not recently evicted', () => {
  const pods = [pod('a'), pod('b', { ready: false }), pod('c', { deleting: true }), pod('d')];
  assert.equal(countHealthyPods(pods, {}, T0), 2);
  assert.equal(countHealthyPods(pods, { d: iso(T0) }, T0 + 119_000), 1);
  assert.equal(countHealthyPods(pods, { d: iso(T0) }, T0 + 120_000), 2);
});

test('disruptedPods: kept until 2 minutes have passed, dropped once the pod is deleting or gone', () => {
  const pods = [pod('a'), pod('b', { deleting: true })];
  const recorded = { a: iso(T0), b: iso(T0), gone: iso(T0) };
  const fresh = buildDisruptedPodMap(pods, recorded, T0 + 120_000);
  assert.deepEqual(fresh.kept, { a: iso(T0) });
  assert.equal(fresh.recheckAt, T0 + 120_000);
  assert.deepEqual(fresh.expired, []);
  const late = buildDisruptedPodMap(pods, recorded, T0 + 120_001);
  assert.deepEqual(late.kept, {});
  assert.deepEqual(late.expired.map((p) => p.metadata.name), ['a']);
});

test('expected scale: a Deployment counted once for all its ReplicaSets; a missing controller is an error', () => {
  const objects: Record<string, KObject> = {
    'rs/a': { metadata: { name: 'a', uid: 'rs-a', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'dep', controller: true }] }, spec: { replicas: 1 } },
    'rs/b': { metadata: { name: 'b', uid: 'rs-b', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'dep', controller: true }] }, spec: { replicas: 2 } },
    'deploy/d': { metadata: { name: 'd', uid: 'dep' }, spec: { replicas: 5 } },
    'ss/s': { metadata: { name: 's', uid: 'ss' }, spec: { replicas: 3 } },
  };
  const lookup: ScaleLookup = {
    replicaSet: (_ns, n) => objects[`rs/${n}`],
    deployment: (_ns, n) => objects[`deploy/${n}`],
    statefulSet: (_ns, n) => objects[`ss/${n}`],
  };
  const pods = [
    pod('p1', { owner: { kind: 'ReplicaSet', name: 'a', uid: 'rs-a' } }),
    pod('p2', { owner: { kind: 'ReplicaSet', name: 'b', uid: 'rs-b' } }),
    pod('p3', { owner: { kind: 'StatefulSet', name: 's', uid: 'ss' } }),
    pod('lonely'),
  ];
  assert.deepEqual(expectedScale(pods, lookup), { expected: 8, unmanaged: ['lonely'] });
  assert.throws(() => expectedScale([pod('x', { owner: { kind: 'ReplicaSet', name: 'a', uid: 'other-uid' } })], lookup), { message: 'found no controllers for pod "x"' });
  assert.throws(() => expectedScale([pod('y', { owner: { kind: 'Widget', name: 'w', uid: 'w' } })], lookup), { message: 'no matches for kind "Widget" in version "apps/v1"' });
});

test('selectors print as Go prints a *LabelSelector', () => {
  assert.equal(
    labelSelectorString({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }] }),
    '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}',
  );
});
