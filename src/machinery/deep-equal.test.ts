import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepEqual } from './deep-equal.js';

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
