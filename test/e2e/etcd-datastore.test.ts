// hale on a real etcd (--datastore etcd://…): the same kubectl workflow works,
// and state outlives the server process because it lives in etcd.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEtcd } from '../support/etcd.js';
import { startHale, type HaleProcess } from '../support/hale-process.js';
import { ok } from '../support/kubectl.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');

describe('hale on etcd', () => {
  let etcd: Awaited<ReturnType<typeof startEtcd>>;
  let datastore: string;
  before(async () => {
    etcd = await startEtcd();
    datastore = `etcd://${etcd.endpoint.replace(/^https?:\/\//, '')}`;
  });
  after(async () => {
    await etcd?.stop();
  });

  it('applies, lists, watches and keeps state across a server restart', async () => {
    let hale: HaleProcess | undefined = await startHale({ args: ['--datastore', datastore] });
    try {
      assert.match(ok(await hale.kubectl(['apply', '-f', join(fixtures, 'app.yaml')])), /deployment.apps\/web created/);
      assert.match(ok(await hale.kubectl(['get', 'deploy,sts,svc', '-n', 'shop'])), /deployment.apps\/web/);
      const before = JSON.parse(ok(await hale.kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'json'])));
      await hale.stop();
      hale = await startHale({ args: ['--datastore', datastore] });
      const after = JSON.parse(ok(await hale.kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'json'])));
      assert.equal(after.metadata.uid, before.metadata.uid);
      assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.match(ok(await hale.kubectl(['apply', '-f', join(fixtures, 'app-edited.yaml')])), /deployment.apps\/web configured/);
      assert.match(ok(await hale.kubectl(['delete', 'ns', 'shop'])), /namespace "shop" deleted/);
    } finally {
      await hale?.stop();
    }
  });

  it('two API servers on one etcd see each other\'s writes and never hand out one ClusterIP twice', async () => {
    const a = await startHale({ args: ['--datastore', datastore] });
    const b = await startHale({ args: ['--datastore', datastore] });
    try {
      ok(await a.kubectl(['create', 'namespace', 'ha', '--dry-run=client', '-o', 'yaml']).then((r) => a.kubectl(['apply', '-f', '-'], { input: r.stdout })));
      const svc = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ha' }, spec: { ports: [{ port: 80 }] } });
      // Create Services through both servers at once.
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).kubectl(['apply', '-f', '-'], { input: svc(`s${i}`) }).then(ok)));
      const list = JSON.parse(ok(await b.kubectl(['get', 'svc', '-n', 'ha', '-o', 'json'])));
      const ips = (list.items as { spec: { clusterIP: string } }[]).map((i) => i.spec.clusterIP);
      assert.equal(ips.length, 10);
      assert.equal(new Set(ips).size, 10, `ClusterIPs must be unique: ${ips.join(' ')}`);
      const viaA = JSON.parse(ok(await a.kubectl(['get', 'svc', 's1', '-n', 'ha', '-o', 'json'])));
      assert.equal(viaA.spec.clusterIP, (list.items as { metadata: { name: string }; spec: { clusterIP: string } }[]).find((i) => i.metadata.name === 's1')!.spec.clusterIP);
      const metrics = ok(await a.kubectl(['get', '--raw', '/metrics']));
      assert.match(metrics, /apiserver_request_total\{verb="create",resource="services",code="201"\} \d+/);
      assert.match(metrics, /hale_store_operation_duration_seconds_bucket/);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
