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
});
