import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINTSLICES, PODS, SERVICES } from '../../client/resources.js';
import { type Testbed, withControllers } from '../../controller/testing/testbed.js';
import { EndpointSliceController, type EndpointSliceControllerOptions } from './endpointslice-controller.js';
import { addNode, addPod, addService, endpointsByPod, runPod, setPodStatus, slicesOf } from './test-fixtures.js';

function withController(fn: (b: Testbed, c: EndpointSliceController) => Promise<void>, opts: EndpointSliceControllerOptions = {}): Promise<void> {
  return withControllers((ctx) => new EndpointSliceController(ctx, opts), fn);
}

const conds = (ep: { conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean } } | undefined): string =>
  ep ? `ready=${ep.conditions?.ready} serving=${ep.conditions?.serving} terminating=${ep.conditions?.terminating}` : 'absent';

test('a 3-pod Service gets one slice; an unready pod flips ready=false serving=false in place at once', async () => {
  await withController(async (b, c) => {
    await addNode(b, 'node-1', 'zone-a');
    const svc = await addService(b, 'web', { labels: { tier: 'front' } });
    for (let i = 0; i < 3; i++) await runPod(b, `web-${i}`, { labels: { app: 'web' }, ip: `10.0.0.${i + 1}` });
    await b.until('3 ready endpoints', async () => [...(await endpointsByPod(b, 'web')).values()].filter((e) => e.conditions?.ready).length === 3);

    const [slice, ...more] = await slicesOf(b, 'web');
    assert.equal(more.length, 0);
    assert.ok(slice);
    assert.equal(slice.metadata.generateName, 'web-');
    assert.ok(slice.metadata.name?.startsWith('web-'));
    assert.deepEqual(slice.metadata.labels, { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.ports, [{ name: 'http', protocol: 'TCP', port: 8080 }]);
    const ep0 = slice.endpoints?.find((e) => e.targetRef?.name === 'web-0');
    assert.deepEqual(ep0?.addresses, ['10.0.0.1']);
    assert.equal(ep0?.nodeName, 'node-1');
    assert.equal(ep0?.zone, 'zone-a');
    assert.equal(ep0?.hostname, undefined);
    assert.deepEqual(ep0?.targetRef, { kind: 'Pod', namespace: 'default', name: 'web-0', uid: (await b.client.get(PODS, 'default', 'web-0')).metadata.uid });
    assert.match(slice.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The readiness probe fails: the kubelet sets Ready=False. No clock advance: batch period 0.
    await setPodStatus(b, 'web-1', { ready: false });
    await b.until('web-1 unready', async () => conds((await endpointsByPod(b, 'web')).get('web-1')) === 'ready=false serving=false terminating=false');
    const after = await slicesOf(b, 'web');
    assert.equal(after.length, 1);
    assert.equal(after[0]?.metadata.name, slice.metadata.name, 'the slice holding the endpoint is updated, not recreated');
    assert.equal(conds((await endpointsByPod(b, 'web')).get('web-0')), 'ready=true serving=true terminating=false');

    // And back.
    await setPodStatus(b, 'web-1', { ready: true });
    await b.until('web-1 ready again', async () => conds((await endpointsByPod(b, 'web')).get('web-1')) === 'ready=true serving=true terminating=false');
    await c.idle();
    assert.equal(await c.metrics.changeCount('create'), 1);
    assert.equal(await c.metrics.changeCount('delete'), 0);
  });
});

test('a node going Unknown: MarkPodsNotReady sets Ready=False and the endpoint flips at once', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addNode(b, 'node-2');
    await addService(b, 'api');
    await runPod(b, 'api-a', { labels: { app: 'api' }, ip: '10.0.1.1', node: 'node-1' });
    await runPod(b, 'api-b', { labels: { app: 'api' }, ip: '10.0.2.1', node: 'node-2' });
    await b.until('2 ready', async () => [...(await endpointsByPod(b, 'api')).values()].filter((e) => e.conditions?.ready).length === 2);
    // What the node lifecycle controller does for node-2's pods: only the Ready condition changes.
    const pod = await b.client.get(PODS, 'default', 'api-b');
    const st = pod.status as { conditions: { type: string; status: string; lastTransitionTime?: string }[] };
    st.conditions = st.conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: new Date(b.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z') } : c));
    await b.client.update(PODS, pod, 'status');
    await b.until('api-b not ready', async () => conds((await endpointsByPod(b, 'api')).get('api-b')) === 'ready=false serving=false terminating=false');
    assert.equal(conds((await endpointsByPod(b, 'api')).get('api-a')), 'ready=true serving=true terminating=false');
  });
});

test('a pod deleted with grace stays as terminating (serving as its readiness says); gone when removed', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'web');
    await runPod(b, 'web-a', { labels: { app: 'web' }, ip: '10.0.0.1' });
    await runPod(b, 'web-b', { labels: { app: 'web' }, ip: '10.0.0.2' });
    await b.until('2 ready', async () => [...(await endpointsByPod(b, 'web')).values()].filter((e) => e.conditions?.ready).length === 2);

    await b.client.delete(PODS, 'default', 'web-a', { gracePeriodSeconds: 30 });
    await b.until('web-a terminating, still serving', async () => conds((await endpointsByPod(b, 'web')).get('web-a')) === 'ready=false serving=true terminating=true');
    // The kubelet marks it unready while it shuts down.
    await setPodStatus(b, 'web-a', { ready: false });
    await b.until('web-a terminating, not serving', async () => conds((await endpointsByPod(b, 'web')).get('web-a')) === 'ready=false serving=false terminating=true');

    await b.client.delete(PODS, 'default', 'web-a', { gracePeriodSeconds: 0 });
    await b.until('web-a gone', async () => !(await endpointsByPod(b, 'web')).has('web-a'));
    assert.equal((await endpointsByPod(b, 'web')).size, 1);

    // Terminal pods and pods without an IP are left out.
    await runPod(b, 'web-c', { labels: { app: 'web' }, ip: '10.0.0.3' });
    await addPod(b, 'web-d', { labels: { app: 'web' } });
    await b.until('web-c in', async () => (await endpointsByPod(b, 'web')).has('web-c'));
    await setPodStatus(b, 'web-c', { ready: false, phase: 'Failed' });
    await b.until('web-c out', async () => !(await endpointsByPod(b, 'web')).has('web-c'));
    assert.ok(!(await endpointsByPod(b, 'web')).has('web-d'));
  });
});

test('a named targetPort served on different numbers gives one slice per port set', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'mixed', { ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    await runPod(b, 'old', { labels: { app: 'mixed' }, ip: '10.0.0.1', ports: [{ name: 'web', containerPort: 8080 }] });
    await runPod(b, 'new', { labels: { app: 'mixed' }, ip: '10.0.0.2', ports: [{ name: 'web', containerPort: 9090 }] });
    await b.until('two slices', async () => (await slicesOf(b, 'mixed')).filter((s) => (s.endpoints ?? []).length === 1).length === 2);
    const byPod = new Map((await slicesOf(b, 'mixed')).map((s) => [s.endpoints?.[0]?.targetRef?.name, s.ports?.[0]?.port]));
    assert.equal(byPod.get('old'), 8080);
    assert.equal(byPod.get('new'), 9090);

    // The old pod goes: its slice is not left empty — it is deleted (the other still has an endpoint).
    await b.client.delete(PODS, 'default', 'old', { gracePeriodSeconds: 0 });
    await b.until('one slice', async () => (await slicesOf(b, 'mixed')).length === 1);
    assert.equal((await slicesOf(b, 'mixed'))[0]?.ports?.[0]?.port, 9090);
  });
});

test('publishNotReadyAddresses: unready and terminating pods are ready (serving tells the truth)', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'peers', { clusterIP: 'None', publishNotReadyAddresses: true });
    await runPod(b, 'p0', { labels: { app: 'peers' }, ip: '10.0.0.1', ready: false });
    await b.until('p0 published', async () => conds((await endpointsByPod(b, 'peers')).get('p0')) === 'ready=true serving=false terminating=false');
    await b.client.delete(PODS, 'default', 'p0', { gracePeriodSeconds: 30 });
    await b.until('p0 terminating, still ready', async () => conds((await endpointsByPod(b, 'peers')).get('p0')) === 'ready=true serving=false terminating=true');
  });
});

test('headless Service: headless label, no ports when the Service has none; hostname under the subdomain', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'db', { clusterIP: 'None', ports: [] });
    await runPod(b, 'db-0', { labels: { app: 'db' }, ip: '10.0.0.1', hostname: 'db-0', subdomain: 'db' });
    await runPod(b, 'other', { labels: { app: 'db' }, ip: '10.0.0.2', hostname: 'other', subdomain: 'elsewhere' });
    await b.until('2 endpoints', async () => (await endpointsByPod(b, 'db')).size === 2);
    const [slice] = await slicesOf(b, 'db');
    assert.equal(slice?.metadata.labels?.['service.kubernetes.io/headless'], '');
    assert.deepEqual(slice?.ports ?? [], []);
    const eps = await endpointsByPod(b, 'db');
    assert.equal(eps.get('db-0')?.hostname, 'db-0', 'hostname set: subdomain is the Service');
    assert.equal(eps.get('other')?.hostname, undefined, 'no hostname: another subdomain');
  });
});

test('a Service with no endpoints keeps one empty placeholder slice, reused when pods come', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'lonely');
    await b.until('placeholder', async () => (await slicesOf(b, 'lonely')).length === 1);
    const [placeholder] = await slicesOf(b, 'lonely');
    assert.deepEqual(placeholder?.endpoints ?? [], []);
    assert.deepEqual(placeholder?.ports ?? [], []);
    await runPod(b, 'lonely-0', { labels: { app: 'lonely' }, ip: '10.0.0.1' });
    await b.until('endpoint in', async () => (await endpointsByPod(b, 'lonely')).has('lonely-0'));
    const slices = await slicesOf(b, 'lonely');
    assert.equal(slices.length, 1);
    assert.equal(slices[0]?.metadata.name, placeholder?.metadata.name, 'the placeholder was updated, not replaced');
    await b.client.delete(PODS, 'default', 'lonely-0', { gracePeriodSeconds: 0 });
    await b.until('back to a placeholder', async () => {
      const s = await slicesOf(b, 'lonely');
      return s.length === 1 && (s[0]?.endpoints ?? []).length === 0 && (s[0]?.ports ?? []).length === 0;
    });
  });
});

test('more than maxEndpointsPerSlice pods spread over several slices; a removal touches one slice', async () => {
  await withController(async (b, c) => {
    await addNode(b, 'node-1');
    await addService(b, 'big');
    for (let i = 0; i < 205; i++) await runPod(b, `big-${String(i).padStart(3, '0')}`, { labels: { app: 'big' }, ip: `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}` });
    await b.until('205 endpoints', async () => (await endpointsByPod(b, 'big')).size === 205, 30_000);
    await c.idle();
    const sizes = (await slicesOf(b, 'big')).map((s) => (s.endpoints ?? []).length).sort((x, y) => y - x);
    assert.ok(sizes.every((n) => n <= 100), `sizes ${sizes.join(',')}`);
    assert.ok(sizes.length >= 3, `sizes ${sizes.join(',')}`);
    assert.equal(sizes.reduce((x, y) => x + y, 0), 205, 'no endpoint is listed twice (no duplicate slices from a stale cache)');
    const before = new Map((await slicesOf(b, 'big')).map((s) => [s.metadata.name, s.metadata.resourceVersion]));
    await setPodStatus(b, 'big-007', { ready: false });
    await b.until('big-007 unready', async () => (await endpointsByPod(b, 'big')).get('big-007')?.conditions?.ready === false);
    const changed = (await slicesOf(b, 'big')).filter((s) => before.get(s.metadata.name) !== s.metadata.resourceVersion);
    assert.equal(changed.length, 1, 'only the slice holding big-007 was written');
  }, { maxEndpointsPerSlice: 100 });
});

test('selector removed: the last slices stay as they were (Kubernetes 1.32); Service deleted: they go with it', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'web');
    await runPod(b, 'web-0', { labels: { app: 'web' }, ip: '10.0.0.1' });
    await b.until('endpoint', async () => (await endpointsByPod(b, 'web')).has('web-0'));
    const svc = await b.client.get(SERVICES, 'default', 'web');
    delete (svc.spec as { selector?: unknown }).selector;
    await b.client.update(SERVICES, svc);
    await runPod(b, 'web-1', { labels: { app: 'web' }, ip: '10.0.0.2' });
    await setPodStatus(b, 'web-0', { ready: false });
    await new Promise((r) => setTimeout(r, 100));
    const eps = await endpointsByPod(b, 'web');
    assert.equal(eps.size, 1, 'no new endpoints without a selector');
    assert.equal(eps.get('web-0')?.conditions?.ready, true, 'left exactly as it was');

    await b.client.delete(SERVICES, 'default', 'web');
    await b.until('slices collected with the Service', async () => (await slicesOf(b, 'web')).length === 0);
  });
});

test('foreign slices are left alone; a managed slice deleted by hand is recreated; ExternalName gets none', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await b.client.create(ENDPOINTSLICES, 'default', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-custom', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'someone-else' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.168.0.9'] }],
      ports: [],
    });
    await addService(b, 'web');
    await runPod(b, 'web-0', { labels: { app: 'web' }, ip: '10.0.0.1' });
    await b.until('managed slice', async () => (await slicesOf(b, 'web')).some((s) => s.endpoints?.some((e) => e.targetRef?.name === 'web-0')));
    const foreign = await b.client.get(ENDPOINTSLICES, 'default', 'web-custom');
    assert.deepEqual((foreign.endpoints as { addresses: string[] }[])[0]?.addresses, ['192.168.0.9']);

    const managed = (await slicesOf(b, 'web')).find((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io')!;
    await b.client.delete(ENDPOINTSLICES, 'default', managed.metadata.name!);
    await b.until('deleted', async () => !(await slicesOf(b, 'web')).some((s) => s.metadata.name === managed.metadata.name));
    b.clock.advance(1000);
    await b.until('recreated', async () => (await slicesOf(b, 'web')).some((s) => s.metadata.name !== 'web-custom' && s.endpoints?.some((e) => e.targetRef?.name === 'web-0')));

    await addService(b, 'ext', { type: 'ExternalName', externalName: 'example.com', selector: { app: 'web' }, ports: [] });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await slicesOf(b, 'ext')).length, 0);
  });
});

test('a pod on a Node the cache does not know is left out and the sync fails with FailedToUpdateEndpointSlices', async () => {
  await withController(async (b) => {
    await addNode(b, 'node-1');
    await addService(b, 'web');
    await runPod(b, 'good', { labels: { app: 'web' }, ip: '10.0.0.1' });
    await runPod(b, 'ghost', { labels: { app: 'web' }, ip: '10.0.0.2', node: 'node-gone' });
    await b.until('good in', async () => (await endpointsByPod(b, 'web')).has('good'));
    assert.ok(!(await endpointsByPod(b, 'web')).has('ghost'));
    await b.until('warning event', async () =>
      (await b.events()).some(
        (e) => e.reason === 'FailedToUpdateEndpointSlices' && e.involved === 'Service/web' && e.message === 'Error updating Endpoint Slices for Service default/web: skipping Pod ghost for Service default/web: Node node-gone Not Found',
      ),
    );
    // The node registers: the retry (backoff) picks the pod up.
    await addNode(b, 'node-gone');
    for (let i = 0; i < 20 && !(await endpointsByPod(b, 'web')).has('ghost'); i++) {
      b.clock.advance(1000);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok((await endpointsByPod(b, 'web')).has('ghost'));
  });
});
