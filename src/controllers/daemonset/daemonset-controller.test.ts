import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { CONTROLLERREVISIONS, DAEMONSETS, NODES, PODS } from '../../client/resources.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { isPodActive } from '../../controller/pod-state.js';
import { type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { CONTROLLER_REVISION_HASH_LABEL, TEMPLATE_GENERATION_LABEL, targetNodeName } from './daemon-pod.js';
import { DaemonSetController } from './daemonset-controller.js';

function daemonSet(name: string, extra: { nodeSelector?: Record<string, string>; updateStrategy?: object; image?: string } = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      ...(extra.updateStrategy ? { updateStrategy: extra.updateStrategy } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: { ...(extra.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}), containers: [{ name: 'c', image: extra.image ?? 'busybox:1' }] },
      },
    },
  };
}

function node(name: string, o: { labels?: Record<string, string>; taints?: object[]; ready?: string } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: o.taints ? { taints: o.taints } : {},
    status: { conditions: [{ type: 'Ready', status: o.ready ?? 'True' }] },
  };
}

function withController(fn: (b: Testbed, c: DaemonSetController) => Promise<void>): Promise<void> {
  return withControllers((ctx) => new DaemonSetController(ctx), fn);
}

const live = async (b: Testbed, app: string): Promise<KObject[]> => (await b.list(PODS)).filter((p) => p.metadata.labels?.app === app && isPodActive(p));
const podNodes = (pods: KObject[]): string[] => pods.map((p) => targetNodeName(p) ?? '?').sort();
const image = (p: KObject): string => ((p.spec as { containers: { image: string }[] }).containers[0]?.image ?? '');
const dsStatus = async (b: Testbed, name: string): Promise<Record<string, number>> => ((await b.client.get(DAEMONSETS, 'default', name)).status ?? {}) as Record<string, number>;

/** Plays the kubelet without binding (the pods stay aimed at their node by affinity, and deletes are immediate). */
async function readyAll(b: Testbed, app: string): Promise<void> {
  for (const p of await live(b, app)) {
    const ready = ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    if (!ready) await b.setPodStatus('default', p.metadata.name!, { phase: 'Running', ready: true });
  }
}

test('one pod per eligible node: later nodes get one, relabelled nodes lose theirs, tainted nodes get none', async () => {
  await withController(async (b) => {
    await b.client.create(NODES, '', node('n1', { labels: { disk: 'ssd' } }));
    await b.client.create(NODES, '', node('n2', { labels: { disk: 'ssd' } }));
    await b.client.create(NODES, '', node('tainted', { labels: { disk: 'ssd' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }));
    await b.client.create(DAEMONSETS, 'default', daemonSet('agent', { nodeSelector: { disk: 'ssd' } }));
    await b.until('pods on n1 and n2', async () => JSON.stringify(podNodes(await live(b, 'agent'))) === '["n1","n2"]');

    const pod = (await live(b, 'agent'))[0]!;
    const spec = pod.spec as { affinity: unknown; tolerations: { key: string; effect: string; operator: string; tolerationSeconds?: number }[] };
    assert.equal(controllerOf(pod)?.kind, 'DaemonSet');
    assert.ok(pod.metadata.name!.startsWith('agent-'));
    assert.deepEqual(spec.affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNodeName(pod)] }] }] } } });
    assert.deepEqual(
      spec.tolerations.map((t) => `${t.key}:${t.effect}`),
      ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule'],
    );
    assert.ok(spec.tolerations.every((t) => t.operator === 'Exists' && t.tolerationSeconds === undefined));
    const revs = await b.list(CONTROLLERREVISIONS);
    assert.equal(revs.length, 1);
    assert.equal(pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL], revs[0]!.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]);
    assert.equal(revs[0]!.metadata.name, `agent-${pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]}`);
    assert.equal(pod.metadata.labels?.[TEMPLATE_GENERATION_LABEL], '1');
    assert.equal((revs[0] as { revision?: number }).revision, 1);

    await readyAll(b, 'agent');
    await b.until('status 2/2 ready', async () => {
      const s = await dsStatus(b, 'agent');
      return s.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.numberReady === 2 && s.numberAvailable === 2 && s.updatedNumberScheduled === 2 && s.numberMisscheduled === 0 && s.numberUnavailable === undefined && s.observedGeneration === 1;
    });

    // A node that joins later gets its pod.
    await b.client.create(NODES, '', node('n3', { labels: { disk: 'ssd' } }));
    await b.until('pod on n3', async () => podNodes(await live(b, 'agent')).includes('n3'));
    // A node relabelled out of the selector loses it.
    await b.client.patch(NODES, '', 'n1', 'merge', { metadata: { labels: { disk: 'hdd' } } });
    await b.until('n1 pod gone', async () => JSON.stringify(podNodes(await live(b, 'agent'))) === '["n2","n3"]');
    // Tolerating the taint lets the tainted node in.
    await b.client.patch(DAEMONSETS, 'default', 'agent', 'merge', { spec: { template: { spec: { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] } } } });
    await b.until('pod on the tainted node', async () => podNodes(await live(b, 'agent')).includes('tainted'));

    const events = await b.events();
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.involved === 'DaemonSet/agent' && /^Created pod: agent-/.test(e.message)));
    assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted pod: agent-/.test(e.message)));
  });
});

test('a Failed pod is replaced on the same node, with per-node backoff on the clock', async () => {
  await withController(async (b, c) => {
    await b.client.create(NODES, '', node('n1'));
    await b.client.create(DAEMONSETS, 'default', daemonSet('logger'));
    await b.until('one pod', async () => (await live(b, 'logger')).length === 1);
    const cache = b.informers.for(PODS);
    // Fails the pod and waits until the controller has looked at it (before the test moves the clock).
    const fail = async (): Promise<string> => {
      const p = (await live(b, 'logger'))[0]!;
      await b.setPodStatus('default', p.metadata.name!, { phase: 'Failed' });
      await b.until('failure seen', () => (cache.get(`default/${p.metadata.name}`)?.status as { phase?: string } | undefined)?.phase === 'Failed');
      await c.idle();
      return p.metadata.name!;
    };
    const exists = async (name: string): Promise<boolean> => (await b.list(PODS)).some((p) => p.metadata.name === name);

    const first = await fail();
    await b.until('first failed pod replaced', async () => !(await exists(first)) && (await live(b, 'logger')).length === 1);
    assert.equal(targetNodeName((await live(b, 'logger'))[0]!), 'n1');
    assert.ok((await b.events()).some((e) => e.reason === 'FailedDaemonPod' && e.message === `Found failed daemon pod default/${first} on node n1, will try to kill it`));

    // It fails again at once: held back for 1 s.
    const second = await fail();
    assert.ok(await exists(second), 'inside the 1 s backoff the failed pod stays');
    b.clock.advance(1000);
    await b.until('second failed pod replaced after 1 s', async () => !(await exists(second)) && (await live(b, 'logger')).length === 1);

    // And again: now 2 s.
    const third = await fail();
    b.clock.advance(1000);
    await c.idle();
    assert.ok(await exists(third), 'after 1 s of a 2 s backoff the failed pod stays');
    b.clock.advance(1000);
    await b.until('third failed pod replaced after 2 s', async () => !(await exists(third)) && (await live(b, 'logger')).length === 1);
  });
});

test('a rolling update replaces at most maxUnavailable pods at a time; reverting re-numbers the old revision', async () => {
  await withController(async (b) => {
    for (const n of ['n1', 'n2', 'n3', 'n4']) await b.client.create(NODES, '', node(n));
    await b.client.create(DAEMONSETS, 'default', daemonSet('web', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }));
    await b.until('4 pods', async () => (await live(b, 'web')).length === 4);
    await readyAll(b, 'web');
    await b.until('4 available', async () => (await dsStatus(b, 'web')).numberAvailable === 4);

    await b.client.patch(DAEMONSETS, 'default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    for (let round = 0; round < 2; round++) {
      await b.until(`round ${round}: two more new pods`, async () => (await live(b, 'web')).filter((p) => image(p) === 'busybox:2').length === 2 * (round + 1) && (await live(b, 'web')).length === 4);
      const pods = await live(b, 'web');
      // Never more than maxUnavailable nodes without an available pod.
      const unavailable = pods.filter((p) => image(p) === 'busybox:2' && !((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
      assert.equal(unavailable.length, 2);
      assert.deepEqual(podNodes(pods), ['n1', 'n2', 'n3', 'n4']);
      await readyAll(b, 'web');
    }
    await b.until('rolled out', async () => {
      const s = await dsStatus(b, 'web');
      return s.updatedNumberScheduled === 4 && s.numberAvailable === 4 && s.observedGeneration === 2;
    });
    assert.ok((await live(b, 'web')).every((p) => p.metadata.labels?.[TEMPLATE_GENERATION_LABEL] === '2'));
    let revs = await b.list(CONTROLLERREVISIONS);
    assert.deepEqual(revs.map((r) => (r as { revision?: number }).revision).sort(), [1, 2]);

    // Back to the first template: its revision becomes number 3; no third revision.
    const firstName = revs.find((r) => (r as { revision?: number }).revision === 1)!.metadata.name;
    await b.client.patch(DAEMONSETS, 'default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } } });
    await b.until('revision renumbered', async () => {
      revs = await b.list(CONTROLLERREVISIONS);
      return revs.length === 2 && (revs.find((r) => r.metadata.name === firstName) as { revision?: number } | undefined)?.revision === 3;
    });
  });
});

test('maxSurge starts the new pod beside the old one and removes the old one once the new one is available', async () => {
  await withController(async (b) => {
    for (const n of ['n1', 'n2']) await b.client.create(NODES, '', node(n));
    await b.client.create(DAEMONSETS, 'default', daemonSet('proxy', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }));
    await b.until('2 pods', async () => (await live(b, 'proxy')).length === 2);
    await readyAll(b, 'proxy');
    await b.until('2 available', async () => (await dsStatus(b, 'proxy')).numberAvailable === 2);
    // Status looks at the oldest pod of a node; creation times have a one-second grain.
    b.clock.advance(2000);

    await b.client.patch(DAEMONSETS, 'default', 'proxy', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    for (let round = 0; round < 2; round++) {
      await b.until(`round ${round}: a surge pod`, async () => (await live(b, 'proxy')).length === 3);
      const pods = await live(b, 'proxy');
      const fresh = pods.filter((p) => image(p) === 'busybox:2');
      assert.equal(fresh.length, round + 1);
      const surgeNode = targetNodeName(fresh.find((p) => !p.status || (p.status as { phase?: string }).phase !== 'Running')!)!;
      // Both pods on the surge node; the old one waits for the new one.
      assert.equal(pods.filter((p) => targetNodeName(p) === surgeNode).length, 2);
      assert.equal((await dsStatus(b, 'proxy')).numberAvailable, 2);
      await readyAll(b, 'proxy');
      await b.until(`round ${round}: old pod on ${surgeNode} removed`, async () => (await live(b, 'proxy')).filter((p) => targetNodeName(p) === surgeNode).length === 1 && (await live(b, 'proxy')).length <= 3);
    }
    await b.until('rolled out', async () => {
      const s = await dsStatus(b, 'proxy');
      return s.updatedNumberScheduled === 2 && s.numberAvailable === 2 && (await live(b, 'proxy')).every((p) => image(p) === 'busybox:2');
    });
  });
});

test('a node that is not Ready gets its pod once Ready; a pod on a node that dies stays, misscheduled', async () => {
  await withController(async (b) => {
    await b.client.create(NODES, '', node('up'));
    await b.client.create(NODES, '', node('booting', { ready: 'False' }));
    await b.client.create(DAEMONSETS, 'default', daemonSet('mon'));
    await b.until('a pod on up only', async () => JSON.stringify(podNodes(await live(b, 'mon'))) === '["up"]');
    const setReady = async (name: string, status: string): Promise<void> => {
      const n = await b.client.get(NODES, '', name);
      await b.client.update(NODES, { ...n, status: { conditions: [{ type: 'Ready', status }] } }, 'status');
    };
    await setReady('booting', 'True');
    await b.until('a pod on booting too', async () => JSON.stringify(podNodes(await live(b, 'mon'))) === '["booting","up"]');
    await readyAll(b, 'mon');
    await b.until('2 desired, 2 ready', async () => {
      const s = await dsStatus(b, 'mon');
      return s.desiredNumberScheduled === 2 && s.numberReady === 2;
    });
    // The node stops answering: its pod tolerates unreachable:NoExecute and stays, no longer desired.
    await setReady('booting', 'Unknown');
    await b.until('1 desired, 1 misscheduled', async () => {
      const s = await dsStatus(b, 'mon');
      return s.desiredNumberScheduled === 1 && s.numberMisscheduled === 1 && s.currentNumberScheduled === 1;
    });
    assert.equal((await live(b, 'mon')).length, 2);
  });
});

test('a matching orphan on a node is adopted instead of creating a second pod there', async () => {
  await withController(async (b) => {
    await b.client.create(NODES, '', node('n1'));
    await b.client.create(NODES, '', node('n2'));
    await b.client.create(PODS, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', labels: { app: 'adopt' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox:1' }] },
    });
    // OnDelete: a RollingUpdate would go on to replace the adopted pod, which carries no revision hash.
    await b.client.create(DAEMONSETS, 'default', daemonSet('adopt', { updateStrategy: { type: 'OnDelete' } }));
    await b.until('one pod per node, the stray adopted', async () => {
      const pods = await live(b, 'adopt');
      return JSON.stringify(podNodes(pods)) === '["n1","n2"]' && pods.every((p) => controllerOf(p)?.name === 'adopt') && pods.some((p) => p.metadata.name === 'stray');
    });
  });
});

test('OnDelete leaves old pods until they are deleted; the replacement is new', async () => {
  await withController(async (b, c) => {
    await b.client.create(NODES, '', node('n1'));
    await b.client.create(DAEMONSETS, 'default', daemonSet('od', { updateStrategy: { type: 'OnDelete' } }));
    await b.until('1 pod', async () => (await live(b, 'od')).length === 1);
    await b.client.patch(DAEMONSETS, 'default', 'od', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    await b.until('observed', async () => (await dsStatus(b, 'od')).observedGeneration === 2);
    await c.idle();
    const old = (await live(b, 'od'))[0]!;
    assert.equal(image(old), 'busybox:1');
    await b.client.delete(PODS, 'default', old.metadata.name!);
    await b.until('new pod', async () => (await live(b, 'od')).length === 1 && image((await live(b, 'od'))[0]!) === 'busybox:2');
  });
});
