import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLaunching } from './provisioning.js';

const T0 = Date.UTC(2026, 10, 28, 22, 0, 0);
const at = (ms: number): string => new Date(T0 + ms).toISOString().replace(/\.\d+Z$/, 'Z');

test('registered machines leave the launching list; late ones time out; the rest are timed', () => {
  const launching = [
    { name: 'w-a', since: at(0) },
    { name: 'w-b', since: at(0) },
    { name: 'w-c', since: at(200_000) },
  ];
  const plan = planLaunching(launching, new Set(['w-a']), 300_000, T0 + 300_000);
  assert.deepEqual(plan.registered, ['w-a']);
  assert.deepEqual(plan.timedOut.map((m) => m.name), ['w-b']);
  assert.deepEqual(plan.keep.map((m) => m.name), ['w-c']);
  assert.equal(plan.nextDueMs, 200_000);
});

test('a machine one millisecond short of the timeout is kept', () => {
  const plan = planLaunching([{ name: 'w-a', since: at(0) }], new Set(), 300_000, T0 + 299_999);
  assert.deepEqual(plan.keep.map((m) => m.name), ['w-a']);
  assert.equal(plan.nextDueMs, 1);
});
