// JSON patch (RFC 6902): every op, the status codes Kubernetes answers for
// malformed (400) and inapplicable (422) patches, and prototype safety.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { applyPatch } from './apply-patch.js';
import { patchSchemaFor } from './schema.js';

function jp(original: JsonObject, patch: unknown): JsonObject {
  return applyPatch({ contentType: 'application/json-patch+json', original, patch, schema: patchSchemaFor('v1', 'Pod') });
}

function rejects(fn: () => unknown, code: number, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, code, `${err.message} ${String(err.cause ?? '')}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const deployment = (): JsonObject => ({
  metadata: { name: 'd', labels: { app: 'web' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
});

describe('json patch: operations', () => {
  it('add, remove, replace', () => {
    const got = jp(deployment(), [
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'b', image: 'b:1' } },
      { op: 'add', path: '/spec/template/spec/containers/0', value: { name: 'init' } },
    ]);
    assert.deepEqual(got, {
      metadata: { name: 'd', labels: { tier: 'fe' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'init' }, { name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } },
    });
  });

  it('move and copy', () => {
    const got = jp(deployment(), [
      { op: 'copy', from: '/metadata/labels', path: '/spec/selector' },
      { op: 'move', from: '/spec/replicas', path: '/spec/count' },
    ]);
    assert.deepEqual(got.spec, { template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } }, selector: { app: 'web' }, count: 1 });
    assert.deepEqual(got.metadata, { name: 'd', labels: { app: 'web' } }, 'copy copies by value');
  });

  it('test passes on equal values (member order does not matter) and gates the rest', () => {
    const got = jp(deployment(), [
      { op: 'test', path: '/metadata', value: { labels: { app: 'web' }, name: 'd' } },
      { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'a' },
      { op: 'replace', path: '/spec/replicas', value: 2 },
    ]);
    assert.equal((got.spec as JsonObject).replicas, 2);
  });

  it('a failed test is 422 Invalid with Kubernetes\' generic message', () => {
    rejects(
      () => jp(deployment(), [{ op: 'test', path: '/spec/replicas', value: 5 }, { op: 'replace', path: '/spec/replicas', value: 2 }]),
      422,
      /^the server rejected our request due to an error in our request$/,
    );
    try {
      jp(deployment(), [{ op: 'test', path: '/spec/replicas', value: 5 }]);
    } catch (err) {
      assert.ok(err instanceof ApiError);
      assert.equal(err.reason, 'Invalid');
      assert.match(String(err.cause), /testing value \/spec\/replicas failed/, 'the detail is kept for logs');
    }
  });

  it('like Kubernetes (json-patch v4): replace of a missing member adds it; test of a missing member against null passes', () => {
    const got = jp(deployment(), [
      { op: 'test', path: '/metadata/annotations', value: null },
      { op: 'replace', path: '/metadata/labels/tier', value: 'fe' },
    ]);
    assert.deepEqual((got.metadata as JsonObject).labels, { app: 'web', tier: 'fe' });
  });

  it('an empty patch returns an equal copy', () => {
    const original = deployment();
    const got = jp(original, []);
    assert.deepEqual(got, original);
    assert.notEqual(got, original);
  });
});

describe('json patch: malformed and inapplicable', () => {
  it('a body that is not a list of operations is 400', () => {
    rejects(() => jp(deployment(), { op: 'add', path: '/a', value: 1 }), 400, /cannot unmarshal object into Go value of type jsonpatch\.Patch/);
    rejects(() => jp(deployment(), null), 400, /cannot unmarshal null/);
    rejects(() => jp(deployment(), ['add']), 400, /cannot unmarshal string into Go value of type jsonpatch\.Operation/);
  });

  it('an unknown op, or a missing path/from/value, is 422', () => {
    rejects(() => jp(deployment(), [{ op: 'frobnicate', path: '/a' }]), 422);
    rejects(() => jp(deployment(), [{ op: 'constructor', path: '/a' }]), 422);
    rejects(() => jp(deployment(), [{ path: '/a', value: 1 }]), 422);
    rejects(() => jp(deployment(), [{ op: 'add', value: 1 }]), 422);
    rejects(() => jp(deployment(), [{ op: 'add', path: '/a' }]), 422);
    rejects(() => jp(deployment(), [{ op: 'move', path: '/a' }]), 422);
  });

  it('a path that does not exist is 422', () => {
    rejects(() => jp(deployment(), [{ op: 'remove', path: '/metadata/annotations' }]), 422);
    rejects(() => jp(deployment(), [{ op: 'add', path: '/status/phase', value: 'Running' }]), 422);
    rejects(() => jp(deployment(), [{ op: 'replace', path: '/spec/template/spec/containers/3/image', value: 'x' }]), 422);
    rejects(() => jp(deployment(), [{ op: 'add', path: '/spec/template/spec/containers/5', value: {} }]), 422);
    rejects(() => jp(deployment(), [{ op: 'move', from: '/nope', path: '/x' }]), 422);
    rejects(() => jp(deployment(), [{ op: 'test', path: '/nope/deeper', value: 1 }]), 422);
  });

  it('inherited names are not members', () => {
    rejects(() => jp(deployment(), [{ op: 'remove', path: '/toString' }]), 422);
    rejects(() => jp(deployment(), [{ op: 'test', path: '/metadata/constructor', value: {} }]), 422);
  });

  it('an op on the document root must leave an object', () => {
    rejects(() => jp(deployment(), [{ op: 'replace', path: '', value: 3 }]), 422);
    rejects(() => jp(deployment(), [{ op: 'remove', path: '' }]), 422);
    assert.deepEqual(jp(deployment(), [{ op: 'replace', path: '', value: { metadata: { name: 'x' } } }]), { metadata: { name: 'x' } });
  });

  it('more than 10000 operations is 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'd' }));
    rejects(() => jp(deployment(), ops), 413, /The allowed maximum operations in a JSON patch is 10000, got 10001/);
  });

  it('cannot reach or pollute prototypes', () => {
    rejects(() => jp(deployment(), [{ op: 'add', path: '/__proto__/polluted', value: true }]), 422);
    rejects(() => jp(deployment(), [{ op: 'add', path: '/metadata/constructor/prototype/polluted', value: true }]), 422);
    const got = jp(deployment(), [{ op: 'add', path: '/spec/x', value: JSON.parse('{"__proto__":{"polluted":true}}') }]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const x = (got.spec as JsonObject).x as JsonObject;
    assert.equal(Object.getPrototypeOf(x), Object.prototype, 'the result has ordinary objects');
    assert.deepEqual(Object.keys(x), ['__proto__'], '__proto__ is stored as a plain member');
  });

  it('never mutates the original or the patch, even when failing half way', () => {
    const original = deployment();
    const patch = [
      { op: 'replace', path: '/spec/replicas', value: 9 },
      { op: 'add', path: '/spec/template/spec/containers/0/env', value: [{ name: 'X' }] },
      { op: 'test', path: '/spec/replicas', value: 1 },
    ];
    const [o, p] = [structuredClone(original), structuredClone(patch)];
    rejects(() => jp(original, patch), 422);
    assert.deepEqual(original, o);
    assert.deepEqual(patch, p);
    const ok = jp(original, patch.slice(0, 2));
    ((((ok.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0]!.name = 'changed';
    assert.deepEqual(original, o, 'the result shares nothing with the original');
  });
});
