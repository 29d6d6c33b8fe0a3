// The DaemonSet strategy's template generation (apps/v1: an annotation that is spec in disguise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import { systemContext } from './context.js';
import { DS_TEMPLATE_GENERATION } from './strategy.js';
import { openTestRegistry } from './testing.js';

test('templateGeneration: 1 on create, +1 per template change, unmoved by other writes and by /status', async () => {
  const t = await openTestRegistry();
  try {
    const r = findResource('apps', 'v1', 'daemonsets')!;
    const ctx = systemContext();
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'd', annotations: { [DS_TEMPLATE_GENERATION]: '7' } },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    const created = await t.registry.create(r, 'default', ds, ctx);
    assert.equal(created.metadata.annotations?.[DS_TEMPLATE_GENERATION], '1', 'a client cannot choose it');
    const tg = async () => (await t.registry.get(r, 'default', 'd')).metadata.annotations?.[DS_TEMPLATE_GENERATION];
    await t.registry.update(r, 'default', 'd', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { x: 'y' } } }), { ctx });
    assert.equal(await tg(), '1');
    await t.registry.update(r, 'default', 'd', (cur) => {
      const next = structuredClone(cur);
      (next.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = 'j';
      next.metadata.annotations = { [DS_TEMPLATE_GENERATION]: '40' };
      return next;
    }, { ctx });
    assert.equal(await tg(), '2');
    await t.registry.update(r, 'default', 'd', (cur) => ({ ...cur, metadata: { ...cur.metadata, annotations: { [DS_TEMPLATE_GENERATION]: '9', note: 'n' } }, status: { numberReady: 1 } }), { ctx, subresource: 'status' });
    const after = await t.registry.get(r, 'default', 'd');
    assert.equal(after.metadata.annotations?.[DS_TEMPLATE_GENERATION], '2');
    assert.equal(after.metadata.annotations?.note, 'n', 'other annotations pass through /status as in Kubernetes');
    assert.equal(after.metadata.generation, 2);
  } finally {
    await t.close();
  }
});
