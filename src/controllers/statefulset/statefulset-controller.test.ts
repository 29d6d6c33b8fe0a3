import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import type { WatchEvent } from '../../client/api-client.js';
import { CONTROLLERREVISIONS, EVENTS, PODS, PVCS, STATEFULSETS } from '../../client/resources.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { revisionNumber } from '../../controller/history/controller-history.js';
import { ApiError } from '../../machinery/errors.js';
import { openTestbed, type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { StatefulSetController, type StatefulSetControllerOptions } from './statefulset-controller.js';

function sts(name: string, replicas: number, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      ...extra,
    },
  };
}

function withController(fn: (b: Testbed, c: StatefulSetController) => Promise<void>, opts: StatefulSetControllerOptions = {}): Promise<void> {
  return withControllers((ctx) => new StatefulSetController(ctx, opts), fn);
}

const podsOf = async (b: Testbed, app: string): Promise<KObject[]> => (await b.list(PODS)).filter((p) => p.metadata.labels?.app === app);
const names = async (b: Testbed, app: string): Promise<string[]> => (await podsOf(b, app)).map((p) => p.metadata.name!).sort();
const status = async (b: Testbed, name: string): Promise<Record<string, unknown>> => ((await b.client.get(STATEFULSETS, 'default', name)).status ?? {}) as Record<string, unknown>;
const ready = (b: Testbed, name: string): Promise<KObject> => b.setPodStatus('default', name, { phase: 'Running', ready: true, nodeName: 'node-1' });
/** Plays the kubelet finishing a graceful deletion. */
async function finishDeletion(b: Testbed, name: string): Promise<void> {
  const p = (await b.list(PODS)).find((x) => x.metadata.name === name);
  if (p?.metadata.deletionTimestamp) await b.client.delete(PODS, 'default', name, { gracePeriodSeconds: 0 });
}
const terminating = async (b: Testbed, name: string): Promise<boolean> => !!(await b.list(PODS)).find((p) => p.metadata.name === name)?.metadata.deletionTimestamp;

test('OrderedReady: web-0, web-1, web-2 start in order, each after its predecessor is Running and Ready; scale-down goes in reverse, one at a time', async () => {
  await withController(async (b, c) => {
    await b.client.create(STATEFULSETS, 'default', sts('web', 3));
    await b.until('web-0', async () => (await names(b, 'web')).length === 1);
    await c.idle();
    assert.deepEqual(await names(b, 'web'), ['web-0'], 'web-1 waits for web-0');
    const p0 = (await podsOf(b, 'web'))[0]!;
    assert.equal(p0.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(p0.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
    assert.ok(p0.metadata.labels?.['controller-revision-hash']?.startsWith('web-'));
    assert.equal((p0.spec as { hostname?: string }).hostname, 'web-0');
    assert.equal((p0.spec as { subdomain?: string }).subdomain, 'web');
    assert.equal(controllerOf(p0)?.kind, 'StatefulSet');

    // Running but not Ready is not enough.
    await b.setPodStatus('default', 'web-0', { phase: 'Running', ready: false, nodeName: 'node-1' });
    await c.idle();
    assert.deepEqual(await names(b, 'web'), ['web-0']);
    await ready(b, 'web-0');
    await b.until('web-1', async () => (await names(b, 'web')).length === 2);
    await c.idle();
    assert.deepEqual(await names(b, 'web'), ['web-0', 'web-1']);
    await ready(b, 'web-1');
    await b.until('web-2', async () => (await names(b, 'web')).length === 3);
    await ready(b, 'web-2');
    await b.until('status: 3 ready, revisions set', async () => {
      const s = await status(b, 'web');
      return s.readyReplicas === 3 && s.replicas === 3 && s.availableReplicas === 3 && s.currentReplicas === 3 && s.updatedReplicas === 3 && s.observedGeneration === 1 && !!s.currentRevision && s.currentRevision === s.updateRevision;
    });
    const events = await b.events();
    for (const n of ['web-0', 'web-1', 'web-2']) {
      assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.involved === 'StatefulSet/web' && e.message === `create Pod ${n} in StatefulSet web successful`), n);
    }
    assert.equal((await b.list(CONTROLLERREVISIONS)).length, 1);

    // Scale to 1: web-2 goes first; web-1 only once web-2 has left the store.
    await b.client.patch(STATEFULSETS, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await b.until('web-2 terminating', () => terminating(b, 'web-2'));
    await c.idle();
    assert.equal(await terminating(b, 'web-1'), false, 'web-1 waits for web-2 to be gone');
    await finishDeletion(b, 'web-2');
    await b.until('web-1 terminating', () => terminating(b, 'web-1'));
    await finishDeletion(b, 'web-1');
    await b.until('only web-0 left, status 1', async () => (await names(b, 'web')).join() === 'web-0' && (await status(b, 'web')).replicas === 1);
    assert.ok((await b.events()).some((e) => e.reason === 'SuccessfulDelete' && e.message === 'delete Pod web-2 in StatefulSet web successful'));
  });
});

test('spec.ordinals.start numbers the pods from the start ordinal', async () => {
  await withController(async (b) => {
    await b.client.create(STATEFULSETS, 'default', sts('db', 2, { ordinals: { start: 5 }, podManagementPolicy: 'Parallel' }));
    await b.until('db-5 and db-6', async () => (await names(b, 'db')).join() === 'db-5,db-6');
    assert.equal((await podsOf(b, 'db')).find((p) => p.metadata.name === 'db-5')?.metadata.labels?.['apps.kubernetes.io/pod-index'], '5');
  });
});

test('Parallel: every pod at once, and every condemned pod at once', async () => {
  await withController(async (b, c) => {
    await b.client.create(STATEFULSETS, 'default', sts('par', 3, { podManagementPolicy: 'Parallel' }));
    await b.until('3 pods without any being ready', async () => (await names(b, 'par')).length === 3);
    await c.idle();
    await b.client.patch(STATEFULSETS, 'default', 'par', 'merge', { spec: { replicas: 0 } });
    // Unbound pods leave the store at once; nothing waits for anything.
    await b.until('all gone', async () => (await names(b, 'par')).length === 0);
    await b.until('status 0', async () => ((await status(b, 'par')).replicas ?? 0) === 0);
  });
});

test('a Failed pod is deleted and recreated under the same name, only after the old object has left the store', async () => {
  await withController(async (b, c) => {
    await b.client.create(STATEFULSETS, 'default', sts('web', 3));
    for (const n of ['web-0', 'web-1', 'web-2']) {
      await b.until(n, async () => (await names(b, 'web')).includes(n));
      await ready(b, n);
    }
    // Record every pod event from here on.
    const seen: { type: WatchEvent['type']; name: string; uid: string }[] = [];
    const abort = new AbortController();
    const { resourceVersion } = await b.client.list(PODS, { namespace: 'default' });
    const watching = b.client.watch(PODS, { namespace: 'default', resourceVersion }, (e) => seen.push({ type: e.type, name: e.object.metadata.name ?? '', uid: e.object.metadata.uid ?? '' }), abort.signal);

    // A finalizer keeps the failed pod in the store after the controller deletes it.
    const old = await b.client.patch(PODS, 'default', 'web-1', 'merge', { metadata: { finalizers: ['test/hold'] } });
    await b.setPodStatus('default', 'web-1', { phase: 'Failed', nodeName: 'node-1' });
    await b.until('web-1 terminating', () => terminating(b, 'web-1'));
    await c.idle();
    b.clock.advance(60_000);
    await c.idle();
    const still = (await podsOf(b, 'web')).filter((p) => p.metadata.name === 'web-1');
    assert.equal(still.length, 1);
    assert.equal(still[0]!.metadata.uid, old.metadata.uid, 'no replacement while the old object exists');

    await b.client.patch(PODS, 'default', 'web-1', 'merge', { metadata: { finalizers: null } });
    await b.until('a new web-1', async () => {
      const p = (await podsOf(b, 'web')).find((x) => x.metadata.name === 'web-1');
      return !!p && p.metadata.uid !== old.metadata.uid;
    });
    abort.abort();
    await watching;
    const web1 = seen.filter((e) => e.name === 'web-1');
    const deleted = web1.findIndex((e) => e.type === 'DELETED' && e.uid === old.metadata.uid);
    const added = web1.findIndex((e) => e.type === 'ADDED' && e.uid !== old.metadata.uid);
    assert.ok(deleted >= 0 && added > deleted, `the new pod is created only after the old one's DELETED event: ${JSON.stringify(web1)}`);
    const events = await b.events();
    assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && e.message === 'delete Pod web-1 in StatefulSet web successful'));
    // The recorder folds the second identical event into the first one's count.
    const creates = (await b.list(EVENTS)).filter((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Pod web-1 in StatefulSet web successful');
    assert.equal(creates.reduce((n, e) => n + Number(e.count ?? 1), 0), 2);

    // A deleted (terminating) Running pod blocks its ordinal the same way until the kubelet finishes.
    await ready(b, 'web-1');
    const before = (await b.client.get(PODS, 'default', 'web-2')).metadata.uid;
    await b.client.delete(PODS, 'default', 'web-2');
    await c.idle();
    assert.equal((await b.client.get(PODS, 'default', 'web-2')).metadata.uid, before);
    await finishDeletion(b, 'web-2');
    await b.until('web-2 back', async () => {
      const p = (await podsOf(b, 'web')).find((x) => x.metadata.name === 'web-2');
      return !!p && p.metadata.uid !== before;
    });
  });
});

const claimTemplate = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };

test('volumeClaimTemplates: claims <template>-<set>-<ordinal> before the pod, referenced by it; retention owners as Kubernetes sets them', async () => {
  await withController(async (b) => {
    await b.client.create(
      STATEFULSETS,
      'default',
      sts('pg', 3, { podManagementPolicy: 'Parallel', volumeClaimTemplates: [claimTemplate], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }),
    );
    await b.until('3 pods', async () => (await names(b, 'pg')).length === 3);
    const set = await b.client.get(STATEFULSETS, 'default', 'pg');
    await b.until('3 claims owned by the set', async () => {
      const cs = (await b.list(PVCS)).filter((c) => c.metadata.name?.startsWith('data-pg-'));
      return cs.length === 3 && cs.every((c) => controllerOf(c)?.uid === set.metadata.uid);
    });
    const pvcs = await b.list(PVCS);
    assert.deepEqual(pvcs.map((c) => c.metadata.name).sort(), ['data-pg-0', 'data-pg-1', 'data-pg-2']);
    assert.ok(pvcs.every((c) => c.metadata.labels?.app === 'pg'));
    const pod1 = (await podsOf(b, 'pg')).find((p) => p.metadata.name === 'pg-1')!;
    assert.deepEqual((pod1.spec as { volumes: unknown[] }).volumes[0], { name: 'data', persistentVolumeClaim: { claimName: 'data-pg-1' } });
    assert.ok((await b.events()).some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Claim data-pg-0 Pod pg-0 in StatefulSet pg success'));

    // whenScaled: Delete — the condemned ordinals' claims go with their pods; the kept one stays with the set.
    await b.client.patch(STATEFULSETS, 'default', 'pg', 'merge', { spec: { replicas: 1 } });
    await b.until('claims of pg-1 and pg-2 collected with their pods', async () => (await b.list(PVCS)).map((c) => c.metadata.name).join() === 'data-pg-0');
    assert.deepEqual(await names(b, 'pg'), ['pg-0']);
    assert.equal(controllerOf((await b.list(PVCS))[0]!)?.kind, 'StatefulSet');

    // whenDeleted: Delete — the remaining claim is collected with the set.
    await b.client.delete(STATEFULSETS, 'default', 'pg');
    await b.until('the last claim collected', async () => (await b.list(PVCS)).length === 0);
  });
});

test('Retain (the default): claims carry no owner and outlive scale-down; the same claim is reused when the ordinal comes back', async () => {
  await withController(async (b) => {
    await b.client.create(STATEFULSETS, 'default', sts('keep', 2, { podManagementPolicy: 'Parallel', volumeClaimTemplates: [claimTemplate] }));
    await b.until('2 pods', async () => (await names(b, 'keep')).length === 2);
    await b.until('2 claims', async () => (await b.list(PVCS)).length === 2);
    const uid1 = (await b.client.get(PVCS, 'default', 'data-keep-1')).metadata.uid;
    assert.equal((await b.client.get(PVCS, 'default', 'data-keep-1')).metadata.ownerReferences, undefined);
    await b.client.patch(STATEFULSETS, 'default', 'keep', 'merge', { spec: { replicas: 1 } });
    await b.until('1 pod', async () => (await names(b, 'keep')).length === 1);
    assert.equal((await b.list(PVCS)).length, 2);
    await b.client.patch(STATEFULSETS, 'default', 'keep', 'merge', { spec: { replicas: 2 } });
    await b.until('keep-1 back', async () => (await names(b, 'keep')).length === 2);
    assert.equal((await b.client.get(PVCS, 'default', 'data-keep-1')).metadata.uid, uid1);
  });
});

async function threeReady(b: Testbed, name: string): Promise<void> {
  for (const n of [0, 1, 2].map((i) => `${name}-${i}`)) {
    await b.until(n, async () => (await names(b, name)).includes(n));
    await ready(b, n);
  }
  await b.until('3 ready', async () => (await status(b, name)).readyReplicas === 3);
}

const image = (p: KObject): string => (p.spec as { containers: { image: string }[] }).containers[0]!.image;

test('RollingUpdate goes from the highest ordinal down, one pod at a time, and stops at the partition; rollback re-numbers the old revision', async () => {
  await withController(async (b, c) => {
    await b.client.create(STATEFULSETS, 'default', sts('web', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await threeReady(b, 'web');
    const first = (await status(b, 'web')).currentRevision as string;
    await b.client.patch(STATEFULSETS, 'default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    await b.until('web-2 terminating', () => terminating(b, 'web-2'));
    await c.idle();
    assert.equal(await terminating(b, 'web-1'), false, 'one at a time');
    await finishDeletion(b, 'web-2');
    await b.until('web-2 at the new image', async () => {
      const p = (await podsOf(b, 'web')).find((x) => x.metadata.name === 'web-2');
      return !!p && image(p) === 'busybox:2';
    });
    await c.idle();
    assert.equal(await terminating(b, 'web-1'), false, 'web-1 waits for web-2 to be ready');
    await ready(b, 'web-2');
    await b.until('web-1 terminating', () => terminating(b, 'web-1'));
    await finishDeletion(b, 'web-1');
    await b.until('web-1 recreated', async () => (await names(b, 'web')).includes('web-1'));
    await ready(b, 'web-1');
    await b.until('2 updated, 1 current', async () => {
      const s = await status(b, 'web');
      return s.updatedReplicas === 2 && s.currentReplicas === 1 && s.readyReplicas === 3 && s.currentRevision === first && s.updateRevision !== first;
    });
    await c.idle();
    const pods = await podsOf(b, 'web');
    assert.equal(image(pods.find((p) => p.metadata.name === 'web-0')!), 'busybox', 'below the partition: untouched');
    assert.equal(await terminating(b, 'web-0'), false);

    // Partition 0: web-0 follows, and the rollout completes.
    await b.client.patch(STATEFULSETS, 'default', 'web', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await b.until('web-0 terminating', () => terminating(b, 'web-0'));
    await finishDeletion(b, 'web-0');
    await b.until('web-0 recreated', async () => (await names(b, 'web')).includes('web-0'));
    await ready(b, 'web-0');
    await b.until('complete', async () => {
      const s = await status(b, 'web');
      return s.updatedReplicas === 3 && s.currentReplicas === 3 && s.currentRevision === s.updateRevision && s.currentRevision !== first;
    });
    const revs = await b.list(CONTROLLERREVISIONS);
    assert.equal(revs.length, 2);
    assert.ok(revs.every((r) => r.metadata.labels?.['controller.kubernetes.io/hash'] && controllerOf(r)?.name === 'web'));

    // Back to the first template: no new revision, the first one becomes revision 3.
    await b.client.patch(STATEFULSETS, 'default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });
    await b.until('first revision re-numbered', async () => {
      const r = (await b.list(CONTROLLERREVISIONS)).find((x) => x.metadata.name === first);
      return !!r && revisionNumber(r) === 3 && (await status(b, 'web')).updateRevision === first;
    });
    assert.equal((await b.list(CONTROLLERREVISIONS)).length, 2);
  });
});

test('OnDelete: a template change replaces nothing until a pod is deleted; the replacement has the new template', async () => {
  await withController(async (b, c) => {
    await b.client.create(STATEFULSETS, 'default', sts('od', 3, { updateStrategy: { type: 'OnDelete' } }));
    await threeReady(b, 'od');
    await b.client.patch(STATEFULSETS, 'default', 'od', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    await b.until('update revision moves', async () => {
      const s = await status(b, 'od');
      return s.updateRevision !== s.currentRevision && s.observedGeneration === 2;
    });
    b.clock.advance(60_000);
    await c.idle();
    assert.ok((await podsOf(b, 'od')).every((p) => !p.metadata.deletionTimestamp && image(p) === 'busybox'));
    await b.client.delete(PODS, 'default', 'od-1');
    await finishDeletion(b, 'od-1');
    await b.until('od-1 at the new image', async () => {
      const p = (await podsOf(b, 'od')).find((x) => x.metadata.name === 'od-1');
      return !!p && image(p) === 'busybox:2';
    });
    await ready(b, 'od-1');
    await b.until('1 updated', async () => (await status(b, 'od')).updatedReplicas === 1);
  });
});

test('revisionHistoryLimit keeps that many non-live revisions', async () => {
  await withController(async (b) => {
    await b.client.create(STATEFULSETS, 'default', sts('h', 1, { revisionHistoryLimit: 1, podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } }));
    await b.until('h-0', async () => (await names(b, 'h')).length === 1);
    for (const tag of ['2', '3', '4']) {
      await b.client.patch(STATEFULSETS, 'default', 'h', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: `busybox:${tag}` }] } } } });
      await b.until(`revision for ${tag}`, async () => (await b.list(CONTROLLERREVISIONS)).some((r) => JSON.stringify(r.data).includes(`busybox:${tag}`)));
    }
    // Live: the current (the pod's) and the update revision; plus one of history.
    await b.until('3 revisions left', async () => (await b.list(CONTROLLERREVISIONS)).length === 3);
  });
});

test('MaxUnavailableStatefulSet gate on: maxUnavailable pods are updated at once', async () => {
  await withController(
    async (b) => {
      await b.client.create(STATEFULSETS, 'default', sts('mu', 3, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }));
      await threeReady(b, 'mu');
      await b.client.patch(STATEFULSETS, 'default', 'mu', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
      await b.until('mu-2 and mu-1 terminating together', async () => (await terminating(b, 'mu-2')) && (await terminating(b, 'mu-1')));
      assert.equal(await terminating(b, 'mu-0'), false);
    },
    { maxUnavailableStatefulSet: true },
  );
});

test('minReadySeconds: availableReplicas counts pods Ready for that long, on the clock; OrderedReady waits for availability', async () => {
  await withController(async (b, c) => {
    await b.client.create(STATEFULSETS, 'default', sts('slow', 2, { minReadySeconds: 30 }));
    await b.until('slow-0', async () => (await names(b, 'slow')).length === 1);
    await ready(b, 'slow-0');
    await b.until('ready 1', async () => (await status(b, 'slow')).readyReplicas === 1);
    await c.idle();
    assert.equal((await status(b, 'slow')).availableReplicas ?? 0, 0);
    assert.deepEqual(await names(b, 'slow'), ['slow-0'], 'slow-1 waits until slow-0 is available');
    b.clock.advance(31_000);
    await b.until('available 1 and slow-1 created', async () => (await status(b, 'slow')).availableReplicas === 1 && (await names(b, 'slow')).length === 2);
  });
});

test('a create the API refuses is a FailedCreate event with Kubernetes wording', async () => {
  const b = await openTestbed({
    admission: [
      {
        name: 'test-quota',
        admit(req: { op: string; resource: { plural: string } }) {
          if (req.op === 'create' && req.resource.plural === 'pods') throw new ApiError(403, 'Forbidden', 'pods "web-0" is forbidden: exceeded quota: test');
        },
      },
    ],
  });
  const c = new StatefulSetController({ client: b.client, informers: b.informers, clock: b.clock, log: b.log, recorder: () => b.recorder });
  b.informers.start();
  await b.informers.synced();
  c.start();
  try {
    await b.client.create(STATEFULSETS, 'default', sts('web', 1));
    await b.until('FailedCreate', async () =>
      (await b.events()).some((e) => e.reason === 'FailedCreate' && e.message === 'create Pod web-0 in StatefulSet web failed error: pods "web-0" is forbidden: exceeded quota: test'),
    );
  } finally {
    await c.stop();
    await b.close();
  }
});
