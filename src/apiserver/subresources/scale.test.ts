// The scale subresource's parent update through the real registry: a patch
// is applied to the Scale as it is at the compare-and-swap that wins, so a
// JSON patch `test` sees a concurrent write instead of overwriting it.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { applyPatch } from '../patch/apply-patch.js';
import { patchSchemaFor } from '../patch/schema.js';
import { systemContext } from '../registry/context.js';
import { openTestRegistry, type TestRegistry } from '../registry/testing.js';
import { scaleUpdate } from './scale.js';

const deploys = findResource('apps', 'v1', 'deployments')!;
const ctx = systemContext('test');

const deployment = (name: string, replicas: number): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});
const jsonPatch = (patch: unknown) => (current: KObject): KObject =>
  applyPatch({ contentType: 'application/json-patch+json', original: current, patch, schema: patchSchemaFor('autoscaling/v1', 'Scale') }) as KObject;
const replicas = (o: KObject): unknown => (o.spec as { replicas?: unknown }).replicas;

describe('scale subresource', () => {
  let t: TestRegistry;
  /** runs inside the next update's admission: between its read and its compare-and-swap */
  let interleave: (() => Promise<void>) | undefined;
  before(async () => {
    t = await openTestRegistry({
      admission: () => [{ name: 'Interleave', admit: async (req) => {
        const f = interleave;
        interleave = undefined;
        if (req.op === 'update' && f) await f();
      } }],
    });
  });
  after(async () => {
    await t.close();
  });
  const scale = (name: string, desired: (current: KObject) => KObject) =>
    t.registry.update(deploys, 'default', name, scaleUpdate({ resource: deploys, name, desired }), { ctx });

  it('a JSON patch `test` is checked against the Scale the write is based on', async () => {
    await t.registry.create(deploys, 'default', deployment('web', 1), ctx);
    // Someone scales to 2 while this "if replicas is 1, make it 5" is in flight.
    interleave = async () => {
      await t.registry.update(deploys, 'default', 'web', (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 2 } }), { ctx });
    };
    await assert.rejects(
      scale('web', jsonPatch([{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 5 }])),
      (err: unknown) => err instanceof ApiError && err.code === 422,
    );
    assert.equal(replicas(await t.registry.get(deploys, 'default', 'web')), 2, 'the concurrent write is kept');
    const ok = await scale('web', jsonPatch([{ op: 'test', path: '/spec/replicas', value: 2 }, { op: 'replace', path: '/spec/replicas', value: 5 }]));
    assert.equal(replicas(ok.obj), 5);
  });

  it('a stale resourceVersion in the Scale is a conflict; a negative replica count is 422', async () => {
    await t.registry.create(deploys, 'default', deployment('api', 1), ctx);
    const first = await t.registry.get(deploys, 'default', 'api');
    await scale('api', (cur) => ({ ...cur, spec: { replicas: 3 } }));
    await assert.rejects(scale('api', () => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'api', resourceVersion: first.metadata.resourceVersion! }, spec: { replicas: 4 } })), (err: unknown) => err instanceof ApiError && err.code === 409);
    await assert.rejects(scale('api', (cur) => ({ ...cur, spec: { replicas: -1 } })), (err: unknown) =>
      err instanceof ApiError && err.code === 422 && err.message === 'Scale.autoscaling "api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' && err.details?.causes?.[0]?.message === 'Invalid value: -1: must be greater than or equal to 0');
  });
});
