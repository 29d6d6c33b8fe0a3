import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { ENDPOINTS, PODS, SERVICES } from '../../client/resources.js';
import { openTestbed, testContext, type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { ApiError } from '../../machinery/errors.js';
import { addNode, addService, runPod, setPodStatus } from '../endpointslice/test-fixtures.js';
import { EndpointsController } from './endpoints-controller.js';
import { truncateSubsets } from './capacity.js';
import type { EndpointSubset } from './subsets.js';

function withController(fn: (b: Testbed, c: EndpointsController) => Promise<void>): Promise<void> {
  return withControllers((ctx) => new EndpointsController(ctx), fn);
}

async function endpoints(b: Testbed, name: string): Promise<KObject | undefined> {
  try {
    return await b.client.get(ENDPOINTS, 'default', name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

async function subsets(b: Testbed, name: string): Promise<EndpointSubset[]> {
  return ((await endpoints(b, name))?.subsets as EndpointSubset[] | undefined) ?? [];
}

const ips = (s: EndpointSubset[], field: 'addresses' | 'notReadyAddresses'): string[] => s.flatMap((x) => (x[field] ?? []).map((a) => a.ip)).sort();

test('Endpoints lists ready pods in addresses and unready ones in notReadyAddresses; terminating pods leave', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'web', { labels: { tier: 'front' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9100, targetPort: 9100 }] });
    for (let i = 0; i < 3; i++) await runPod(b, `web-${i}`, { labels: { app: 'web' }, ip: `10.0.0.${i + 1}` });
    await b.until('3 ready', async () => ips(await subsets(b, 'web'), 'addresses').length === 3);
    const ep = (await endpoints(b, 'web'))!;
    assert.deepEqual(ep.metadata.labels, { tier: 'front' });
    assert.equal(ep.metadata.ownerReferences, undefined);
    assert.match(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'] ?? '', /Z$/);
    // Repacked: one subset, both ports, three addresses.
    const [only, ...rest] = ep.subsets as EndpointSubset[];
    assert.equal(rest.length, 0);
    assert.deepEqual(only?.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`).sort(), ['http:8080/TCP', 'metrics:9100/TCP']);
    const a0 = only?.addresses?.[0];
    assert.deepEqual(a0, { ip: '10.0.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: (await b.client.get(PODS, 'default', 'web-0')).metadata.uid } });

    await setPodStatus(b, 'web-1', { ready: false });
    await b.until('web-1 not ready', async () => ips(await subsets(b, 'web'), 'notReadyAddresses').join() === '10.0.0.2');
    assert.deepEqual(ips(await subsets(b, 'web'), 'addresses'), ['10.0.0.1', '10.0.0.3']);
    assert.equal((await subsets(b, 'web')).length, 1, 'ready and not-ready addresses offering the same ports share one subset');

    // Terminating (graceful delete): out, even though still Ready.
    await b.client.delete(PODS, 'default', 'web-0', { gracePeriodSeconds: 30 });
    await b.until('web-0 out', async () => !ips(await subsets(b, 'web'), 'addresses').includes('10.0.0.1'));
    assert.ok(!ips(await subsets(b, 'web'), 'notReadyAddresses').includes('10.0.0.1'));
  });
});

test('publishNotReadyAddresses and hostname/subdomain: every pod ready, terminating kept, hostname set', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'db', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [] });
    await runPod(b, 'db-0', { labels: { app: 'db' }, ip: '10.0.0.1', ready: false, hostname: 'db-0', subdomain: 'db' });
    await b.until('db-0 published', async () => ips(await subsets(b, 'db'), 'addresses').join() === '10.0.0.1');
    const ep = (await endpoints(b, 'db'))!;
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], '');
    const [s] = ep.subsets as EndpointSubset[];
    assert.equal(s?.addresses?.[0]?.hostname, 'db-0');
    assert.equal(s?.ports, undefined, 'a headless Service without ports: a subset without ports');
    await b.client.delete(PODS, 'default', 'db-0', { gracePeriodSeconds: 30 });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ips(await subsets(b, 'db'), 'addresses'), ['10.0.0.1'], 'terminating, still published');
  });
});

test('named targetPort on different numbers: one subset per port; Service deleted: Endpoints deleted', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'mixed', { ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    await runPod(b, 'old', { labels: { app: 'mixed' }, ip: '10.0.0.1', ports: [{ name: 'web', containerPort: 8080 }] });
    await runPod(b, 'new', { labels: { app: 'mixed' }, ip: '10.0.0.2', ports: [{ name: 'web', containerPort: 9090 }] });
    await b.until('two subsets', async () => (await subsets(b, 'mixed')).length === 2);
    const byIp = new Map((await subsets(b, 'mixed')).map((s) => [s.addresses?.[0]?.ip, s.ports?.[0]?.port]));
    assert.equal(byIp.get('10.0.0.1'), 8080);
    assert.equal(byIp.get('10.0.0.2'), 9090);
    await b.client.delete(SERVICES, 'default', 'mixed');
    await b.until('Endpoints deleted', async () => (await endpoints(b, 'mixed')) === undefined);
  });
});

test('Services without a selector keep their user-managed Endpoints; a deleted Endpoints is recreated', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'external', { selector: null, ports: [{ port: 5432, targetPort: 5432 }] });
    const mine = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external' }, subsets: [{ addresses: [{ ip: '192.168.1.5' }], ports: [{ port: 5432 }] }] };
    await b.client.create(ENDPOINTS, 'default', mine);
    await addService(b, 'web');
    await runPod(b, 'web-0', { labels: { app: 'web' }, ip: '10.0.0.1' });
    await b.until('web endpoints', async () => ips(await subsets(b, 'web'), 'addresses').length === 1);
    assert.deepEqual(ips(await subsets(b, 'external'), 'addresses'), ['192.168.1.5']);
    assert.equal((await endpoints(b, 'external'))?.metadata.annotations, undefined, 'untouched');

    await b.client.delete(ENDPOINTS, 'default', 'web');
    await b.until('recreated', async () => ips(await subsets(b, 'web'), 'addresses').length === 1);
  });
});

test('an orphaned Endpoints found at start-up is deleted; leader-election records are kept', async () => {
  const b = await openTestbed();
  try {
    await b.client.create(ENDPOINTS, 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'orphan' } });
    await b.client.create(ENDPOINTS, 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'lock', annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } } });
    const c = new EndpointsController(testContext(b));
    b.informers.start();
    await b.informers.synced();
    c.start();
    try {
      await b.until('orphan deleted', async () => (await endpoints(b, 'orphan')) === undefined);
      await c.idle();
      assert.ok(await endpoints(b, 'lock'));
    } finally {
      await c.stop();
    }
  } finally {
    await b.close();
  }
});

test('over 1000 addresses: truncated to 1000 with the over-capacity annotation', async () => {
  const addr = (i: number): { ip: string } => ({ ip: `10.${Math.floor(i / 250)}.${i % 250}.1` });
  const s: EndpointSubset[] = [
    { addresses: Array.from({ length: 900 }, (_, i) => addr(i)), notReadyAddresses: Array.from({ length: 300 }, (_, i) => addr(1000 + i)), ports: [{ port: 80 }] },
  ];
  assert.equal(truncateSubsets(s), true);
  assert.equal(s[0]?.addresses?.length, 900, 'ready addresses are kept first');
  assert.equal(s[0]?.notReadyAddresses?.length, 100);
  const small: EndpointSubset[] = [{ addresses: [addr(1)], ports: [{ port: 80 }] }];
  assert.equal(truncateSubsets(small), false);
});
