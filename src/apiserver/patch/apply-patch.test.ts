// The entry point: Content-Type dispatch, the 415 answers, and the
// never-mutate / always-new-object contract for all three patch types.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { applyPatch } from './apply-patch.js';
import { patchSchemaFor } from './schema.js';

const schema = patchSchemaFor('v1', 'Pod');

function pod(): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: '1' }, finalizers: ['x'] },
    spec: { containers: [{ name: 'c', image: 'c:1', env: [{ name: 'E', value: '1' }] }] },
  };
}

describe('applyPatch: dispatch by Content-Type', () => {
  it('strategic merge merges the containers list; merge patch replaces it', () => {
    const patch = { spec: { containers: [{ name: 'd', image: 'd:1' }] } };
    const smp = applyPatch({ contentType: 'application/strategic-merge-patch+json', original: pod(), patch, schema });
    const merge = applyPatch({ contentType: 'application/merge-patch+json', original: pod(), patch, schema });
    assert.deepEqual(((smp.spec as JsonObject).containers as JsonObject[]).map((c) => c.name), ['d', 'c']);
    assert.deepEqual(((merge.spec as JsonObject).containers as JsonObject[]).map((c) => c.name), ['d']);
  });

  it('ignores media type parameters and case', () => {
    const got = applyPatch({ contentType: 'Application/JSON-Patch+JSON; charset=utf-8', original: pod(), patch: [{ op: 'add', path: '/metadata/labels/b', value: '2' }], schema });
    assert.deepEqual((got.metadata as JsonObject).labels, { a: '1', b: '2' });
  });

  it('server-side apply is 415 with Kubernetes\' wording and a pointer to client-side apply', () => {
    assert.throws(
      () => applyPatch({ contentType: 'application/apply-patch+yaml', original: pod(), patch: { metadata: { name: 'p' } }, schema }),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 415);
        assert.equal(err.reason, 'UnsupportedMediaType');
        assert.match(err.message, /^the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/strategic-merge-patch\+json/);
        assert.match(err.message, /server-side apply .* not implemented yet/);
        assert.match(err.message, /client-side `kubectl apply`/);
        return true;
      },
    );
  });

  it('any other type is 415 with exactly Kubernetes\' message', () => {
    for (const contentType of ['application/json', 'application/yaml', 'application/apply-patch+cbor', '']) {
      assert.throws(
        () => applyPatch({ contentType, original: pod(), patch: {}, schema }),
        (err: unknown) =>
          err instanceof ApiError &&
          err.code === 415 &&
          err.toStatus().reason === 'UnsupportedMediaType' &&
          err.message ===
            'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
      );
    }
  });
});

describe('applyPatch: original is never mutated', () => {
  const cases: [string, unknown][] = [
    ['application/json-patch+json', [{ op: 'remove', path: '/metadata/labels/a' }, { op: 'add', path: '/spec/containers/0/env/-', value: { name: 'F' } }]],
    ['application/merge-patch+json', { metadata: { labels: { a: null } }, spec: { containers: [] } }],
    ['application/strategic-merge-patch+json', { metadata: { labels: { a: null }, '$deleteFromPrimitiveList/finalizers': ['x'] }, spec: { containers: [{ name: 'c', env: [{ $patch: 'delete', name: 'E' }] }] } }],
  ];
  for (const [contentType, patch] of cases) {
    it(contentType, () => {
      const original = pod();
      const [o, p] = [structuredClone(original), structuredClone(patch)];
      const got = applyPatch({ contentType, original, patch, schema });
      assert.deepEqual(original, o);
      assert.deepEqual(patch, p);
      assert.notDeepEqual(got, original);
      assert.notEqual(got.metadata, original.metadata, 'no shared subtrees');
    });
    // The registry hands a patch the watch cache's frozen object itself (a pure update): the
    // patch must work on it, and nothing of it may end up in the result the registry goes on to change.
    it(`${contentType}: a frozen original gives a result with nothing frozen in it`, () => {
      const original = freezeAll(pod());
      const got = applyPatch({ contentType, original, patch: structuredClone(patch), schema });
      assert.equal(firstFrozen(got), undefined);
    });
  }
});

function freezeAll<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) freezeAll((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** The path of the first frozen object or array in `v`, if any. */
function firstFrozen(v: unknown, path = ''): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Object.isFrozen(v)) return path || '/';
  for (const k of Object.keys(v)) {
    const found = firstFrozen((v as Record<string, unknown>)[k], `${path}/${k}`);
    if (found) return found;
  }
  return undefined;
}

describe('applyPatch: prototype safety', () => {
  it('a `__proto__` key in a merge or strategic patch is stored as data, never as a prototype', () => {
    for (const contentType of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
      const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}') as unknown;
      const got = applyPatch({ contentType, original: pod(), patch, schema });
      const labels = (got.metadata as JsonObject).labels as JsonObject;
      assert.equal(Object.getPrototypeOf(labels), Object.prototype, contentType);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal((labels as Record<string, unknown>).polluted, undefined);
      assert.deepEqual(JSON.parse(JSON.stringify(labels)), JSON.parse('{"a":"1","__proto__":{"polluted":"yes"}}'));
    }
  });
});
