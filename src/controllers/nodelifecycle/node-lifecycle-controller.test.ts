import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { LEASES, NODES, PODS } from '../../client/resources.js';
import { openTestbed, testContext, type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './node-lifecycle-controller.js';
import type { NodeCondition } from './node-conditions.js';
import type { Taint } from './taints.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function settle(b: Testbed, c: NodeLifecycleController): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const rev = await b.t.store.currentRevision();
    await b.until('the watch cache caught up', () => b.t.cache.revision >= rev);
    await c.kick();
    await c.idle();
    await b.recorder.flush();
  }
}

/** Moves the fake clock in steps (so every timer the controller sets fires at its moment), settling after each. */
async function tick(b: Testbed, c: NodeLifecycleController, ms: number, step = 500): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    b.clock.advance(Math.min(step, ms - done));
    await settle(b, c);
  }
}

/** Plays the kubelet: posts Ready (True or False) with a fresh heartbeat. */
async function postStatus(b: Testbed, name: string, ready: 'True' | 'False'): Promise<void> {
  const now = iso(b.clock.now());
  const conditions = [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: now, lastTransitionTime: now }];
  await b.client.patch(NODES, '', name, 'merge', { status: { conditions } }, 'status');
}

async function addNode(b: Testbed, name: string, labels: Record<string, string> = {}): Promise<void> {
  await b.client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
  await postStatus(b, name, 'True');
  await renew(b, name);
}

/** Plays the agent's Lease keeper; `renewTime` may come from a clock that is far off. */
async function renew(b: Testbed, name: string, renewTimeMs = b.clock.now()): Promise<void> {
  const spec = { holderIdentity: name, leaseDurationSeconds: 8, renewTime: new Date(renewTimeMs).toISOString() };
  try {
    const l = await b.client.get(LEASES, 'kube-node-lease', name);
    await b.client.update(LEASES, { ...l, spec });
  } catch {
    await b.client.create(LEASES, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec });
  }
}

async function node(b: Testbed, name: string): Promise<{ ready: NodeCondition | undefined; taints: string[] }> {
  const n = await b.client.get(NODES, '', name);
  const ready = ((n.status as { conditions?: NodeCondition[] }).conditions ?? []).find((c) => c.type === 'Ready');
  const taints = ((n.spec as { taints?: Taint[] } | undefined)?.taints ?? []).map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`).sort();
  return { ready, taints };
}

async function podReady(b: Testbed, name: string): Promise<string | undefined> {
  const p = await b.client.get(PODS, 'default', name);
  return ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).find((c) => c.type === 'Ready')?.status;
}

const pod = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

function withLifecycle(opts: NodeLifecycleOptions, fn: (b: Testbed, c: NodeLifecycleController) => Promise<void>): Promise<void> {
  return withControllers((ctx) => new NodeLifecycleController(ctx, opts), fn, { namespaces: ['default', 'kube-node-lease'] });
}

/** Keeps the named nodes renewing every 2 s while the clock moves `ms`. */
async function runFor(b: Testbed, c: NodeLifecycleController, ms: number, alive: string[]): Promise<void> {
  for (let done = 0; done < ms; done += 2000) {
    for (const n of alive) await renew(b, n);
    await tick(b, c, Math.min(2000, ms - done));
  }
}

test('a node silent for its lease duration turns Unknown at that moment, is tainted unreachable and its pods turn not ready', async () => {
  await withLifecycle({}, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    await b.client.create(PODS, 'default', pod('p'));
    await b.setPodStatus('default', 'p', { phase: 'Running', ready: true, nodeName: 'a' });
    await settle(b, c);
    await runFor(b, c, 7500, ['b', 'c']);
    assert.equal((await node(b, 'a')).ready?.status, 'True', 'not before 8 s');
    assert.equal(await podReady(b, 'p'), 'True');
    await runFor(b, c, 500, ['b', 'c']);
    const a = await node(b, 'a');
    assert.equal(a.ready?.status, 'Unknown');
    assert.equal(a.ready?.reason, 'NodeStatusUnknown');
    assert.equal(a.ready?.message, 'Kubelet stopped posting node status.');
    assert.deepEqual(a.taints, ['unreachable:NoExecute', 'unreachable:NoSchedule']);
    assert.equal(await podReady(b, 'p'), 'False');
    const events = [...(await b.events('default')), ...(await b.events(''))];
    assert.ok(events.some((e) => e.reason === 'NodeNotReady' && e.message === 'Node a status is now: NodeNotReady'), JSON.stringify(events));
    assert.ok(events.some((e) => e.reason === 'NodeNotReady' && e.involved === 'Pod/p' && e.message === 'Node is not ready'));
    assert.equal((await node(b, 'b')).ready?.status, 'True');
    assert.deepEqual((await node(b, 'b')).taints, []);
  });
});

test('a node that comes back loses its taints; a kubelet reporting Ready=False gets not-ready instead of unreachable', async () => {
  await withLifecycle({}, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    await runFor(b, c, 9000, ['b', 'c']);
    assert.deepEqual((await node(b, 'a')).taints, ['unreachable:NoExecute', 'unreachable:NoSchedule']);
    await renew(b, 'a');
    await postStatus(b, 'a', 'False');
    await settle(b, c);
    assert.deepEqual((await node(b, 'a')).taints, ['not-ready:NoExecute', 'not-ready:NoSchedule'], 'swapped at once');
    await postStatus(b, 'a', 'True');
    await settle(b, c);
    assert.deepEqual((await node(b, 'a')).taints, []);
  });
});

test('timing is the control plane’s own: a node clock far ahead or behind changes nothing, a renewal keeps a node alive whatever its renewTime says', async () => {
  await withLifecycle({}, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    for (let i = 0; i < 10; i++) {
      await renew(b, 'a', b.clock.now() - 3_600_000);
      await renew(b, 'b', b.clock.now() + 3_600_000);
      await renew(b, 'c');
      await tick(b, c, 2000);
    }
    for (const n of ['a', 'b', 'c']) assert.equal((await node(b, n)).ready?.status, 'True', n);
  });
});

test('a controller that starts with stale leases counts every node fresh from its own start', async () => {
  const b = await openTestbed({ namespaces: ['default', 'kube-node-lease'] });
  try {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    b.clock.advance(600_000); // the leases are ten minutes old when the controller starts
    const c = new NodeLifecycleController(testContext(b), {});
    b.informers.start();
    await b.informers.synced();
    c.start();
    await settle(b, c);
    for (const n of ['a', 'b', 'c']) assert.equal((await node(b, n)).ready?.status, 'True', `${n} is fresh at start`);
    await runFor(b, c, 6000, ['a', 'b']);
    assert.equal((await node(b, 'c')).ready?.status, 'True', 'not before its own grace from the start');
    await runFor(b, c, 3000, ['a', 'b']);
    assert.equal((await node(b, 'c')).ready?.status, 'Unknown');
    await c.stop();
  } finally {
    await b.close();
  }
});

test('when every node goes silent at once (the control plane is cut off) nothing is tainted NoExecute', async () => {
  await withLifecycle({}, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    await settle(b, c);
    // The renewals stop within one renew period of each other.
    await renew(b, 'b');
    await tick(b, c, 1000);
    await renew(b, 'c');
    await tick(b, c, 12_000);
    for (const n of ['a', 'b', 'c']) {
      const s = await node(b, n);
      assert.equal(s.ready?.status, 'Unknown', n);
      assert.ok(!s.taints.includes('unreachable:NoExecute'), `${n} must not be tainted NoExecute: ${s.taints.join(',')}`);
    }
    // One node comes back: the others count as just seen, and are tainted only after a full grace more.
    await renew(b, 'a');
    await postStatus(b, 'a', 'True');
    await runFor(b, c, 2000, ['a']);
    assert.ok(!(await node(b, 'b')).taints.includes('unreachable:NoExecute'), 'fresh after leaving full disruption');
    await runFor(b, c, 8000, ['a']);
    assert.ok((await node(b, 'b')).taints.includes('unreachable:NoExecute'));
  });
});

test('NoExecute taints are rate limited per zone; a partially disrupted small zone taints nothing', async () => {
  await withLifecycle({ evictionRate: 0.1 }, async (b, c) => {
    for (const n of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) await addNode(b, n, { 'topology.kubernetes.io/zone': 'a' });
    for (const n of ['z1', 'z2', 'z3', 'z4', 'z5']) await addNode(b, n, { 'topology.kubernetes.io/zone': 'z' });
    // Zone a loses two of six nodes (Normal): one tainted at once, the other 10 s later.
    // Zone z loses three of five (60 % ≥ 55 %, more than two): PartialDisruption, a small zone: no tainting at all.
    const alive = ['a3', 'a4', 'a5', 'a6', 'z4', 'z5'];
    await runFor(b, c, 9000, alive);
    const tainted = async (names: string[]): Promise<string[]> => {
      const out: string[] = [];
      for (const n of names) if ((await node(b, n)).taints.includes('unreachable:NoExecute')) out.push(n);
      return out;
    };
    assert.equal((await tainted(['a1', 'a2'])).length, 1);
    assert.deepEqual(await tainted(['z1', 'z2', 'z3']), []);
    for (const n of ['z1', 'z2', 'z3']) assert.deepEqual((await node(b, n)).taints, ['unreachable:NoSchedule'], 'NoSchedule is never rate limited');
    await runFor(b, c, 10_000, alive);
    assert.deepEqual(await tainted(['a1', 'a2']), ['a1', 'a2']);
    assert.deepEqual(await tainted(['z1', 'z2', 'z3']), []);
  });
});

test('a cordoned node carries the unschedulable NoSchedule taint; uncordoned, it loses it', async () => {
  await withLifecycle({}, async (b, c) => {
    await addNode(b, 'a');
    await b.client.patch(NODES, '', 'a', 'merge', { spec: { unschedulable: true } });
    await settle(b, c);
    assert.deepEqual((await node(b, 'a')).taints, ['unschedulable:NoSchedule']);
    await b.client.patch(NODES, '', 'a', 'merge', { spec: { unschedulable: null } });
    await settle(b, c);
    assert.deepEqual((await node(b, 'a')).taints, []);
  });
});

test('taints someone else set are kept', async () => {
  await withLifecycle({}, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    await b.client.patch(NODES, '', 'a', 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await runFor(b, c, 9000, ['b', 'c']);
    assert.deepEqual((await node(b, 'a')).taints, ['dedicated:NoSchedule', 'unreachable:NoExecute', 'unreachable:NoSchedule']);
    await renew(b, 'a');
    await postStatus(b, 'a', 'True');
    await settle(b, c);
    assert.deepEqual((await node(b, 'a')).taints, ['dedicated:NoSchedule']);
  });
});

test('node events alone drive passes over just those nodes, and the zone counts follow them', async () => {
  // No timed pass within the test (the clock does not move) and no kick: only the events the nodes cause.
  await withLifecycle({ periodMs: 3_600_000 }, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    for (const n of ['z1', 'z2', 'z3', 'z4', 'z5']) await addNode(b, n, { 'topology.kubernetes.io/zone': 'z' });
    await settle(b, c);
    const taints = async (n: string): Promise<string> => (await node(b, n)).taints.join(',');
    await postStatus(b, 'a', 'False');
    await b.until('a tainted not-ready', async () => (await taints('a')) === 'not-ready:NoExecute,not-ready:NoSchedule');
    await b.client.patch(NODES, '', 'b', 'merge', { spec: { unschedulable: true } });
    await b.until('b tainted unschedulable', async () => (await taints('b')) === 'unschedulable:NoSchedule');
    await postStatus(b, 'a', 'True');
    await b.until('a untainted', async () => (await taints('a')) === '');
    // Zone z: the first not-ready node is tainted NoExecute at once (Normal, a token in the bucket); the
    // second waits for a token; at three of five the zone is PartialDisruption and small: nothing more.
    for (const n of ['z1', 'z2', 'z3']) {
      await postStatus(b, n, 'False');
      await b.until(`${n} tainted NoSchedule`, async () => (await taints(n)).includes('not-ready:NoSchedule'));
    }
    await c.idle();
    assert.equal(await taints('z1'), 'not-ready:NoExecute,not-ready:NoSchedule');
    assert.equal(await taints('z2'), 'not-ready:NoSchedule');
    assert.equal(await taints('z3'), 'not-ready:NoSchedule');
    b.clock.advance(1500);
    await settle(b, c);
    assert.equal(await taints('z2'), 'not-ready:NoSchedule', 'a partially disrupted small zone taints nothing, even with tokens');
    for (const n of ['z1', 'z2', 'z3']) await postStatus(b, n, 'True');
    await b.until('zone z untainted', async () => (await taints('z1')) + (await taints('z2')) + (await taints('z3')) === '');
  });
});

test('between full passes a silent node is still found at its moment: the pass then looks at the nodes that crossed a threshold', async () => {
  // No timed full pass within the test and no kick after the first: only timers and events.
  await withLifecycle({ periodMs: 3_600_000 }, async (b, c) => {
    for (const n of ['a', 'b', 'c']) await addNode(b, n);
    await settle(b, c);
    const quietly = async (ms: number): Promise<void> => {
      for (let done = 0; done < ms; done += 500) {
        if (done % 2000 === 0) for (const n of ['b', 'c']) await renew(b, n);
        b.clock.advance(500);
        const rev = await b.t.store.currentRevision();
        await b.until('the watch cache caught up', () => b.t.cache.revision >= rev);
        await c.idle();
      }
    };
    await quietly(7500);
    assert.equal((await node(b, 'a')).ready?.status, 'True', 'not before its 8 s lease');
    await quietly(500);
    await b.until('a Unknown and tainted', async () => {
      const a = await node(b, 'a');
      return a.ready?.status === 'Unknown' && a.taints.join(',') === 'unreachable:NoExecute,unreachable:NoSchedule';
    });
    assert.equal((await node(b, 'b')).ready?.status, 'True');
    assert.equal((await node(b, 'c')).ready?.status, 'True');
  });
});
