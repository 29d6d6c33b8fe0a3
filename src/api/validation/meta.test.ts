// ObjectMeta rules: names per kind, namespace, labels, annotations,
// finalizers, ownerReferences, and what an update may not change.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from './rules.js';

function create(key: string, o: KObject): string[] {
  const r = rulesFor(key);
  r.applyDefaults(o);
  return r.validateCreate(o).map((e) => e.message);
}

const cm = (metadata: KObject['metadata']): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: {} });

test('name is required unless generateName is set', () => {
  assert.deepEqual(create('configmaps', cm({ namespace: 'default' })), ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(create('configmaps', cm({ generateName: 'cfg-', namespace: 'default' })), []);
});

test('name formats per kind, with field paths and exact messages', () => {
  assert.deepEqual(create('configmaps', cm({ name: 'My_Config', namespace: 'default' })), [
    `metadata.name: Invalid value: "My_Config": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  ]);
  assert.deepEqual(create('namespaces', { metadata: { name: 'team.a' } }), ['metadata.name: Invalid value: "team.a": must not contain dots']);
  const svc = create('services', { metadata: { name: '1web', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  assert.deepEqual(svc, [
    `metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
  ]);
  assert.deepEqual(create('nodes', { metadata: { name: 'node-1.example.com' } }), []);
});

test('namespace is required for namespaced kinds', () => {
  assert.deepEqual(create('configmaps', cm({ name: 'x' })), ['metadata.namespace: Required value']);
});

test('labels and annotations', () => {
  assert.deepEqual(create('configmaps', cm({ name: 'x', namespace: 'default', labels: { app: 'bad value' } })), [
    `metadata.labels: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  ]);
  assert.deepEqual(create('configmaps', cm({ name: 'x', namespace: 'default', labels: { 'a/b/c': 'x' } })).length, 1);
  assert.deepEqual(create('configmaps', cm({ name: 'x', namespace: 'default', annotations: { 'Example.COM/Key': 'v' } })), []);
  assert.deepEqual(create('configmaps', cm({ name: 'x', namespace: 'default', annotations: { big: 'x'.repeat(256 * 1024) } })), [
    'metadata.annotations: Too long: may not be more than 262144 bytes',
  ]);
});

test('finalizers: qualified names, a bare name must be a standard one', () => {
  assert.deepEqual(create('configmaps', cm({ name: 'x', namespace: 'default', finalizers: ['example.com/cleanup', 'kubernetes'] })), []);
  assert.deepEqual(create('configmaps', cm({ name: 'x', namespace: 'default', finalizers: ['cleanup'] })), [
    'metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(create('configmaps', cm({ name: 'x', namespace: 'default', finalizers: ['orphan', 'foregroundDeletion'] })), [
    'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
  ]);
});

test('ownerReferences', () => {
  const refs = [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: 'u1', controller: true },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: 'u2', controller: true },
    { apiVersion: '', kind: 'X', name: '', uid: '' },
  ];
  const msgs = create('configmaps', cm({ name: 'x', namespace: 'default', ownerReferences: refs }));
  assert.ok(msgs.includes('metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty'));
  assert.ok(msgs.includes('metadata.ownerReferences.name: Invalid value: "": name must not be empty'));
  assert.ok(msgs.includes('metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'));
  assert.ok(msgs.some((m) => m.endsWith('Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b')));
});

test('update: name, namespace and uid are immutable; an empty uid is carried over', () => {
  const old = cm({ name: 'x', namespace: 'default', uid: 'u1', resourceVersion: '5', creationTimestamp: '2025-01-01T00:00:00Z' });
  const r = rulesFor('configmaps');
  r.applyDefaults(old);
  const renamed = structuredClone(old);
  renamed.metadata.name = 'y';
  renamed.metadata.uid = 'u2';
  assert.deepEqual(r.validateUpdate(renamed, old).map((e) => e.message), [
    'metadata.name: Invalid value: "y": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  const replaced = cm({ name: 'x', namespace: 'default' });
  r.applyDefaults(replaced);
  assert.deepEqual(r.validateUpdate(replaced, old), []);
});

test('update: no new finalizers once deleting', () => {
  const old = cm({ name: 'x', namespace: 'default', uid: 'u', deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['example.com/a'] });
  const next = structuredClone(old);
  next.metadata.finalizers = ['example.com/a', 'example.com/b'];
  assert.deepEqual(rulesFor('configmaps').validateUpdate(next, old).map((e) => e.message), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b"}',
  ]);
  next.metadata.finalizers = [];
  assert.deepEqual(rulesFor('configmaps').validateUpdate(next, old), []);
});

test('every resource in the catalogue has rules, and unknown keys get generic ones', () => {
  for (const key of ['pods', 'serviceaccounts', 'events.events.k8s.io', 'something.else']) {
    const r = rulesFor(key);
    assert.equal(typeof r.applyDefaults, 'function');
    assert.equal(typeof r.validateStatusUpdate, 'function');
  }
  assert.deepEqual(create('something.else', { metadata: { name: 'Bad', namespace: 'default' } }).length, 1);
});
