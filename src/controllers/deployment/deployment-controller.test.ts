import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../../client/resources.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { computeHash } from '../../controller/hash.js';
import { isPodActive, isPodReady } from '../../controller/pod-state.js';
import { openTestbed, type Testbed } from '../../controller/testing/testbed.js';
import { ReplicaSetController } from '../replicaset/replicaset-controller.js';
import { DeploymentController } from './deployment-controller.js';
import type { Condition, DeploymentStatus } from './types.js';

interface DeploymentOptions {
  replicas: number;
  image?: string;
  strategy?: object;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  annotations?: Record<string, string>;
}

function deployment(name: string, o: DeploymentOptions): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: name } },
      ...(o.strategy ? { strategy: o.strategy } : {}),
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: o.image ?? 'busybox:1' }] } },
    },
  };
}

interface Env {
  b: Testbed;
  /** waits until both controllers are idle and nothing in the store moves any more */
  settle(): Promise<void>;
  rss(app: string): Promise<KObject[]>;
  pods(app: string): Promise<KObject[]>;
  get(name: string): Promise<KObject>;
  setImage(name: string, image: string): Promise<void>;
  /** plays the kubelet for pods being deleted: they finish and leave the store */
  finishTerminating(): Promise<void>;
  /** marks `n` active pods that are not ready (all when undefined) Running and Ready */
  markReady(app: string, n?: number): Promise<number>;
}

async function withControllers(fn: (e: Env) => Promise<void>): Promise<void> {
  const b = await openTestbed();
  const ctx = { client: b.client, informers: b.informers, clock: b.clock, log: b.log, recorder: () => b.recorder };
  const rsc = new ReplicaSetController(ctx);
  const dc = new DeploymentController(ctx);
  b.informers.start();
  await b.informers.synced();
  rsc.start();
  dc.start();
  const snapshot = async (): Promise<string> =>
    JSON.stringify([...(await b.list(PODS)), ...(await b.list(REPLICASETS)), ...(await b.list(DEPLOYMENTS))].map((o) => o.metadata.resourceVersion).sort());
  const e: Env = {
    b,
    async settle() {
      let last = '';
      for (let i = 0; i < 400; i++) {
        await rsc.idle();
        await dc.idle();
        await new Promise((r) => setTimeout(r, 25));
        const now = await snapshot();
        if (now === last) return;
        last = now;
      }
      throw new Error('the controllers never settled');
    },
    rss: async (app) => (await b.list(REPLICASETS)).filter((r) => r.metadata.labels?.app === app),
    pods: async (app) => (await b.list(PODS)).filter((p) => p.metadata.labels?.app === app && isPodActive(p)),
    get: (name) => b.client.get(DEPLOYMENTS, 'default', name),
    async setImage(name, image) {
      const d = await b.client.get(DEPLOYMENTS, 'default', name);
      const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
      spec.template.spec.containers[0]!.image = image;
      await b.client.update(DEPLOYMENTS, d);
    },
    async finishTerminating() {
      for (const p of await b.list(PODS)) {
        if (p.metadata.deletionTimestamp) await b.client.delete(PODS, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
      }
    },
    async markReady(app, n) {
      let done = 0;
      for (const p of await e.pods(app)) {
        if (n !== undefined && done >= n) break;
        if (isPodReady(p)) continue;
        await b.setPodStatus('default', p.metadata.name!, { phase: 'Running', ready: true, nodeName: 'node-1' });
        done++;
      }
      return done;
    },
  };
  try {
    await fn(e);
  } finally {
    await dc.stop();
    await rsc.stop();
    await b.close();
  }
}

const statusOf = (d: KObject): DeploymentStatus => (d.status ?? {}) as DeploymentStatus;
const cond = (d: KObject, type: string): Condition | undefined => statusOf(d).conditions?.find((c) => c.type === type);
const replicasOf = (rs: KObject): number => (rs.spec as { replicas: number }).replicas;
const imageOf = (o: KObject): string => ((o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image);
const revision = (o: KObject): string | undefined => o.metadata.annotations?.['deployment.kubernetes.io/revision'];

test('a Deployment gets a ReplicaSet <name>-<hash> with the hash label, revision annotations, status and conditions', async () => {
  await withControllers(async (e) => {
    await e.b.client.create(DEPLOYMENTS, 'default', deployment('web', { replicas: 3, annotations: { 'kubernetes.io/change-cause': 'first' } }));
    await e.settle();
    const [rs] = await e.rss('web');
    assert.ok(rs);
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.ok(hash && rs.metadata.name === `web-${hash}`, rs.metadata.name);
    const spec = rs.spec as { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
    assert.equal(spec.replicas, 3);
    assert.deepEqual(spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(spec.template.metadata.labels['pod-template-hash'], hash);
    assert.equal(controllerOf(rs)?.kind, 'Deployment');
    assert.deepEqual(
      Object.fromEntries(Object.entries(rs.metadata.annotations ?? {}).sort()),
      { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': '1', 'kubernetes.io/change-cause': 'first' },
    );
    const pods = await e.pods('web');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === hash));

    let d = await e.get('web');
    assert.equal(revision(d), '1');
    assert.equal(cond(d, 'Available')?.reason, 'MinimumReplicasUnavailable');
    assert.equal(cond(d, 'Progressing')?.reason, 'ReplicaSetUpdated');

    await e.markReady('web');
    await e.settle();
    d = await e.get('web');
    const s = statusOf(d);
    assert.deepEqual([s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas ?? 0, s.observedGeneration], [3, 3, 3, 3, 0, d.metadata.generation]);
    assert.deepEqual(cond(d, 'Available'), { ...cond(d, 'Available'), status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    assert.deepEqual(cond(d, 'Progressing'), { ...cond(d, 'Progressing'), status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.` });
    const events = await e.b.events();
    assert.ok(events.some((x) => x.reason === 'ScalingReplicaSet' && x.involved === 'Deployment/web' && x.message === `Scaled up replica set ${rs.metadata.name} from 0 to 3`), JSON.stringify(events));

    // A rollout and a rollback: the old ReplicaSet comes back as revision 3 and remembers it was 1.
    e.b.clock.advance(1000);
    await e.setImage('web', 'busybox:2');
    await e.settle();
    for (let i = 0; i < 10 && (await e.markReady('web')) > 0; i++) await e.settle();
    await e.finishTerminating();
    await e.settle();
    e.b.clock.advance(1000);
    await e.setImage('web', 'busybox:1');
    await e.settle();
    for (let i = 0; i < 10 && (await e.markReady('web')) > 0; i++) await e.settle();
    const back = (await e.rss('web')).find((r) => r.metadata.uid === rs.metadata.uid)!;
    assert.equal(revision(back), '3');
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(replicasOf(back), 3);
    d = await e.get('web');
    assert.equal(revision(d), '3');
    assert.equal(cond(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  });
});

test('a rolling update keeps within maxSurge and maxUnavailable (25% of 10: surge 3, unavailable 2) at every step', async () => {
  await withControllers(async (e) => {
    await e.b.client.create(DEPLOYMENTS, 'default', deployment('roll', { replicas: 10 }));
    await e.settle();
    await e.markReady('roll');
    await e.settle();
    e.b.clock.advance(1000);
    await e.setImage('roll', 'busybox:2');
    let steps = 0;
    let maxTotal = 0;
    let minAvailable = Infinity;
    for (;;) {
      await e.settle();
      const pods = await e.pods('roll');
      const ready = pods.filter(isPodReady).length;
      maxTotal = Math.max(maxTotal, pods.length);
      minAvailable = Math.min(minAvailable, ready);
      assert.ok(pods.length <= 13, `step ${steps}: ${pods.length} pods > 10 + 3`);
      assert.ok(ready >= 8, `step ${steps}: ${ready} available < 10 - 2`);
      const d = await e.get('roll');
      if (statusOf(d).updatedReplicas === 10 && statusOf(d).replicas === 10 && statusOf(d).availableReplicas === 10) break;
      assert.ok((await e.markReady('roll', 1)) === 1, `step ${steps}: stuck with no pod to make ready`);
      if (++steps > 40) assert.fail('rollout did not finish');
    }
    assert.equal(maxTotal, 13, 'the surge was used');
    assert.equal(minAvailable, 8, 'the unavailability budget was used');
    const rss = await e.rss('roll');
    assert.equal(rss.length, 2);
    assert.deepEqual(rss.map(replicasOf).sort(), [0, 10]);
    const events = (await e.b.events()).filter((x) => x.reason === 'ScalingReplicaSet').map((x) => x.message);
    const newRS = rss.find((r) => replicasOf(r) === 10)!.metadata.name!;
    const oldRS = rss.find((r) => replicasOf(r) === 0)!.metadata.name!;
    assert.equal(events.filter((m) => m.startsWith(`Scaled up replica set ${newRS} from 0 to 3`)).length, 1, JSON.stringify(events));
    assert.ok(events.includes(`Scaled down replica set ${oldRS} from 10 to 8`), JSON.stringify(events));
  });
});

test('Recreate scales the old ReplicaSet to 0 and creates the new one only once no old pod runs', async () => {
  await withControllers(async (e) => {
    await e.b.client.create(DEPLOYMENTS, 'default', deployment('db', { replicas: 3, strategy: { type: 'Recreate' } }));
    await e.settle();
    await e.markReady('db');
    await e.settle();
    const [old] = await e.rss('db');
    e.b.clock.advance(1000);
    await e.setImage('db', 'busybox:2');
    await e.settle();
    // The old pods are terminating (their node has not confirmed): no new ReplicaSet yet.
    assert.deepEqual((await e.rss('db')).map((r) => [r.metadata.name, replicasOf(r)]), [[old!.metadata.name, 0]]);
    assert.equal((await e.b.list(PODS)).filter((p) => p.metadata.deletionTimestamp).length, 3);
    const d = await e.get('db');
    assert.equal(cond(d, 'Available')?.status, 'False');
    await e.finishTerminating();
    await e.settle();
    const rss = await e.rss('db');
    assert.equal(rss.length, 2);
    const fresh = rss.find((r) => r.metadata.uid !== old!.metadata.uid)!;
    assert.equal(replicasOf(fresh), 3);
    assert.equal(imageOf(fresh), 'busybox:2');
    assert.ok((await e.pods('db')).every((p) => p.metadata.labels?.['pod-template-hash'] === fresh.metadata.labels?.['pod-template-hash']));
    const msgs = (await e.b.events()).filter((x) => x.reason === 'ScalingReplicaSet').map((x) => x.message);
    const down = msgs.indexOf(`Scaled down replica set ${old!.metadata.name} from 3 to 0`);
    const up = msgs.indexOf(`Scaled up replica set ${fresh.metadata.name} from 0 to 3`);
    assert.ok(down >= 0 && up > down, JSON.stringify(msgs));
  });
});

test('scaling during a rollout is proportional: 8 old + 5 new at 10 (max 13) become 15 + 10 at 20 (max 25)', async () => {
  await withControllers(async (e) => {
    await e.b.client.create(DEPLOYMENTS, 'default', deployment('prop', { replicas: 10 }));
    await e.settle();
    await e.markReady('prop');
    await e.settle();
    e.b.clock.advance(1000);
    await e.setImage('prop', 'busybox:2');
    await e.settle();
    // The new pods never become ready: the rollout stalls at 8 old, 5 new.
    const before = await e.rss('prop');
    const oldRS = before.find((r) => imageOf(r) === 'busybox:1')!;
    const newRS = before.find((r) => imageOf(r) === 'busybox:2')!;
    assert.deepEqual([replicasOf(oldRS), replicasOf(newRS)], [8, 5]);
    await e.b.client.patch(DEPLOYMENTS, 'default', 'prop', 'merge', { spec: { replicas: 20 } });
    await e.settle();
    const after = await e.rss('prop');
    const o = after.find((r) => r.metadata.uid === oldRS.metadata.uid)!;
    const n = after.find((r) => r.metadata.uid === newRS.metadata.uid)!;
    assert.deepEqual([replicasOf(o), replicasOf(n)], [15, 10]);
    for (const rs of [o, n]) {
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '20');
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '25');
    }
    const msgs = (await e.b.events()).map((x) => x.message);
    assert.ok(msgs.includes(`Scaled up replica set ${oldRS.metadata.name} from 8 to 15`), JSON.stringify(msgs));
    assert.ok(msgs.includes(`Scaled up replica set ${newRS.metadata.name} from 5 to 10`), JSON.stringify(msgs));
  });
});

test('revisionHistoryLimit keeps only that many old ReplicaSets, deleting the oldest idle ones', async () => {
  await withControllers(async (e) => {
    await e.b.client.create(DEPLOYMENTS, 'default', deployment('hist', { replicas: 1, revisionHistoryLimit: 2 }));
    for (let v = 2; v <= 5; v++) {
      await e.settle();
      for (let i = 0; i < 5 && (await e.markReady('hist')) > 0; i++) await e.settle();
      e.b.clock.advance(1000);
      await e.setImage('hist', `busybox:${v}`);
    }
    await e.settle();
    for (let i = 0; i < 5 && (await e.markReady('hist')) > 0; i++) await e.settle();
    await e.settle();
    const rss = await e.rss('hist');
    assert.deepEqual(rss.map((r) => revision(r)).sort(), ['3', '4', '5']);
    assert.deepEqual(rss.map(imageOf).sort(), ['busybox:3', 'busybox:4', 'busybox:5']);
  });
});

test('no progress for progressDeadlineSeconds on the clock gives ProgressDeadlineExceeded; progress clears it', async () => {
  await withControllers(async (e) => {
    await e.b.client.create(DEPLOYMENTS, 'default', deployment('slow', { replicas: 4, progressDeadlineSeconds: 30 }));
    await e.settle();
    await e.markReady('slow');
    await e.settle();
    e.b.clock.advance(1000);
    await e.setImage('slow', 'busybox:broken');
    await e.settle();
    let d = await e.get('slow');
    assert.equal(cond(d, 'Progressing')?.reason, 'ReplicaSetUpdated');
    e.b.clock.advance(20_000);
    await e.settle();
    assert.equal(cond(await e.get('slow'), 'Progressing')?.reason, 'ReplicaSetUpdated', 'not before the deadline');
    e.b.clock.advance(12_000);
    await e.settle();
    d = await e.get('slow');
    const newRS = (await e.rss('slow')).find((r) => imageOf(r) === 'busybox:broken')!;
    assert.deepEqual(cond(d, 'Progressing'), { ...cond(d, 'Progressing'), status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` });
    // The old pods keep serving within maxUnavailable: Available stays True.
    assert.equal(cond(d, 'Available')?.status, 'True');
    assert.equal((await e.pods('slow')).filter(isPodReady).length, 3);
    await e.markReady('slow', 1);
    await e.settle();
    assert.equal(cond(await e.get('slow'), 'Progressing')?.reason, 'ReplicaSetUpdated');
  });
});

test('a paused Deployment does not roll out but still scales; resume rolls out', async () => {
  await withControllers(async (e) => {
    await e.b.client.create(DEPLOYMENTS, 'default', deployment('p', { replicas: 2 }));
    await e.settle();
    await e.markReady('p');
    await e.settle();
    await e.b.client.patch(DEPLOYMENTS, 'default', 'p', 'merge', { spec: { paused: true } });
    await e.settle();
    assert.deepEqual(cond(await e.get('p'), 'Progressing'), { ...cond(await e.get('p'), 'Progressing'), status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    e.b.clock.advance(1000);
    await e.setImage('p', 'busybox:2');
    await e.b.client.patch(DEPLOYMENTS, 'default', 'p', 'merge', { spec: { replicas: 4 } });
    await e.settle();
    let rss = await e.rss('p');
    assert.equal(rss.length, 1, 'no new ReplicaSet while paused');
    assert.equal(replicasOf(rss[0]!), 4, 'scaling still applies');
    assert.equal(imageOf(rss[0]!), 'busybox:1');
    await e.b.client.patch(DEPLOYMENTS, 'default', 'p', 'merge', { spec: { paused: false } });
    await e.settle();
    rss = await e.rss('p');
    assert.equal(rss.length, 2);
    const d = await e.get('p');
    assert.ok(['DeploymentResumed', 'NewReplicaSetCreated', 'ReplicaSetUpdated'].includes(cond(d, 'Progressing')?.reason ?? ''), JSON.stringify(cond(d, 'Progressing')));
    for (let i = 0; i < 10 && (await e.markReady('p')) > 0; i++) await e.settle();
    await e.settle();
    const done = await e.get('p');
    assert.equal(cond(done, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    assert.equal(statusOf(done).updatedReplicas, 4);
  });
});

test('a name taken by a foreign ReplicaSet is a hash collision: collisionCount goes up and the next hash is used', async () => {
  await withControllers(async (e) => {
    const d = deployment('coll', { replicas: 1 });
    (d.spec as { paused?: boolean }).paused = true;
    await e.b.client.create(DEPLOYMENTS, 'default', d);
    await e.settle();
    const stored = await e.get('coll');
    const template = (stored.spec as { template: unknown }).template;
    const taken = `coll-${computeHash(template)}`;
    await e.b.client.create(REPLICASETS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: taken, labels: { app: 'other' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    await e.b.client.patch(DEPLOYMENTS, 'default', 'coll', 'merge', { spec: { paused: false } });
    await e.b.until('collisionCount 1 and a ReplicaSet with the next hash', async () => {
      e.b.clock.advance(1000); // the retry backoff
      const rss = await e.rss('coll');
      return statusOf(await e.get('coll')).collisionCount === 1 && rss.some((r) => r.metadata.name === `coll-${computeHash(template, 1)}`);
    });
    assert.equal(controllerOf((await e.b.client.get(REPLICASETS, 'default', taken)))?.uid, undefined, 'the foreign ReplicaSet is left alone');
  });
});

test('an orphan ReplicaSet matching the selector with the same template is adopted as the new one', async () => {
  await withControllers(async (e) => {
    const d = deployment('adopt', { replicas: 2 });
    const spec = d.spec as { template: unknown; selector: unknown };
    const orphan = await e.b.client.create(REPLICASETS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'adopt-manual', labels: { app: 'adopt' } },
      spec: { replicas: 1, selector: spec.selector, template: spec.template },
    });
    await e.b.client.create(DEPLOYMENTS, 'default', d);
    await e.settle();
    const rss = await e.rss('adopt');
    assert.deepEqual(rss.map((r) => r.metadata.name), ['adopt-manual']);
    const rs = rss[0]!;
    assert.equal(rs.metadata.uid, orphan.metadata.uid);
    assert.equal(controllerOf(rs)?.name, 'adopt');
    assert.equal(replicasOf(rs), 2);
    assert.equal(revision(rs), '1');
    // Relabelled out of the selector, it is released and a new ReplicaSet takes over.
    await e.b.client.patch(REPLICASETS, 'default', 'adopt-manual', 'merge', { metadata: { labels: { app: 'gone' } } });
    await e.settle();
    assert.equal(controllerOf(await e.b.client.get(REPLICASETS, 'default', 'adopt-manual')), undefined);
    assert.ok((await e.rss('adopt')).some((r) => r.metadata.name?.startsWith('adopt-') && controllerOf(r)?.name === 'adopt'));
  });
});
