import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxSurge, maxUnavailable, resolveFenceposts } from './fenceposts.js';

test('surge rounds up, unavailable rounds down, and 0/0 becomes 0/1', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts('0%', '1%', 2), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(2, 0, 5), { surge: 2, unavailable: 0 });
});

test('Recreate has neither surge nor unavailability; unavailable never exceeds replicas', () => {
  const d = (strategy: object, replicas: number) => ({ metadata: {}, spec: { replicas, strategy } });
  assert.equal(maxSurge(d({ type: 'Recreate' }, 3)), 0);
  assert.equal(maxUnavailable(d({ type: 'Recreate' }, 3)), 0);
  assert.equal(maxUnavailable(d({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } }, 2)), 2);
  assert.equal(maxUnavailable(d({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }, 0)), 0);
});
