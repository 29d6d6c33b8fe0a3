// End-to-end: the real kubectl 1.32 against a real `hale server` process.
// Each step is what a Kubernetes user types; assertions check what kubectl
// printed and what the server stored.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHale, type HaleProcess } from '../support/hale-process.js';
import { ok } from '../support/kubectl.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');

describe('kubectl against hale', () => {
  let hale: HaleProcess;
  const k = async (...args: string[]): Promise<string> => ok(await hale.kubectl(args));
  const json = async (...args: string[]): Promise<any> => JSON.parse(await k(...args, '-o', 'json')); // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON

  before(async () => {
    hale = await startHale();
  });
  after(async () => {
    await hale?.stop();
  });

  it('serves /version with minor 32', async () => {
    const v = JSON.parse(await k('get', '--raw', '/version'));
    assert.equal(v.major, '1');
    assert.equal(v.minor, '32');
  });

  it('apply -f of a multi-document manifest creates every object', async () => {
    const out = await k('apply', '-f', join(fixtures, 'app.yaml'));
    assert.match(out, /namespace\/shop created/);
    assert.match(out, /configmap\/web-config created/);
    assert.match(out, /deployment.apps\/web created/);
    assert.match(out, /service\/web created/);
    assert.match(out, /statefulset.apps\/db created/);
    assert.match(out, /daemonset.apps\/agent created/);
    assert.match(out, /persistentvolumeclaim\/uploads created/);
  });

  it('apply again without changes is unchanged and keeps the resourceVersion', async () => {
    const before = await json('get', 'deploy', 'web', '-n', 'shop');
    const out = await k('apply', '-f', join(fixtures, 'app.yaml'));
    assert.match(out, /deployment.apps\/web unchanged/);
    const afterObj = await json('get', 'deploy', 'web', '-n', 'shop');
    assert.equal(afterObj.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('apply after edits takes the strategic-merge path', async () => {
    const before = await json('get', 'deploy', 'web', '-n', 'shop');
    const out = await k('apply', '-f', join(fixtures, 'app-edited.yaml'));
    assert.match(out, /deployment.apps\/web configured/);
    const d = await json('get', 'deploy', 'web', '-n', 'shop');
    assert.equal(d.spec.replicas, 5);
    const c = d.spec.template.spec.containers[0];
    assert.deepEqual(c.env[0], { name: 'MODE', value: 'staging' });
    assert.equal(c.env[1].name, 'GREETING');
    assert.deepEqual(c.ports.map((p: { name: string }) => p.name), ['http']);
    assert.equal(d.metadata.generation, before.metadata.generation + 1);
    assert.equal(d.metadata.uid, before.metadata.uid);
  });

  it('get prints the familiar columns', async () => {
    const deploy = await k('get', 'deploy', '-n', 'shop');
    assert.match(deploy.split('\n')[0]!, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    // No node agent runs here: the controllers create the pods, none becomes ready.
    assert.match(deploy, /^web\s+0\/5\s+\d+\s+0\s+\d+s/m);
    const svc = await k('get', 'svc', '-n', 'shop');
    assert.match(svc.split('\n')[0]!, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    assert.match(svc, /^web\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP\s+/m);
    const pvc = await k('get', 'pvc', '-n', 'shop');
    // The default StorageClass (shared) provisions it at once.
    assert.match(pvc, /^uploads\s+Bound\s+pvc-[0-9a-f-]+\s+2Gi\s+RWO\s+shared\s/m);
    const ns = await k('get', 'ns');
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop']) assert.match(ns, new RegExp(`^${n}\\s+Active`, 'm'));
  });

  it('get -o yaml|json|name|wide', async () => {
    const yaml = await k('get', 'cm', 'web-config', '-n', 'shop', '-o', 'yaml');
    assert.match(yaml, /greeting: hello/);
    assert.match(yaml, /resourceVersion: "\d+"/);
    const cm = await json('get', 'cm', 'web-config', '-n', 'shop');
    assert.equal(cm.kind, 'ConfigMap');
    assert.equal(cm.data.mode, 'production');
    assert.equal(typeof cm.metadata.uid, 'string');
    const names = await k('get', 'deploy,sts,ds', '-n', 'shop', '-o', 'name');
    assert.deepEqual(names.trim().split('\n').sort(), ['daemonset.apps/agent', 'deployment.apps/web', 'statefulset.apps/db']);
    const wide = await k('get', 'deploy', '-n', 'shop', '-o', 'wide');
    assert.match(wide.split('\n')[0]!, /CONTAINERS\s+IMAGES\s+SELECTOR/);
    assert.match(wide, /web\s+busybox:1\.36\s+app=web/);
  });

  it('get -A, -l and --show-labels', async () => {
    const all = await k('get', 'cm', '-A');
    assert.match(all.split('\n')[0]!, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/);
    assert.match(all, /^shop\s+web-config\s+2\s+/m);
    const labelled = await k('get', 'deploy', '-A', '-l', 'app=web');
    assert.match(labelled, /^shop\s+web\s+/m);
    const none = await hale.kubectl(['get', 'deploy', '-A', '-l', 'app=nothing']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /No resources found/);
    const shown = await k('get', 'ns', 'shop', '--show-labels');
    assert.match(shown, /kubernetes.io\/metadata.name=shop/);
    assert.match(shown, /team=web/);
  });

  it('describe shows the object and its events', async () => {
    const out = await k('describe', 'deploy', 'web', '-n', 'shop');
    assert.match(out, /^Name:\s+web$/m);
    assert.match(out, /^Namespace:\s+shop$/m);
    assert.match(out, /^Replicas:\s+5 desired/m);
    assert.match(out, /StrategyType:\s+RollingUpdate/);
    assert.match(out, /MODE:\s+staging/);
  });

  it('label, annotate, scale', async () => {
    assert.match(await k('label', 'deploy', 'web', '-n', 'shop', 'tier=frontend'), /deployment.apps\/web labeled/);
    assert.match(await k('annotate', 'deploy', 'web', '-n', 'shop', 'owner=alice'), /deployment.apps\/web annotated/);
    assert.match(await k('scale', 'deploy', 'web', '-n', 'shop', '--replicas=2'), /deployment.apps\/web scaled/);
    const d = await json('get', 'deploy', 'web', '-n', 'shop');
    assert.equal(d.metadata.labels.tier, 'frontend');
    assert.equal(d.metadata.annotations.owner, 'alice');
    assert.equal(d.spec.replicas, 2);
    assert.match(await k('label', 'deploy', 'web', '-n', 'shop', 'tier-'), /deployment.apps\/web unlabeled/);
    const d2 = await json('get', 'deploy', 'web', '-n', 'shop');
    assert.equal(d2.metadata.labels.tier, undefined);
  });

  it('patch --type strategic|merge|json', async () => {
    await k('patch', 'deploy', 'web', '-n', 'shop', '--type', 'strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"busybox:1.37"}]}}}}');
    let d = await json('get', 'deploy', 'web', '-n', 'shop');
    assert.equal(d.spec.template.spec.containers.length, 1);
    assert.equal(d.spec.template.spec.containers[0].image, 'busybox:1.37');
    assert.equal(d.spec.template.spec.containers[0].env.length, 2, 'strategic merge keeps the other container fields');
    await k('patch', 'cm', 'web-config', '-n', 'shop', '--type', 'merge', '-p', '{"data":{"mode":null,"extra":"1"}}');
    const cm = await json('get', 'cm', 'web-config', '-n', 'shop');
    assert.deepEqual(cm.data, { greeting: 'hello', extra: '1' });
    await k('patch', 'deploy', 'web', '-n', 'shop', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]');
    d = await json('get', 'deploy', 'web', '-n', 'shop');
    assert.equal(d.spec.replicas, 4);
  });

  it('patch --subresource=status naming a stale resourceVersion is a Conflict; the current one applies', async () => {
    const svc = await json('get', 'svc', 'web', '-n', 'shop');
    const condition = { type: 'Probed', status: 'True', reason: 'Test', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' };
    const stale = await hale.kubectl(['patch', 'svc', 'web', '-n', 'shop', '--subresource=status', '--type=merge', '-p', JSON.stringify({ metadata: { resourceVersion: '1' }, status: { conditions: [condition] } })]);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /Conflict|has been modified/);
    assert.equal((await json('get', 'svc', 'web', '-n', 'shop')).status.conditions, undefined, 'nothing written');
    await k('patch', 'svc', 'web', '-n', 'shop', '--subresource=status', '--type=merge', '-p', JSON.stringify({ metadata: { resourceVersion: svc.metadata.resourceVersion }, status: { conditions: [condition] } }));
    assert.deepEqual((await json('get', 'svc', 'web', '-n', 'shop')).status.conditions, [condition]);
  });

  it('diff shows a pending change and exits 1; no change exits 0', async () => {
    const same = await hale.kubectl(['diff', '-f', join(fixtures, 'app-edited.yaml')]);
    // The live deployment differs (image, replicas, labels from earlier steps), so diff reports it.
    assert.equal(same.code, 1, same.stderr);
    assert.match(same.stdout, /busybox:1\.37/);
    await k('apply', '-f', join(fixtures, 'app-edited.yaml'));
    const clean = await hale.kubectl(['diff', '-f', join(fixtures, 'app-edited.yaml')]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  });

  it('replace swaps the whole object', async () => {
    const cm = await json('get', 'cm', 'web-config', '-n', 'shop');
    cm.data = { only: 'this' };
    const out = ok(await hale.kubectl(['replace', '-f', '-'], { input: JSON.stringify(cm) }));
    assert.match(out, /configmap\/web-config replaced/);
    const got = await json('get', 'cm', 'web-config', '-n', 'shop');
    assert.deepEqual(got.data, { only: 'this' });
    // A stale resourceVersion is a conflict.
    const stale = await hale.kubectl(['replace', '-f', '-'], { input: JSON.stringify(cm) });
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /Conflict|the object has been modified/);
  });

  it('get -w prints later changes', async () => {
    const p = spawn('kubectl', ['get', 'cm', '-n', 'shop', '-w'], { env: { ...process.env, KUBECONFIG: hale.kubeconfig, KUBECACHEDIR: hale.cacheDir } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const seen = async (re: RegExp): Promise<void> => {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, re, `get -w never printed ${re}; stderr:\n${err}`);
    };
    try {
      await seen(/web-config/);
      const y = await k('create', 'configmap', 'later', '-n', 'shop', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml');
      ok(await hale.kubectl(['apply', '-f', '-'], { input: y }));
      await seen(/^later\s+1\s+/m);
    } finally {
      p.kill();
    }
  });

  it('cordon on a Node object', async () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } } };
    ok(await hale.kubectl(['apply', '-f', '-'], { input: JSON.stringify(node) }));
    assert.match(await k('cordon', 'node-a'), /node\/node-a cordoned/);
    const n = await json('get', 'node', 'node-a');
    assert.equal(n.spec.unschedulable, true);
    assert.match(await k('get', 'nodes'), /node-a\s+\S*SchedulingDisabled/);
    assert.match(await k('uncordon', 'node-a'), /node\/node-a uncordoned/);
  });

  it('get events', async () => {
    const cm = await json('get', 'cm', 'web-config', '-n', 'shop');
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-config.test', namespace: 'shop' },
      involvedObject: { kind: 'ConfigMap', name: 'web-config', namespace: 'shop', uid: cm.metadata.uid, apiVersion: 'v1' },
      reason: 'Tested',
      message: 'an event for the test',
      type: 'Normal',
      source: { component: 'e2e' },
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    };
    ok(await hale.kubectl(['apply', '-f', '-'], { input: JSON.stringify(ev) }));
    const out = await k('get', 'events', '-n', 'shop');
    assert.match(out, /Normal\s+Tested\s+configmap\/web-config\s+an event for the test/);
    const desc = await k('describe', 'cm', 'web-config', '-n', 'shop');
    assert.match(desc, /Tested/);
    // The same object through events.k8s.io/v1, with that group's field names.
    const v1 = await json('get', 'events.v1.events.k8s.io', 'web-config.test', '-n', 'shop');
    assert.equal(v1.apiVersion, 'events.k8s.io/v1');
    assert.equal(v1.note, 'an event for the test');
    assert.equal(v1.regarding.name, 'web-config');
    assert.equal(v1.involvedObject, undefined);
  });

  it('api-resources lists what hale serves', async () => {
    const out = await k('api-resources');
    for (const re of [/^pods\s+po\s+v1\s+true\s+Pod$/m, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m, /^nodes\s+no\s+v1\s+false\s+Node$/m, /^leases\s+coordination.k8s.io\/v1\s+true\s+Lease$/m, /^persistentvolumeclaims\s+pvc\s+v1\s+true\s+PersistentVolumeClaim$/m]) {
      assert.match(out, re);
    }
  });

  it('delete, and delete --cascade=orphan keeps dependents', async () => {
    // A ReplicaSet owned by a Deployment-like owner: an orphaning delete leaves it, without the reference.
    const owner = await json('get', 'cm', 'web-config', '-n', 'shop');
    const dep = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dependent', namespace: 'shop', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-config', uid: owner.metadata.uid }] }, data: { a: 'b' } };
    ok(await hale.kubectl(['apply', '-f', '-'], { input: JSON.stringify(dep) }));
    assert.match(await k('delete', 'cm', 'web-config', '-n', 'shop', '--cascade=orphan'), /configmap "web-config" deleted/);
    const kept = await json('get', 'cm', 'dependent', '-n', 'shop');
    assert.equal(kept.metadata.ownerReferences, undefined);
    // A background delete takes the dependents too.
    const dep2 = { ...dep, metadata: { ...dep.metadata, name: 'dependent2', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'dependent', uid: kept.metadata.uid }] } };
    ok(await hale.kubectl(['apply', '-f', '-'], { input: JSON.stringify(dep2) }));
    assert.match(await k('delete', 'cm', 'dependent', '-n', 'shop'), /configmap "dependent" deleted/);
    for (let i = 0; i < 50; i++) {
      const r = await hale.kubectl(['get', 'cm', 'dependent2', '-n', 'shop']);
      if (r.code !== 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const gone = await hale.kubectl(['get', 'cm', 'dependent2', '-n', 'shop']);
    assert.match(gone.stderr, /NotFound|not found/);
  });

  it('delete namespace removes its contents', async () => {
    assert.match(await k('delete', 'ns', 'shop'), /namespace "shop" deleted/);
    const r = await hale.kubectl(['get', 'ns', 'shop']);
    assert.notEqual(r.code, 0);
    const left = await k('get', 'all', '-n', 'shop');
    assert.equal(left.trim(), '');
  });
});
