// No false positives: realistic manifests of every kind pass create, a no-op
// update (kubectl apply of the same manifest onto the stored object), a
// status write, and defaulting twice changes nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { RESOURCES, resourceKey } from '../resources.js';
import { rulesFor } from './rules.js';
import { VALID_MANIFESTS } from './valid-manifests.fixture.js';

function stored(key: string, manifest: KObject, i: number): KObject {
  const o = structuredClone(manifest);
  rulesFor(key).applyDefaults(o);
  o.metadata.uid = `uid-${i}`;
  o.metadata.resourceVersion = String(100 + i);
  o.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
  return o;
}

VALID_MANIFESTS.forEach(({ key, obj }, i) => {
  const name = `${key} ${obj.metadata.name ?? obj.metadata.generateName}`;
  test(`valid: ${name} creates, re-applies and updates status cleanly`, () => {
    const rules = rulesFor(key);
    const created = structuredClone(obj);
    rules.applyDefaults(created);
    assert.deepEqual(rules.validateCreate(created).map((e) => e.message), [], 'create');
    const twice = structuredClone(created);
    rules.applyDefaults(twice);
    assert.deepEqual(twice, created, 'defaults are idempotent');

    const old = stored(key, obj, i);
    // kubectl apply of the same manifest: the live object with the manifest's fields applied again.
    const reapplied = structuredClone(old);
    rules.applyDefaults(reapplied);
    assert.deepEqual(rules.validateUpdate(reapplied, old).map((e) => e.message), [], 'no-op update');
    // kubectl replace of the manifest itself: no uid, no creationTimestamp, defaults filled again.
    if (key !== 'services' && key !== 'pods') {
      const replaced = structuredClone(obj);
      rules.applyDefaults(replaced);
      replaced.metadata.resourceVersion = old.metadata.resourceVersion;
      assert.deepEqual(rules.validateUpdate(replaced, old).map((e) => e.message), [], 'replace');
    }
    assert.deepEqual(rules.validateStatusUpdate(structuredClone(old), old).map((e) => e.message), [], 'status write');
  });
});

test('the fixtures cover every resource hale serves', () => {
  const covered = new Set(VALID_MANIFESTS.map((m) => m.key));
  for (const r of RESOURCES) assert.ok(covered.has(resourceKey(r)), resourceKey(r));
});

test('status writes controllers make are accepted', () => {
  const [deploy] = VALID_MANIFESTS.filter((m) => m.key === 'deployments.apps');
  assert.ok(deploy);
  const old = stored('deployments.apps', deploy.obj, 0);
  const next = structuredClone(old);
  next.status = {
    observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3,
    conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2025-01-01T00:00:00Z', lastTransitionTime: '2025-01-01T00:00:00Z' }],
  };
  assert.deepEqual(rulesFor('deployments.apps').validateStatusUpdate(next, old), []);
  const pods = VALID_MANIFESTS.filter((m) => m.key === 'pods');
  const pod = stored('pods', pods[0]!.obj, 1);
  const bound = structuredClone(pod);
  (bound.spec as Record<string, unknown>).nodeName = 'node-1';
  const running = structuredClone(bound);
  running.status = {
    ...(running.status as Record<string, unknown>),
    phase: 'Running', hostIP: '192.168.1.10', hostIPs: [{ ip: '192.168.1.10' }], podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], startTime: '2025-01-01T00:00:01Z',
    conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodReadyToStartContainers', status: 'True' }, { type: 'example.com/ready', status: 'True' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'ghcr.io/example/shop:2.3.1', imageID: '', started: true, state: { running: { startedAt: '2025-01-01T00:00:02Z' } } }],
  };
  assert.deepEqual(rulesFor('pods').validateStatusUpdate(running, bound), []);
});
