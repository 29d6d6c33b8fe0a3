// The reference client: @kubernetes/client-node's informer (list + watch)
// against an in-process hale API server sees add, update and delete, and after
// a forced 410 (its watch resumes from a resourceVersion the store compacted
// away) re-lists and carries on.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { silentLogger } from '../../src/lib/log/log.js';

function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const until = Date.now() + ms;
    const tick = (): void => {
      if (cond()) return resolve();
      if (Date.now() > until) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('client-node informer', () => {
  let server: RunningApiServer;
  let dataDir: string;
  let core: k8s.CoreV1Api;
  let kc: k8s.KubeConfig;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hale-informer-'));
    server = await startApiServer({ dataDir, listen: '127.0.0.1:0', logger: silentLogger() });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sees add, update, delete and recovers from 410 by re-listing', async () => {
    let lists = 0;
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'default' });
    });
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${(o as k8s.V1ConfigMap).data?.v}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    const errors: unknown[] = [];
    let stopped = false;
    informer.on('error', (err) => {
      errors.push(err);
      // client-node stops on errors other than 410; restart as its docs advise (not once the test is over).
      setTimeout(() => {
        if (!stopped) void informer.start();
      }, 100);
    });
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'one' }, data: { v: '1' } } });
      await waitFor(() => events.includes('add one'), 'add');
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'one', body: [{ op: 'replace', path: '/data/v', value: '2' }] });
      await waitFor(() => events.includes('update one 2'), 'update');
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'one' });
      await waitFor(() => events.includes('delete one'), 'delete');
      assert.equal(lists, 1);

      // Advance the store past the informer's resourceVersion without touching what it watches,
      // compact there, then drop its watch: it must come back with an old resourceVersion, get 410, and re-list.
      for (let i = 0; i < 5; i++) {
        await core.createNamespacedConfigMap({ namespace: 'kube-public', body: { metadata: { name: `other-${i}` } } });
      }
      await server.compactor.compactTo();
      server.cache.resource('configmaps').terminateWatchers('test: drop watches');
      await waitFor(() => lists >= 2, 're-list after 410');
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'two' }, data: { v: '1' } } });
      await waitFor(() => events.includes('add two'), 'add after re-list');
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'three' } } });
      await waitFor(() => events.includes('add three'), 'add after re-list');
      assert.deepEqual(
        informer.list().map((o) => o.metadata?.name).sort(),
        ['three', 'two'],
      );
      assert.deepEqual(errors, [], 'a 410 is handled by re-listing, not reported as an error');
    } finally {
      stopped = true;
      await informer.stop();
    }
  });
});
