import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepCopy } from './deep-copy.js';

test('a deep copy equals its source, shares nothing with it, and is not frozen', () => {
  const src = Object.freeze({ a: Object.freeze([1, Object.freeze({ b: 'x', n: null })]), c: true, d: Object.freeze({}) });
  const c = deepCopy(src);
  assert.deepEqual(c, src);
  assert.notEqual(c.a, src.a);
  assert.notEqual(c.a[1], src.a[1]);
  assert.ok(!Object.isFrozen(c) && !Object.isFrozen(c.a) && !Object.isFrozen(c.a[1]));
  (c.a[1] as { b: string }).b = 'y';
  assert.equal((src.a[1] as { b: string }).b, 'x');
});

test('an own __proto__ key is copied as a key, never as a prototype', () => {
  const src = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}') as { metadata: { labels: Record<string, unknown> } };
  const c = deepCopy(src);
  assert.equal(Object.getPrototypeOf(c.metadata.labels), Object.prototype);
  assert.deepEqual(Object.keys(c.metadata.labels), ['__proto__']);
  assert.equal(JSON.stringify(c), JSON.stringify(src));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
