import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { spliceResourceVersion } from './stored-json.js';

/** What the watch cache holds for a stored text: the parsed object with the revision set. */
function cached(stored: string, rev: number): KObject {
  const obj = JSON.parse(stored) as KObject;
  obj.metadata.resourceVersion = String(rev);
  return obj;
}

describe('spliceResourceVersion', () => {
  const stored: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { a: 'b' } }, spec: { template: { metadata: { name: 'inner' } } } },
    { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { k: '"metadata":{"name":"trap"}' } },
    { metadata: { name: 'first' }, spec: {} },
    { apiVersion: 'v1', kind: 'Namespace', metadata: {} },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: '\u2028 "quoted" \\ ünïcode' }, status: { phase: 'Running' } },
  ];
  for (const s of stored) {
    it(`serves the cached object: ${JSON.stringify(s).slice(0, 60)}`, () => {
      const text = JSON.stringify(s);
      const obj = cached(text, 4711);
      const served = spliceResourceVersion(text, obj, 4711);
      assert.ok(served !== undefined);
      assert.deepEqual(JSON.parse(served), obj);
      assert.equal((JSON.parse(served) as KObject).metadata.resourceVersion, '4711');
    });
  }

  it('declines when a nested object comes before the top-level metadata (its "metadata" could be found first)', () => {
    const text = JSON.stringify({ spec: { template: { metadata: { name: 'inner' } } }, metadata: { name: 'outer' } });
    assert.equal(spliceResourceVersion(text, cached(text, 9), 9), undefined);
  });

  it('declines without a metadata object, or when the text is not compact', () => {
    const noMeta = JSON.stringify({ apiVersion: 'v1', kind: 'Status' });
    assert.equal(spliceResourceVersion(noMeta, JSON.parse(noMeta) as KObject, 3), undefined);
    const spaced = JSON.stringify({ apiVersion: 'v1', metadata: { name: 'x' } }, null, 1);
    assert.equal(spliceResourceVersion(spaced, cached(spaced, 3), 3), undefined);
  });
});
