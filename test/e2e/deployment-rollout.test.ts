// Deployments as a user drives them with the real kubectl against `hale up`:
// a rollout that completes (`rollout status`), a deleted pod replaced, `set
// image` rolling out with `rollout history` and `rollout undo`, `rollout
// restart`, `pause`/`resume`, and a rollout to a crashing container that
// stalls within maxUnavailable (the old pods keep serving), reports
// ProgressDeadlineExceeded, and is healed by `rollout undo`. One cluster
// for the whole file; each step builds on the previous one.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../src/api/object.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: busybox:1.36
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
`;

interface Counts {
  ready: number;
  running: number;
}

describe('Deployment rollouts with kubectl', () => {
  let c: Cluster;
  const kubectl = (args: string[], timeoutMs?: number) => c.hale.kubectl(args, timeoutMs !== undefined ? { timeoutMs } : {});
  const replicaSets = async (): Promise<KObject[]> =>
    (JSON.parse(ok(await kubectl(['get', 'rs', '-l', 'app=web', '-o', 'json']))) as { items: KObject[] }).items;
  const pods = async (): Promise<KObject[]> =>
    (JSON.parse(ok(await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']))) as { items: KObject[] }).items;
  const deployment = async (): Promise<KObject> => JSON.parse(ok(await kubectl(['get', 'deployment', 'web', '-o', 'json']))) as KObject;
  const imageOf = (o: KObject): string => (o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
  const rolledOut = async (): Promise<void> => {
    const r = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], 100_000);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /deployment "web" successfully rolled out/);
  };
  /** pods of one ReplicaSet (by its hash) that are Running, and Ready */
  const podsOf = async (hash: string): Promise<Counts> => {
    const mine = (await pods()).filter((p) => p.metadata.labels?.['pod-template-hash'] === hash && !p.metadata.deletionTimestamp);
    const st = (p: KObject) => p.status as { phase?: string; conditions?: { type: string; status: string }[] };
    return {
      running: mine.filter((p) => st(p).phase === 'Running').length,
      ready: mine.filter((p) => st(p).conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length,
    };
  };

  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('a 3-replica Deployment becomes ready: rollout status succeeds', async () => {
    await c.apply(manifest);
    await rolledOut();
    const d = await deployment();
    const s = d.status as { replicas: number; updatedReplicas: number; readyReplicas: number; availableReplicas: number; conditions: { type: string; status: string; reason: string }[] };
    assert.deepEqual([s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas], [3, 3, 3, 3]);
    assert.ok(s.conditions.some((x) => x.type === 'Available' && x.status === 'True' && x.reason === 'MinimumReplicasAvailable'));
    assert.ok(s.conditions.some((x) => x.type === 'Progressing' && x.status === 'True' && x.reason === 'NewReplicaSetAvailable'));
    const [rs] = await replicaSets();
    assert.match(rs!.metadata.name!, new RegExp(`^web-${rs!.metadata.labels?.['pod-template-hash']}$`));
    const events = await c.events('web');
    assert.ok(events.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set ${rs!.metadata.name} from 0 to 3`), JSON.stringify(events));
    assert.match(ok(await kubectl(['get', 'deployment', 'web'])), /web\s+3\/3\s+3\s+3\s/);
  });

  it('a deleted pod is replaced by a Running one', async () => {
    const before = await pods();
    const victim = before[0]!.metadata.name!;
    ok(await kubectl(['delete', 'pod', victim, '--wait=false']));
    await c.waitFor('3 Running pods without the deleted one', async () => {
      const now = (await pods()).filter((p) => !p.metadata.deletionTimestamp && (p.status as { phase?: string }).phase === 'Running');
      return now.length === 3 && !now.some((p) => p.metadata.name === victim);
    });
    await rolledOut();
  });

  it('set image rolls out; rollout history shows 2 revisions; rollout undo goes back', async () => {
    ok(await kubectl(['set', 'image', 'deployment/web', 'app=busybox:1.37']));
    ok(await kubectl(['annotate', 'deployment/web', 'kubernetes.io/change-cause=image 1.37']));
    await rolledOut();
    assert.equal(imageOf(await deployment()), 'busybox:1.37');
    // The change-cause is copied onto the new ReplicaSet, where rollout history reads it.
    const history = await c.waitFor('the change-cause in the history', async () => {
      const h = ok(await kubectl(['rollout', 'history', 'deployment/web']));
      return /\n2\s+image 1\.37\n/.test(h) ? h : undefined;
    });
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+image 1\.37\n/, history);
    const rev2 = ok(await kubectl(['rollout', 'history', 'deployment/web', '--revision=2']));
    assert.match(rev2, /busybox:1\.37/);

    const undo = ok(await kubectl(['rollout', 'undo', 'deployment/web']));
    assert.match(undo, /deployment.apps\/web rolled back/);
    await rolledOut();
    const d = await deployment();
    assert.equal(imageOf(d), 'busybox:1.36');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    const after = ok(await kubectl(['rollout', 'history', 'deployment/web']));
    // kubectl undo restores revision 1's annotations, which had no change-cause.
    assert.match(after, /\n2\s+image 1\.37\n3\s+<none>\n/, after);
    const revived = (await replicaSets()).find((r) => imageOf(r) === 'busybox:1.36')!;
    assert.equal(revived.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  });

  it('rollout restart makes a new ReplicaSet', async () => {
    const before = (await replicaSets()).map((r) => r.metadata.name);
    ok(await kubectl(['rollout', 'restart', 'deployment/web']));
    await rolledOut();
    const after = await replicaSets();
    assert.equal(after.length, before.length + 1);
    const fresh = after.find((r) => !before.includes(r.metadata.name))!;
    assert.ok((fresh.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']);
    assert.equal((fresh.spec as { replicas: number }).replicas, 3);
  });

  it('a paused Deployment does not roll out until resumed', async () => {
    ok(await kubectl(['rollout', 'pause', 'deployment/web']));
    const before = (await replicaSets()).length;
    ok(await kubectl(['set', 'image', 'deployment/web', 'app=busybox:paused']));
    await c.waitFor('Progressing DeploymentPaused', async () =>
      ((await deployment()).status as { conditions: { type: string; reason: string }[] }).conditions.some((x) => x.type === 'Progressing' && x.reason === 'DeploymentPaused'),
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await replicaSets()).length, before, 'no new ReplicaSet while paused');
    ok(await kubectl(['rollout', 'resume', 'deployment/web']));
    await rolledOut();
    assert.equal((await replicaSets()).length, before + 1);
    assert.equal(imageOf((await replicaSets()).find((r) => (r.spec as { replicas: number }).replicas === 3)!), 'busybox:paused');
  });

  it('a crashing rollout stalls within maxUnavailable, exceeds its progress deadline, and rollout undo heals it', async () => {
    const good = (await replicaSets()).find((r) => (r.spec as { replicas: number }).replicas === 3)!;
    const goodHash = good.metadata.labels!['pod-template-hash']!;
    ok(
      await kubectl([
        'patch', 'deployment', 'web', '--type=json', '-p',
        JSON.stringify([
          { op: 'add', path: '/spec/progressDeadlineSeconds', value: 10 },
          // A pod that crashes within milliseconds can still be seen Running and Ready for an instant on a
          // loaded machine (no readiness probe: running is ready); one second of minReadySeconds keeps such
          // an instant from counting as available, as the scenario means.
          { op: 'add', path: '/spec/minReadySeconds', value: 1 },
          { op: 'replace', path: '/spec/template/spec/containers/0/command', value: ['sh', '-c', 'exit 1'] },
        ]),
      ]),
    );
    const r = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=120s'], 130_000);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /error: deployment "web" exceeded its progress deadline/);
    const d = await deployment();
    const progressing = (d.status as { conditions: { type: string; status: string; reason: string }[] }).conditions.find((x) => x.type === 'Progressing');
    assert.deepEqual([progressing?.status, progressing?.reason], ['False', 'ProgressDeadlineExceeded']);
    // 25% of 3: surge 1, unavailable 0 — every old pod is still serving.
    assert.deepEqual(await podsOf(goodHash), { running: 3, ready: 3 }, ok(await kubectl(['get', 'rs,pods'])));
    const bad = (await replicaSets()).find((x) => x.metadata.uid !== good.metadata.uid && (x.spec as { replicas: number }).replicas > 0)!;
    assert.equal((bad.spec as { replicas: number }).replicas, 1);

    ok(await kubectl(['rollout', 'undo', 'deployment/web']));
    await rolledOut();
    assert.deepEqual(await podsOf(goodHash), { running: 3, ready: 3 });
    const healed = await deployment();
    const p2 = (healed.status as { conditions: { type: string; reason: string }[] }).conditions.find((x) => x.type === 'Progressing');
    assert.equal(p2?.reason, 'NewReplicaSetAvailable');
  });
});
