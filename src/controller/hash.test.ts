import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHash, fnv32a } from './hash.js';

test('fnv32a matches the reference vectors', () => {
  assert.equal(fnv32a(''), 0x811c9dc5);
  assert.equal(fnv32a('a'), 0xe40c292c);
  assert.equal(fnv32a('foobar'), 0xbf9cf968);
});

test('template hashes are stable, key-order independent, safe-alphabet, and change with the collision count', () => {
  const a = computeHash({ spec: { containers: [{ name: 'c', image: 'x' }] }, metadata: { labels: { app: 'a' } } });
  const b = computeHash({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ image: 'x', name: 'c' }] } });
  assert.equal(a, b);
  assert.match(a, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.notEqual(computeHash({ x: 1 }, 1), computeHash({ x: 1 }));
});
