// Cascading deletion as a user sees it with the real kubectl against `hale
// up` (the garbage collector of src/apiserver/registry/cascade.ts):
//
// - --cascade=orphan: the Deployment goes, its ReplicaSet and Running pods
//   stay, the ReplicaSet without its owner reference; a new Deployment with
//   the same selector and template adopts that ReplicaSet (same pods);
// - --cascade=background (kubectl's default): the Deployment goes at once,
//   then its ReplicaSet, then the pods;
// - --cascade=foreground: the Deployment stays, with a deletionTimestamp and
//   the foregroundDeletion finalizer, until its ReplicaSet and pods are gone.
//
// Pods take ~3 s to stop (a TERM trap), so the in-between states are visible.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../src/api/object.js';
import { phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const deployment = (name: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 3
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: app
        image: busybox:1.36
        command: ["sh", "-c", "trap 'sleep 3; exit 0' TERM; while true; do sleep 1; done"]
`;

describe('cascading delete with kubectl', () => {
  let c: Cluster;
  const kubectl = (args: string[]) => c.hale.kubectl(args);
  const items = async (kind: string, app: string): Promise<KObject[]> => (JSON.parse(ok(await kubectl(['get', kind, '-l', `app=${app}`, '-o', 'json']))) as { items: KObject[] }).items;
  /** the object, or undefined once it is gone */
  const maybe = async (kind: string, name: string): Promise<KObject | undefined> => {
    const r = await kubectl(['get', kind, name, '-o', 'json', '--ignore-not-found']);
    ok(r);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as KObject) : undefined;
  };
  const running = async (app: string): Promise<KObject[]> => (await items('pods', app)).filter((p) => !p.metadata.deletionTimestamp && phase(p) === 'Running');
  const rolledOut = async (name: string): Promise<void> => {
    const r = await c.hale.kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    await c.waitFor(`3 Running pods of ${name}`, async () => (await running(name)).length === 3);
  };

  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('--cascade=orphan keeps the ReplicaSet and its pods; a new Deployment adopts them', async () => {
    await c.apply(deployment('orph'));
    await rolledOut('orph');
    const d = (await maybe('deployment', 'orph'))!;
    const [rs] = await items('rs', 'orph');
    assert.equal(rs!.metadata.ownerReferences?.[0]?.uid, d.metadata.uid);
    const podNames = (await running('orph')).map((p) => p.metadata.name).sort();

    assert.match(ok(await kubectl(['delete', 'deployment', 'orph', '--cascade=orphan'])), /deployment.apps "orph" deleted/);
    assert.equal(await maybe('deployment', 'orph'), undefined);
    const orphan = (await maybe('rs', rs!.metadata.name!))!;
    assert.ok(orphan, 'the ReplicaSet stays');
    assert.equal(orphan.metadata.deletionTimestamp, undefined);
    assert.deepEqual(orphan.metadata.ownerReferences ?? [], [], 'its reference to the deleted Deployment is removed');
    assert.equal((orphan.spec as { replicas: number }).replicas, 3);
    // Still running a while later: nothing collects them.
    await new Promise((r) => setTimeout(r, 2000));
    const still = await running('orph');
    assert.deepEqual(still.map((p) => p.metadata.name).sort(), podNames);
    assert.ok(still.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs!.metadata.uid), 'the pods still belong to the ReplicaSet');

    // The same Deployment again: the orphan ReplicaSet (same template hash) is adopted, no pod is replaced.
    await c.apply(deployment('orph'));
    const d2 = await c.waitFor('the new Deployment', () => maybe('deployment', 'orph'));
    await c.waitFor('the ReplicaSet adopted', async () => (await maybe('rs', rs!.metadata.name!))?.metadata.ownerReferences?.[0]?.uid === d2.metadata.uid);
    await rolledOut('orph');
    assert.equal((await items('rs', 'orph')).length, 1);
    assert.deepEqual((await running('orph')).map((p) => p.metadata.name).sort(), podNames);
  });

  it('--cascade=background (the default): the Deployment goes at once, then the ReplicaSet, then the pods', async () => {
    const [rs] = await items('rs', 'orph');
    assert.match(ok(await kubectl(['delete', 'deployment', 'orph'])), /deployment.apps "orph" deleted/);
    assert.equal(await maybe('deployment', 'orph'), undefined);
    await c.waitFor('the ReplicaSet gone', async () => (await maybe('rs', rs!.metadata.name!)) === undefined);
    // The pods were deleted after their ReplicaSet: terminating (or gone), never replaced.
    await c.waitFor('every pod terminating or gone', async () => (await items('pods', 'orph')).every((p) => p.metadata.deletionTimestamp));
    await c.waitFor('the pods gone', async () => (await items('pods', 'orph')).length === 0);
  });

  it('--cascade=foreground: the Deployment waits with the foregroundDeletion finalizer until its ReplicaSet and pods are gone', async () => {
    await c.apply(deployment('fg'));
    await rolledOut('fg');
    const [rs] = await items('rs', 'fg');
    ok(await kubectl(['delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false']));

    // While the pods terminate (3 s each), the Deployment is still there, marked.
    const marked = (await maybe('deployment', 'fg'))!;
    assert.ok(marked, 'the Deployment is still there');
    assert.ok(marked.metadata.deletionTimestamp, 'with a deletionTimestamp');
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    await c.waitFor('pods terminating', async () => {
      const pods = await items('pods', 'fg');
      return pods.length > 0 && pods.every((p) => p.metadata.deletionTimestamp);
    });
    const whilePods = await maybe('deployment', 'fg');
    assert.ok(whilePods?.metadata.deletionTimestamp, 'the Deployment waits while its pods terminate');
    // The ReplicaSet is deleted in the foreground too: it waits for its pods.
    const rsWhilePods = await maybe('rs', rs!.metadata.name!);
    if (rsWhilePods) assert.deepEqual(rsWhilePods.metadata.finalizers, ['foregroundDeletion']);

    // Read the Deployment first, then what it owns: anything still there after the Deployment was seen gone is a violation.
    const until = Date.now() + 60_000;
    for (;;) {
      const dep = await maybe('deployment', 'fg');
      const pods = await items('pods', 'fg');
      const rsNow = await maybe('rs', rs!.metadata.name!);
      if (!dep) {
        assert.deepEqual(pods.map((p) => p.metadata.name), [], 'the Deployment went only after its pods');
        assert.equal(rsNow, undefined, 'the Deployment went only after its ReplicaSet');
        break;
      }
      assert.ok(dep.metadata.deletionTimestamp && dep.metadata.finalizers?.includes('foregroundDeletion'));
      assert.ok(Date.now() < until, 'the Deployment was not deleted within 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
