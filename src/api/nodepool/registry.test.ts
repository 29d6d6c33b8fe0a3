// NodePool through the real registry (SQLite store): defaults stored on
// create and update, status reset on create, the status-subresource
// strategy (spec writes keep status, status writes keep spec), generation
// moving on spec changes only, and 422s that store nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemContext } from '../../apiserver/registry/context.js';
import { openTestRegistry } from '../../apiserver/registry/testing.js';
import { ApiError } from '../../machinery/errors.js';
import type { KObject } from '../object.js';
import { findResource } from '../resources.js';

const NODEPOOLS = findResource('autoscaling.hale.dev', 'v1alpha1', 'nodepools')!;
const ctx = systemContext('test');

const manifest = (name: string, spec: Record<string, unknown>): KObject => ({
  apiVersion: 'autoscaling.hale.dev/v1alpha1', kind: 'NodePool', metadata: { name }, spec, status: { nodes: 9 },
});

test('NodePool lifecycle through the registry', async () => {
  const t = await openTestRegistry();
  try {
    const created = await t.registry.create(NODEPOOLS, '', manifest('workers', { maxNodes: 3, provider: { type: 'sim' } }), ctx);
    assert.equal(created.metadata.generation, 1);
    assert.deepEqual(created.status, {}, 'status is reset on create');
    assert.equal((created.spec as { repair: { after: string } }).repair.after, '1m');
    assert.equal(created.metadata.namespace, undefined);

    // A status write changes status only, and not the generation.
    const { obj: s } = await t.registry.update(NODEPOOLS, '', 'workers', (cur) => ({ ...cur, spec: { maxNodes: 99 }, status: { nodes: 2, readyNodes: 1 } }), { ctx, subresource: 'status' });
    assert.deepEqual(s.status, { nodes: 2, readyNodes: 1 });
    assert.equal((s.spec as { maxNodes: number }).maxNodes, 3);
    assert.equal(s.metadata.generation, 1);

    // A spec write keeps status, re-applies defaults, bumps the generation.
    const { obj: u } = await t.registry.update(NODEPOOLS, '', 'workers', (cur) => ({ ...cur, spec: { maxNodes: 5, provider: { type: 'sim' } }, status: {} }), { ctx });
    assert.deepEqual(u.status, { nodes: 2, readyNodes: 1 });
    assert.equal((u.spec as { scaleDown: { unneededFor: string } }).scaleDown.unneededFor, '2m');
    assert.equal(u.metadata.generation, 2);

    // Invalid writes are 422 and change nothing.
    await assert.rejects(
      t.registry.update(NODEPOOLS, '', 'workers', (cur) => ({ ...cur, spec: { ...(cur.spec as object), minNodes: 6 } }), { ctx }),
      (err: unknown) => err instanceof ApiError && err.code === 422 && err.message === 'NodePool "workers" is invalid: spec.maxNodes: Invalid value: 5: must be greater than or equal to spec.minNodes',
    );
    await assert.rejects(
      t.registry.update(NODEPOOLS, '', 'workers', (cur) => ({ ...cur, status: { nodes: -1 } }), { ctx, subresource: 'status' }),
      (err: unknown) => err instanceof ApiError && err.code === 422 && /status\.nodes: Invalid value: -1/.test(err.message),
    );
    await assert.rejects(
      t.registry.create(NODEPOOLS, '', manifest('bad', { maxNodes: 3, provider: { type: 'aws' } }), ctx),
      (err: unknown) => err instanceof ApiError && err.code === 422 && err.message.endsWith('spec.provider.type: Unsupported value: "aws": supported values: "exec", "local", "sim"'),
    );
    const stored = await t.registry.get(NODEPOOLS, '', 'workers');
    assert.equal(stored.metadata.resourceVersion, u.metadata.resourceVersion);
    await assert.rejects(t.registry.get(NODEPOOLS, '', 'bad'), (err: unknown) => err instanceof ApiError && err.code === 404);
  } finally {
    await t.close();
  }
});
