import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepEqual, specChanged } from './compare.js';

test('deepEqual: JSON structure, an undefined member is an absent one', () => {
  assert.ok(deepEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }), 'key order does not matter');
  assert.ok(deepEqual({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(deepEqual({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!deepEqual({ a: 1 }, { a: 1, b: null }), 'null is a value');
  assert.ok(!deepEqual({ a: 1, b: 2 }, { a: 1 }));
  assert.ok(!deepEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!deepEqual({ a: undefined, b: 1 }, { c: 1 }), 'same count of defined members, different keys');
  assert.ok(!deepEqual({ constructor: {} }, {}), "a key named like an inherited member is still only the object's own");
  assert.ok(!deepEqual({ toString: 'x' }, { valueOf: 'x' }));
  assert.ok(!deepEqual([1, 2], [1, 2, 3]));
  assert.ok(!deepEqual([], {}));
  assert.ok(!deepEqual({}, []));
  assert.ok(!deepEqual({ a: { b: 1 } }, { a: { b: 2 } }));
  assert.ok(deepEqual(JSON.parse('{"__proto__": {"x": 1}}'), JSON.parse('{"__proto__": {"x": 1}}')));
  assert.ok(!deepEqual(JSON.parse('{"__proto__": {"x": 1}}'), JSON.parse('{"__proto__": {"x": 2}}')));
});

test('specChanged looks at everything but metadata, status and type meta', () => {
  const base = { apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, spec: { n: 1 }, status: { s: 1 } };
  assert.ok(!specChanged(base, { ...base, metadata: { name: 'a', labels: { l: '1' } }, status: { s: 2 } }));
  assert.ok(specChanged(base, { ...base, spec: { n: 2 } }));
  assert.ok(specChanged(base, { ...base, data: { k: 'v' } } as typeof base));
});
