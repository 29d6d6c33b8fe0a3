// The sim runtime on a fake clock against the real registry: a simulated
// node's pod walks the default profile (Pending → Running+Ready in one write,
// with an IP of the node's range), crash-loops while annotated, is left alone
// while the node's heartbeat is stopped, and is deleted once it resumes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { Informer } from '../../client/informer.js';
import { PODS } from '../../client/resources.js';
import { openTestbed } from '../../controller/testing/testbed.js';
import { defaultProfileDir, loadProfile } from '../lifecycle/index.js';
import { BY_NODE, PodDriver } from './pod-driver.js';
import { SimNode } from './sim-node.js';
import { resolveSimOptions } from './sim-options.js';
import { WriteLimit } from '../../lib/async/write-limit.js';

interface Status {
  phase?: string;
  podIP?: string;
  conditions?: { type: string; status: string }[];
  containerStatuses?: { restartCount: number; state: Record<string, unknown> }[];
}

const statusOf = (p: KObject): Status => (p.status ?? {}) as Status;
const isReady = (p: KObject): boolean => !!statusOf(p).conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

test('a simulated node moves its pod through the default profile on the fake clock', async () => {
  const b = await openTestbed();
  const abort = new AbortController();
  try {
    const o = resolveSimOptions({ server: 'https://unused', token: 'unused', nodes: 1, clock: b.clock, log: b.log });
    const node = new SimNode('sim-0', '100.64.0.1', b.client, o, b.clock, b.log);
    await node.register();
    node.setPodCidr('10.244.7.0/24');
    node.startHeartbeat(0);
    const pods = new Informer(b.client, PODS, { fieldSelector: 'spec.nodeName!=' });
    pods.addIndex(BY_NODE, (p) => [String((p.spec as { nodeName?: string }).nodeName ?? '')]);
    const driver = new PodDriver({ nodes: new Map([['sim-0', node]]), pods, profile: await loadProfile(defaultProfileDir()), limit: new WriteLimit(4), clock: b.clock, log: b.log });
    pods.on({ add: (p) => driver.consider(p), update: (p) => driver.consider(p), delete: (p) => driver.forget(p) });
    void pods.run(abort.signal);
    await pods.synced;

    await b.client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'sim-0', containers: [{ name: 'c', image: 'example/app:1' }] } });
    await b.until('the pod is armed', () => driver.armedCount === 1);
    b.clock.advance(600); // pod-ready: 100 ms + up to 400 ms of jitter
    await b.until('Running and Ready', async () => isReady(await b.client.get(PODS, 'default', 'p')));
    const running = await b.client.get(PODS, 'default', 'p');
    assert.equal(statusOf(running).phase, 'Running');
    assert.match(statusOf(running).podIP ?? '', /^10\.244\.7\.\d+$/);

    await b.client.patch(PODS, 'default', 'p', 'merge', { metadata: { annotations: { 'sim.hale.dev/crash': 'true' } } });
    await b.until('the crash is armed', () => driver.armedCount === 1);
    b.clock.advance(400);
    await b.until('crashed', async () => !isReady(await b.client.get(PODS, 'default', 'p')));
    b.clock.advance(1200); // back-off after the first crash: 1 s ± 10 %
    await b.until('restarted', async () => (statusOf(await b.client.get(PODS, 'default', 'p')).containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    await b.client.patch(PODS, 'default', 'p', 'merge', { metadata: { annotations: { 'sim.hale.dev/crash': null } } });
    b.clock.advance(70_000); // past any back-off: running and ready again
    await b.until('ready after the crash loop', async () => isReady(await b.client.get(PODS, 'default', 'p')));

    // The node lifecycle controller marks the pod not ready (as when the Lease lapsed): it is reported Ready again.
    const cur = await b.client.get(PODS, 'default', 'p');
    const conditions = (statusOf(cur).conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    await b.client.update(PODS, { ...cur, status: { ...(cur.status as object), conditions } }, 'status');
    await b.until('the re-report is armed', async () => !isReady(await b.client.get(PODS, 'default', 'p')) && driver.armedCount === 1);
    b.clock.advance(10_000); // pod-ready-again: 1 s + up to 9 s of jitter
    await b.until('Ready again', async () => isReady(await b.client.get(PODS, 'default', 'p')));

    // A pod a readiness gate holds back is planned by the same stage, but its unchanged status is not written.
    await b.client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gated' }, spec: { nodeName: 'sim-0', readinessGates: [{ conditionType: 'example.com/lb' }], containers: [{ name: 'c', image: 'example/app:1' }] } });
    b.clock.advance(600);
    await b.until('gated pod running', async () => statusOf(await b.client.get(PODS, 'default', 'gated')).phase === 'Running');
    const rv = (await b.client.get(PODS, 'default', 'gated')).metadata.resourceVersion;
    const before = driver.transitions;
    for (let i = 0; i < 3; i++) {
      b.clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await b.client.get(PODS, 'default', 'gated')).metadata.resourceVersion, rv, 'nothing written for an unchanged status');
    assert.equal(driver.transitions, before);
    await b.client.delete(PODS, 'default', 'gated', { gracePeriodSeconds: 0 });

    node.stopHeartbeat();
    driver.reconsiderNode('sim-0');
    await b.client.delete(PODS, 'default', 'p', { gracePeriodSeconds: 30 });
    b.clock.advance(5000);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok((await b.client.get(PODS, 'default', 'p')).metadata.deletionTimestamp, 'a dead node does not delete its pods');
    assert.equal(driver.armedCount, 0);

    node.startHeartbeat(0);
    driver.reconsiderNode('sim-0');
    b.clock.advance(10);
    await b.until('deleted once the node is back', async () => (await b.list(PODS)).length === 0);
    node.stopHeartbeat();
    driver.stop();
  } finally {
    abort.abort();
    await b.close();
  }
});
