// The `kubernetes` Service and the API server's Endpoints / EndpointSlice on
// the real registry: their shape, and that edits and deletions are undone by
// the next pass.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/object.js';
import { findResource } from '../api/resources.js';
import { systemContext } from '../apiserver/registry/context.js';
import { openTestRegistry } from '../apiserver/registry/testing.js';
import { silentLogger } from '../lib/log/log.js';
import { KubernetesService, apiEndpointIp, kubernetesServiceIp, kubernetesServiceSans } from './kubernetes-service.js';

const r = (group: string, plural: string) => findResource(group, 'v1', plural)!;

test('service, endpoints and slice as kube-apiserver writes them; edits are undone', async (t) => {
  const reg = await openTestRegistry();
  t.after(() => reg.close());
  const ks = new KubernetesService({ registry: reg.registry, serviceCidr: '10.43.0.0/16', endpoint: { ip: '10.0.5.1', port: 6443 }, clock: reg.clock, log: silentLogger() });
  await ks.start();
  t.after(() => ks.stop());

  const svc = await reg.registry.get(r('', 'services'), 'default', 'kubernetes');
  assert.deepEqual(svc.metadata.labels, { provider: 'kubernetes', component: 'apiserver' });
  const spec = svc.spec as Record<string, unknown>;
  assert.equal(spec.clusterIP, '10.43.0.1');
  assert.equal(spec.type, 'ClusterIP');
  assert.equal(spec.sessionAffinity, 'None');
  assert.equal(spec.selector, undefined);
  assert.deepEqual(spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);

  const ep = await reg.registry.get(r('', 'endpoints'), 'default', 'kubernetes');
  assert.deepEqual(ep.metadata.labels, { 'endpointslice.kubernetes.io/skip-mirror': 'true' });
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '10.0.5.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);

  const slice = await reg.registry.get(r('discovery.k8s.io', 'endpointslices'), 'default', 'kubernetes');
  assert.deepEqual(slice.metadata.labels, { 'kubernetes.io/service-name': 'kubernetes' });
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual((slice.endpoints as { addresses: string[]; conditions: { ready: boolean } }[]).map((e) => [e.addresses, e.conditions.ready]), [[['10.0.5.1'], true]]);
  assert.deepEqual(slice.ports, [{ name: 'https', port: 6443, protocol: 'TCP' }]);

  // Someone breaks them; the periodic pass (10 s) puts them back.
  const ctx = systemContext('test');
  await reg.registry.update(r('', 'endpoints'), 'default', 'kubernetes', (cur) => ({ ...cur, subsets: [{ addresses: [{ ip: '1.2.3.4' }], ports: [{ port: 1 }] }] } as KObject), { ctx });
  await reg.registry.delete(r('discovery.k8s.io', 'endpointslices'), 'default', 'kubernetes', {}, ctx);
  await ks.reconcile();
  const fixed = await reg.registry.get(r('', 'endpoints'), 'default', 'kubernetes');
  assert.deepEqual(fixed.subsets, ep.subsets);
  assert.ok(await reg.registry.get(r('discovery.k8s.io', 'endpointslices'), 'default', 'kubernetes'));
  const rv = (await reg.registry.get(r('', 'services'), 'default', 'kubernetes')).metadata.resourceVersion;
  await ks.reconcile();
  assert.equal((await reg.registry.get(r('', 'services'), 'default', 'kubernetes')).metadata.resourceVersion, rv, 'nothing is written when nothing changed');
});

test('addresses and names', () => {
  assert.equal(kubernetesServiceIp('10.96.0.0/12'), '10.96.0.1');
  assert.deepEqual(kubernetesServiceSans('10.43.0.0/16'), ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', '10.43.0.1']);
  assert.equal(apiEndpointIp({ serviceEndpointIp: '10.0.9.1', advertiseAddresses: ['192.168.1.2'], host: '127.0.0.1' }), '10.0.9.1');
  assert.equal(apiEndpointIp({ advertiseAddresses: ['api.example', '192.168.1.2'], host: '127.0.0.1' }), '192.168.1.2');
  assert.equal(apiEndpointIp({ host: '10.1.1.1' }), '10.1.1.1');
});
