// NodePoolExec admission through the real registry: only system:masters may
// create an exec NodePool or change a pool's provider to exec; other pools,
// other fields of an exec pool, and status writes are anyone's.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { NODEPOOLS } from '../../client/resources.js';
import type { RequestContext } from '../registry/context.js';
import { openTestRegistry, type TestRegistry } from '../registry/testing.js';
import { nodePoolExecAdmission } from './nodepool-exec.js';

const admin: RequestContext = { user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] }, dryRun: false, warnings: [] };
const node: RequestContext = { user: { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] }, dryRun: false, warnings: [] };

const pool = (name: string, provider: Record<string, unknown>): KObject => ({
  apiVersion: 'autoscaling.hale.dev/v1alpha1',
  kind: 'NodePool',
  metadata: { name },
  spec: { maxNodes: 3, provider },
});
const EXEC = { type: 'exec', exec: { create: ['/bin/true'], delete: ['/bin/true'] } };

describe('NodePoolExec admission', () => {
  let t: TestRegistry;
  before(async () => {
    t = await openTestRegistry({ admission: () => [nodePoolExecAdmission()] });
  });
  after(async () => {
    await t.close();
  });

  it('refuses an exec pool from anyone but system:masters, with 403 and nothing stored', async () => {
    await assert.rejects(t.registry.create(NODEPOOLS, '', pool('x', EXEC), node), (err: { code?: number; message?: string }) => err.code === 403 && /cannot set spec.provider to exec/.test(err.message ?? ''));
    await assert.rejects(t.registry.get(NODEPOOLS, '', 'x'), /not found/);
    await t.registry.create(NODEPOOLS, '', pool('x', EXEC), admin);
  });

  it('lets anyone create other pools, but not switch them to exec', async () => {
    const created = await t.registry.create(NODEPOOLS, '', pool('s', { type: 'sim' }), node);
    await assert.rejects(t.registry.update(NODEPOOLS, '', 's', () => ({ ...created, spec: { ...(created.spec ?? {}), provider: EXEC } }), { ctx: node }), (err: { code?: number }) => err.code === 403);
  });

  it('lets others change an exec pool without touching its provider', async () => {
    const cur = await t.registry.get(NODEPOOLS, '', 'x');
    const { obj } = await t.registry.update(NODEPOOLS, '', 'x', () => ({ ...cur, spec: { ...(cur.spec ?? {}), maxNodes: 5 } }), { ctx: node });
    assert.equal((obj.spec as { maxNodes: number }).maxNodes, 5);
  });
});
