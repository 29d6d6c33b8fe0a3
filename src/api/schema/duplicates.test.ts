// Duplicate keys in raw JSON, reported with the strict decoder's paths, with
// and without the kind's schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaFor } from './kinds.js';
import { findDuplicateFields } from './duplicates.js';
import { MANIFESTS } from './test-manifests.js';

const deploymentSchema = schemaFor('apps/v1', 'Deployment');

test('no duplicates in realistic objects', () => {
  for (const obj of MANIFESTS) {
    const text = JSON.stringify(obj, null, 2);
    assert.deepEqual(findDuplicateFields(text), [], obj.kind);
    assert.deepEqual(findDuplicateFields(text, schemaFor(obj.apiVersion, obj.kind)), [], obj.kind);
  }
});

test('top-level and nested duplicates', () => {
  const text = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}},"data":{"k":"v"},"kind":"ConfigMap"}';
  assert.deepEqual(findDuplicateFields(text), ['duplicate field "metadata.name"', 'duplicate field "metadata.labels.x"', 'duplicate field "kind"']);
  assert.deepEqual(findDuplicateFields(text, schemaFor('v1', 'ConfigMap')), [
    'duplicate field "metadata.name"', 'duplicate field "metadata.labels.x"', 'duplicate field "kind"',
  ]);
});

test('duplicates inside arrays carry the index', () => {
  const text = `{
    "spec": {"template": {"spec": {"containers": [
      {"name": "a", "image": "x"},
      {"name": "b", "image": "x", "image": "y", "ports": [{"containerPort": 1, "containerPort": 2}]}
    ]}}}
  }`;
  const want = [
    'duplicate field "spec.template.spec.containers[1].image"',
    'duplicate field "spec.template.spec.containers[1].ports[0].containerPort"',
  ];
  assert.deepEqual(findDuplicateFields(text), want);
  assert.deepEqual(findDuplicateFields(text, deploymentSchema), want);
});

test('the same duplicate is reported once; keys with escapes compare by their value', () => {
  assert.deepEqual(findDuplicateFields('{"a":1,"a":2,"a":3}'), ['duplicate field "a"']);
  assert.deepEqual(findDuplicateFields('{"ab":1,"a\\u0062":2}'), ['duplicate field "ab"']);
  assert.deepEqual(findDuplicateFields('{"a":"x\\"y","b":["{\\"a\\":1,\\"a\\":1}"]}'), [], 'JSON inside strings is not looked into');
});

test('with a schema: unknown fields and free-form values are not reported as duplicates (as Go)', () => {
  const text = '{"spec":{"bogus":1,"bogus":2,"replicas":1},"metadata":{"managedFields":[{"fieldsV1":{"f:a":{},"f:a":{}}}]}}';
  assert.deepEqual(findDuplicateFields(text), ['duplicate field "spec.bogus"', 'duplicate field "metadata.managedFields[0].fieldsV1.f:a"']);
  assert.deepEqual(findDuplicateFields(text, deploymentSchema), []);
});

test('malformed text stops the scan without throwing', () => {
  assert.deepEqual(findDuplicateFields('{"a":1,"a":2,'), ['duplicate field "a"']);
  assert.deepEqual(findDuplicateFields('{"a":'), []);
  assert.deepEqual(findDuplicateFields(''), []);
});

test('scalars and empty containers at the root', () => {
  assert.deepEqual(findDuplicateFields('[]'), []);
  assert.deepEqual(findDuplicateFields('{}'), []);
  assert.deepEqual(findDuplicateFields(' [ {"a":1,"a":1}, {} ] '), ['duplicate field "[0].a"']);
  assert.deepEqual(findDuplicateFields('"x"'), []);
});
