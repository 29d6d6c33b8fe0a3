// JSON merge patch (RFC 7386) as kubectl label/annotate/scale send it, the
// RFC's own examples, and the bodies Kubernetes rejects.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { applyPatch } from './apply-patch.js';
import { patchSchemaFor } from './schema.js';

function merge(original: JsonObject, patch: unknown): JsonObject {
  return applyPatch({ contentType: 'application/merge-patch+json', original, patch, schema: patchSchemaFor('apps/v1', 'Deployment') });
}

describe('merge patch', () => {
  it('kubectl label: adds and removes labels, keeps the rest', () => {
    const got = merge({ metadata: { name: 'd', labels: { a: '1', b: '2' } }, spec: { replicas: 1 } }, { metadata: { labels: { c: '3', a: null } } });
    assert.deepEqual(got, { metadata: { name: 'd', labels: { b: '2', c: '3' } }, spec: { replicas: 1 } });
  });

  it('kubectl scale on /scale: replaces spec.replicas', () => {
    const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=web' } };
    const got = applyPatch({ contentType: 'application/merge-patch+json', original: scale, patch: { spec: { replicas: 5 } }, schema: patchSchemaFor('autoscaling/v1', 'Scale') });
    assert.deepEqual(got, { ...scale, spec: { replicas: 5 } });
  });

  it('lists are atomic, even merge-strategy lists', () => {
    const original = { metadata: { name: 'd', finalizers: ['a', 'b'] }, spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } };
    const got = merge(original, { metadata: { finalizers: ['c'] }, spec: { template: { spec: { containers: [{ name: 'b' }] } } } });
    assert.deepEqual(got, { metadata: { name: 'd', finalizers: ['c'] }, spec: { template: { spec: { containers: [{ name: 'b' }] } } } });
  });

  it('directive keys are plain data in a merge patch (no strategic semantics)', () => {
    const got = merge({ metadata: { name: 'd' }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: {} } } }, { spec: { strategy: { type: 'Recreate' } } });
    assert.deepEqual(got.spec, { strategy: { type: 'Recreate', rollingUpdate: {} } });
  });

  it('RFC 7386 appendix A examples', () => {
    const cases: [JsonObject, JsonObject, JsonObject][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [original, patch, want] of cases) assert.deepEqual(merge(original, patch), want, JSON.stringify(patch));
  });

  it('a value put in place loses its null members, at any depth', () => {
    const got = merge({ metadata: { name: 'd' } }, { spec: { a: { b: null, c: [{ d: null, e: 1 }] } } });
    assert.deepEqual(got.spec, { a: { c: [{ e: 1 }] } });
  });

  it('a non-object body is 400 "Invalid JSON Patch"', () => {
    for (const body of [null, [{ op: 'add' }], 'x', 3, true]) {
      assert.throws(
        () => merge({ metadata: { name: 'd' } }, body),
        (err: unknown) => err instanceof ApiError && err.code === 400 && err.reason === 'BadRequest' && err.message === 'Invalid JSON Patch',
      );
    }
  });

  it('never mutates the original or the patch', () => {
    const original = { metadata: { name: 'd', labels: { a: '1' } }, spec: { x: { y: 1 } } };
    const patch = { metadata: { labels: { a: null, b: '2' } }, spec: { x: { z: 2 } } };
    const [o, p] = [structuredClone(original), structuredClone(patch)];
    const got = merge(original, patch);
    assert.deepEqual(original, o);
    assert.deepEqual(patch, p);
    (got.spec as { x: JsonObject }).x.y = 99;
    assert.equal(original.spec.x.y, 1, 'the result shares nothing with the original');
  });
});
