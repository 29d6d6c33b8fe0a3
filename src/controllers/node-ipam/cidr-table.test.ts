import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrTable } from './cidr-table.js';

test('hands out the lowest free block, never one that is held', () => {
  const t = new CidrTable('10.42.0.0/16', 24);
  t.hold('a', '10.42.0.0/24');
  t.hold('c', '10.42.2.0/24');
  assert.equal(t.take('b'), '10.42.1.0/24');
  assert.equal(t.take('d'), '10.42.3.0/24');
  t.release('a');
  assert.equal(t.take('e'), '10.42.0.0/24');
  assert.equal(t.take('f'), '10.42.4.0/24');
});

test('a holder has one block; blocks outside the range are ignored', () => {
  const t = new CidrTable('10.42.0.0/16', 24);
  t.hold('a', '10.42.7.0/24');
  t.hold('a', '10.42.8.0/24');
  t.hold('x', '192.168.0.0/24');
  t.hold('y', '10.42.9.0/25');
  assert.equal(t.has('x'), false);
  assert.equal(t.has('y'), false);
  assert.equal(t.take('b'), '10.42.0.0/24');
  t.release('a');
  // 10.42.7.0/24 was given up when `a` moved to .8; both are free now
  t.hold('c', '10.42.1.0/24');
  for (let i = 2; i < 7; i++) t.take(`n${i}`);
  assert.equal(t.take('z'), '10.42.7.0/24');
});

test('a full range gives nothing', () => {
  const t = new CidrTable('10.42.0.0/23', 24);
  assert.equal(t.take('a'), '10.42.0.0/24');
  assert.equal(t.take('b'), '10.42.1.0/24');
  assert.equal(t.take('c'), undefined);
  t.release('a');
  assert.equal(t.take('c'), '10.42.0.0/24');
});

test('5,000 nodes take 5,000 distinct blocks', () => {
  const t = new CidrTable('10.128.0.0/9', 24);
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) seen.add(t.take(`n${i}`)!);
  assert.equal(seen.size, 5000);
});
