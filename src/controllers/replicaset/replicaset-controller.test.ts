import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { PODS, REPLICASETS } from '../../client/resources.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { isPodActive } from '../../controller/pod-state.js';
import { ApiError } from '../../machinery/errors.js';
import { type Testbed, type TestbedOptions, withControllers } from '../../controller/testing/testbed.js';
import { ReplicaSetController } from './replicaset-controller.js';

function rs(name: string, replicas: number, extra: { minReadySeconds?: number } = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      ...extra,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

function withController(fn: (b: Testbed, c: ReplicaSetController) => Promise<void>, opts: TestbedOptions = {}): Promise<void> {
  return withControllers((ctx) => new ReplicaSetController(ctx), fn, opts);
}

const active = async (b: Testbed, app: string): Promise<KObject[]> => (await b.list(PODS)).filter((p) => p.metadata.labels?.app === app && isPodActive(p));

test('a ReplicaSet creates its pods, reports status, and replaces deleted and failed pods', async () => {
  await withController(async (b) => {
    await b.client.create(REPLICASETS, 'default', rs('web', 3));
    await b.until('3 pods', async () => (await active(b, 'web')).length === 3);
    const pods = await active(b, 'web');
    assert.ok(pods.every((p) => controllerOf(p)?.kind === 'ReplicaSet' && p.metadata.name!.startsWith('web-')));
    await b.markAllReady();
    await b.until('status ready 3', async () => {
      const s = (await b.client.get(REPLICASETS, 'default', 'web')).status as { readyReplicas?: number; availableReplicas?: number; replicas?: number; observedGeneration?: number };
      return s.readyReplicas === 3 && s.availableReplicas === 3 && s.replicas === 3 && s.observedGeneration === 1;
    });

    // A deleted pod (graceful: still in the store, terminating) is replaced at once.
    const victim = pods[0]!;
    await b.client.delete(PODS, 'default', victim.metadata.name!);
    await b.until('replacement for the deleted pod', async () => (await active(b, 'web')).length === 3 && (await active(b, 'web')).every((p) => p.metadata.name !== victim.metadata.name));
    assert.ok((await b.list(PODS)).some((p) => p.metadata.name === victim.metadata.name), 'the terminating pod is still there: replaced before it is gone');

    // A Failed pod is replaced and left in place for the pod garbage collector.
    const failing = (await active(b, 'web'))[0]!;
    await b.setPodStatus('default', failing.metadata.name!, { phase: 'Failed' });
    await b.until('replacement for the failed pod', async () => (await active(b, 'web')).length === 3 && !(await active(b, 'web')).some((p) => p.metadata.name === failing.metadata.name));
    assert.ok((await b.list(PODS)).some((p) => p.metadata.name === failing.metadata.name), 'the failed pod is kept');

    const events = await b.events();
    assert.ok(events.filter((e) => e.reason === 'SuccessfulCreate' && e.involved === 'ReplicaSet/web').length >= 1);
    assert.ok(events.some((e) => /^Created pod: web-/.test(e.message)));
  });
});

test('scale-down deletes unready pods first; scale-up adds; orphans are adopted and non-matching pods released', async () => {
  await withController(async (b) => {
    await b.client.create(REPLICASETS, 'default', rs('api', 4));
    await b.until('4 pods', async () => (await active(b, 'api')).length === 4);
    const pods = await active(b, 'api');
    // Three of them ready, one not.
    for (const p of pods.slice(0, 3)) await b.setPodStatus('default', p.metadata.name!, { phase: 'Running', ready: true, nodeName: 'n1' });
    await b.setPodStatus('default', pods[3]!.metadata.name!, { phase: 'Running', ready: false, nodeName: 'n1' });
    await b.client.patch(REPLICASETS, 'default', 'api', 'merge', { spec: { replicas: 3 } });
    await b.until('3 active', async () => (await active(b, 'api')).length === 3);
    assert.ok(!(await active(b, 'api')).some((p) => p.metadata.name === pods[3]!.metadata.name), 'the unready pod went first');
    assert.ok((await b.events()).some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted pod: ${pods[3]!.metadata.name}`));

    // An orphan with matching labels is adopted: the set does not grow.
    await b.client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await b.until('stray adopted and one pod removed', async () => {
      const a = await active(b, 'api');
      return a.length === 3 && a.every((p) => controllerOf(p)?.name === 'api');
    });

    // A pod relabelled out of the selector is released and replaced.
    const out = (await active(b, 'api'))[0]!;
    await b.client.patch(PODS, 'default', out.metadata.name!, 'merge', { metadata: { labels: { app: 'other' } } });
    await b.until('released and replaced', async () => {
      const released = await b.client.get(PODS, 'default', out.metadata.name!);
      return controllerOf(released) === undefined && (await active(b, 'api')).length === 3;
    });
  });
});

test('availableReplicas waits for minReadySeconds on the clock', async () => {
  await withController(async (b, c) => {
    await b.client.create(REPLICASETS, 'default', rs('slow', 2, { minReadySeconds: 30 }));
    await b.until('2 pods', async () => (await active(b, 'slow')).length === 2);
    await b.markAllReady();
    const status = async () => (await b.client.get(REPLICASETS, 'default', 'slow')).status as { readyReplicas?: number; availableReplicas?: number };
    await b.until('ready 2', async () => (await status()).readyReplicas === 2);
    await c.idle();
    assert.equal((await status()).availableReplicas ?? 0, 0);
    b.clock.advance(31_000);
    await b.until('available 2 after minReadySeconds', async () => (await status()).availableReplicas === 2);
  });
});

test('a create the API refuses sets ReplicaFailure and a FailedCreate event; it clears once creates succeed', async () => {
  let refuse = true;
  // A quota-like admission plugin: refuses pods while `refuse` is set.
  const quota = {
    name: 'test-quota',
    admit(req: { op: string; resource: { plural: string } }) {
      if (refuse && req.op === 'create' && req.resource.plural === 'pods') throw new ApiError(403, 'Forbidden', 'pods "x" is forbidden: exceeded quota: test');
    },
  };
  await withController(
    async (b) => {
      await b.client.create(REPLICASETS, 'default', rs('bad', 2));
      const cond = async () => ((await b.client.get(REPLICASETS, 'default', 'bad')).status as { conditions?: { type: string; reason: string; message: string }[] } | undefined)?.conditions?.find((x) => x.type === 'ReplicaFailure');
      await b.until('ReplicaFailure', async () => (await cond())?.reason === 'FailedCreate');
      assert.match((await cond())!.message, /exceeded quota/);
      assert.ok((await b.events()).some((e) => e.reason === 'FailedCreate' && /exceeded quota/.test(e.message)));
      refuse = false;
      b.clock.advance(120_000); // the failure backoff
      await b.until('pods created and the condition gone', async () => (await active(b, 'bad')).length === 2 && (await cond()) === undefined);
    },
    { admission: [quota] },
  );
});
