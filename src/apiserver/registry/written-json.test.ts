// A write's response is the stored text with the revision spliced in: the
// same JSON value as serializing the returned object, and only for the
// object the registry returned, unchanged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findResource } from '../../api/resources.js';
import { typed } from '../handlers/render.js';
import { systemContext } from './context.js';
import { writtenJson } from './registry.js';
import { openTestRegistry } from './testing.js';

const PODS = findResource('', 'v1', 'pods')!;
const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;

test('the JSON of a written object is its stored text with the resourceVersion', async () => {
  const t = await openTestRegistry();
  try {
    const ctx = systemContext('test');
    const created = await t.registry.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { x: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ctx);
    const text = writtenJson(PODS, created);
    assert.ok(text, 'a created object has its written JSON');
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(typed(PODS, created))));

    const { obj: updated } = await t.registry.update(PODS, 'default', 'a', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { x: '2' } } }), { ctx });
    const after = writtenJson(PODS, updated);
    assert.ok(after);
    assert.deepEqual(JSON.parse(after), JSON.parse(JSON.stringify(typed(PODS, updated))));
    assert.equal(JSON.parse(after).metadata.resourceVersion, updated.metadata.resourceVersion);

    // A no-op update returns the current object: not one this write produced.
    const { obj: same } = await t.registry.update(PODS, 'default', 'a', (cur) => cur, { ctx });
    assert.equal(writtenJson(PODS, same), undefined);
    assert.equal(writtenJson(PODS, await t.registry.get(PODS, 'default', 'a')), undefined, 'a read object was not written by this call');
    assert.equal(writtenJson(CONFIGMAPS, created), undefined, 'served as another kind: serialized instead');
    assert.equal(writtenJson(PODS, { ...created, metadata: { ...created.metadata } }), undefined, 'a copy is not the written object');
    created.metadata.resourceVersion = '1';
    assert.equal(writtenJson(PODS, created), undefined, 'a resourceVersion changed since: serialized instead');
  } finally {
    await t.close();
  }
});
