import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestRegistry } from '../apiserver/registry/testing.js';
import type { KObject } from '../api/object.js';
import { Informer } from './informer.js';
import { LocalClient } from './local/local-client.js';
import { CONFIGMAPS } from './resources.js';

const cm = (name: string, tier: string, data: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { tier } }, data: { v: data } });

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), what);
}

test('an index follows every change: an update filed under the same value serves the new object, a changed value moves it', async () => {
  const t = await openTestRegistry();
  const abort = new AbortController();
  try {
    const c = new LocalClient(t.registry);
    const inf = new Informer(c, CONFIGMAPS, { namespace: 'default' });
    inf.addIndex('tier', (o) => [o.metadata.labels?.tier ?? '']);
    const run = inf.run(abort.signal);
    await inf.synced;
    const data = (name: string, tier: string): string[] => inf.byIndex('tier', tier).filter((o) => o.metadata.name === name).map((o) => (o.data as { v: string }).v);

    await c.create(CONFIGMAPS, 'default', cm('a', 'web', '1'));
    await c.create(CONFIGMAPS, 'default', cm('b', 'web', '1'));
    await until('both filed under web', () => inf.byIndex('tier', 'web').length === 2);

    await c.patch(CONFIGMAPS, 'default', 'a', 'merge', { data: { v: '2' } });
    await until('the index serves the updated object', () => data('a', 'web')[0] === '2');
    assert.equal(inf.byIndex('tier', 'web').length, 2);

    await c.patch(CONFIGMAPS, 'default', 'a', 'merge', { metadata: { labels: { tier: 'db' } } });
    await until('a moved to db', () => data('a', 'db').length === 1);
    assert.deepEqual(inf.byIndex('tier', 'web').map((o) => o.metadata.name), ['b'], 'and left web');

    await c.delete(CONFIGMAPS, 'default', 'a');
    await until('a is gone from every value', () => inf.byIndex('tier', 'db').length === 0);
    assert.deepEqual(inf.byIndex('tier', 'web').map((o) => o.metadata.name), ['b']);
    abort.abort();
    await run;
  } finally {
    abort.abort();
    await t.close();
  }
});
