import assert from 'node:assert/strict';
import { test } from 'node:test';
import { specChanged } from './compare.js';

test('specChanged looks at everything but metadata, status and type meta', () => {
  const base = { apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, spec: { n: 1 }, status: { s: 1 } };
  assert.ok(!specChanged(base, { ...base, metadata: { name: 'a', labels: { l: '1' } }, status: { s: 2 } }));
  assert.ok(specChanged(base, { ...base, spec: { n: 2 } }));
  assert.ok(specChanged(base, { ...base, data: { k: 'v' } } as typeof base));
});
