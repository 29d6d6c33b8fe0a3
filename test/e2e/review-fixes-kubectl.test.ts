// The review fixes as real kubectl 1.32 sees them: `get -w -o name` prints
// only names; a Terminating namespace survives `kubectl replace` without its
// finalizers; --cascade=orphan and --cascade=foreground; a Service's nodePort
// is free again after NodePort → ClusterIP and a taken one is reported once;
// annotating a Deployment moves its generation; `kubectl scale`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from '../support/kubectl.js';
import { eventually, startTestServer, type TestServer } from './review-fixes-server.js';

describe('review fixes: kubectl', () => {
  let t: TestServer;
  const k = async (...args: string[]): Promise<string> => ok(await t.kubectl(args));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- kubectl JSON output
  const json = async (...args: string[]): Promise<any> => JSON.parse(await k(...args, '-o', 'json'));
  const gone = async (...args: string[]): Promise<boolean> => (await t.kubectl(['get', ...args])).code !== 0;
  const apply = async (obj: unknown): Promise<string> => ok(await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(obj) }));

  before(async () => {
    t = await startTestServer({ watchBookmarkIntervalMs: 100 });
  });
  after(async () => {
    await t?.stop();
  });

  it('kubectl get -w -o name prints only names', async () => {
    const watching = t.kubectl(['get', 'configmaps', '-w', '-o', 'name'], { timeoutMs: 2500 });
    await new Promise((r) => setTimeout(r, 1000));
    await k('create', 'configmap', 'watched');
    const out = (await watching).stdout.trim().split('\n');
    assert.ok(out.includes('configmap/watched'), out.join('\n'));
    for (const line of out) assert.match(line, /^configmap\/[a-z0-9.-]+$/);
  });

  it('a Terminating namespace survives kubectl replace without its finalizers', async () => {
    await k('create', 'namespace', 'shop');
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'shop', finalizers: ['example.com/hold'] } });
    await k('delete', 'namespace', 'shop', '--wait=false');
    const ns = await json('get', 'namespace', 'shop');
    ns.spec.finalizers = [];
    ns.status = { phase: 'Active' };
    ok(await t.kubectl(['replace', '-f', '-'], { input: JSON.stringify(ns) }));
    const after = await json('get', 'namespace', 'shop');
    assert.deepEqual(after.spec.finalizers, ['kubernetes']);
    assert.equal(after.status.phase, 'Terminating');
    assert.ok(!(await gone('configmap', 'held', '-n', 'shop')), 'its objects are still there');
    await k('patch', 'configmap', 'held', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":null}}');
    await eventually('the namespace is gone', () => gone('namespace', 'shop'), 15_000);
  });

  it('delete --cascade=orphan keeps dependents; --cascade=foreground takes them first', async () => {
    await k('create', 'configmap', 'owner');
    const owner = await json('get', 'configmap', 'owner');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid };
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dependent', ownerReferences: [ref] } });
    assert.match(await k('delete', 'configmap', 'owner', '--cascade=orphan'), /configmap "owner" deleted/);
    assert.equal((await json('get', 'configmap', 'dependent')).metadata.ownerReferences, undefined);

    await k('create', 'configmap', 'fg-owner');
    const fg = await json('get', 'configmap', 'fg-owner');
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fg-dep', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'fg-owner', uid: fg.metadata.uid, blockOwnerDeletion: true }] } });
    assert.match(await k('delete', 'configmap', 'fg-owner', '--cascade=foreground'), /configmap "fg-owner" deleted/);
    assert.ok(await gone('configmap', 'fg-dep'), 'the dependent went before the owner');
  });

  it('a nodePort is free again after NodePort → ClusterIP; a taken one is reported once', async () => {
    const svc = (name: string): unknown => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, nodePort: 30080 }] } });
    await apply(svc('np'));
    await k('patch', 'service', 'np', '-p', '{"spec":{"type":"ClusterIP"}}');
    assert.equal((await json('get', 'service', 'np')).spec.ports[0].nodePort, undefined);
    await apply(svc('np2'));
    const taken = await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(svc('np3')) });
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /The Service "np3" is invalid: spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/);
    assert.doesNotMatch(taken.stderr, /nodePort: spec\.ports/);
  });

  it('annotating a Deployment bumps its generation; kubectl scale works', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const before = (await json('get', 'deployment', 'web')).metadata.generation as number;
    await k('annotate', 'deployment', 'web', 'team=shop');
    assert.equal((await json('get', 'deployment', 'web')).metadata.generation, before + 1);
    await k('label', 'deployment', 'web', 'tier=front');
    assert.equal((await json('get', 'deployment', 'web')).metadata.generation, before + 1, 'labels do not move it');
    assert.match(await k('scale', 'deployment', 'web', '--replicas=3'), /scaled/);
    assert.equal((await json('get', 'deployment', 'web')).spec.replicas, 3);
  });
});
