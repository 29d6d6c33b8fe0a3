// NodePool defaults: every documented default filled, nothing given overwritten, idempotent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../object.js';
import { defaultNodePool } from './defaults.js';

const pool = (spec: Record<string, unknown>): KObject => ({ apiVersion: 'autoscaling.hale.dev/v1alpha1', kind: 'NodePool', metadata: { name: 'p' }, spec });

test('a minimal pool gets every default', () => {
  const p = pool({ maxNodes: 3, provider: { type: 'sim' } });
  defaultNodePool(p);
  assert.deepEqual(p.spec, {
    minNodes: 0,
    maxNodes: 3,
    provider: { type: 'sim' },
    template: {},
    scaleDown: { enabled: true, utilizationThreshold: 50, unneededFor: '2m' },
    repair: { enabled: true, after: '1m', maxUnhealthyPercent: 45 },
    provisionTimeout: '5m',
  });
});

test('exec timeout defaults; given values and nulls', () => {
  const p = pool({
    minNodes: 2, maxNodes: 3,
    provider: { type: 'exec', exec: { create: ['/bin/true'], delete: ['/bin/true'], timeout: null } },
    scaleDown: { enabled: false, utilizationThreshold: 0 },
    repair: { after: '10s' },
    provisionTimeout: '1h',
  });
  defaultNodePool(p);
  const spec = p.spec as Record<string, Record<string, unknown>>;
  assert.deepEqual(spec.provider, { type: 'exec', exec: { create: ['/bin/true'], delete: ['/bin/true'], timeout: '2m' } });
  assert.deepEqual(spec.scaleDown, { enabled: false, utilizationThreshold: 0, unneededFor: '2m' });
  assert.deepEqual(spec.repair, { after: '10s', enabled: true, maxUnhealthyPercent: 45 });
  assert.equal(spec.minNodes, 2);
  assert.equal(spec.provisionTimeout, '1h');
});

test('idempotent, and a field of the wrong type is left for the decoder to report', () => {
  const p = pool({ maxNodes: 3, provider: { type: 'sim' }, repair: 'soon' });
  defaultNodePool(p);
  const once = structuredClone(p);
  defaultNodePool(p);
  assert.deepEqual(p, once);
  assert.equal((p.spec as Record<string, unknown>).repair, 'soon');
  const bare: KObject = { metadata: { name: 'x' } };
  defaultNodePool(bare);
  assert.equal((bare.spec as Record<string, unknown>).minNodes, 0);
});
