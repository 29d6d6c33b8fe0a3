// Service ClusterIP/NodePort allocation through the real registry: updates
// release what the old object held and the new one does not (NodePort →
// ClusterIP, a port removed, → ExternalName), only once the write committed;
// re-adding the service's own port is no collision; refusals read like
// Kubernetes' (no field name inside the cause).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { systemContext } from '../registry/context.js';
import { openTestRegistry, type TestRegistry } from '../registry/testing.js';
import { serviceAllocation } from './service-ips.js';

const services = findResource('', 'v1', 'services')!;
const ctx = systemContext('test');

type Port = { port: number; nodePort?: number; name?: string };
const svc = (name: string, spec: { type?: string; clusterIP?: string; ports?: Port[]; externalName?: string }): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return err;
  }
  assert.fail('expected the request to be refused');
}

describe('service allocation', () => {
  let t: TestRegistry;
  before(async () => {
    t = await openTestRegistry({ admission: (store) => [serviceAllocation({ store, cidr: '10.43.0.0/16' })] });
  });
  after(async () => {
    await t.close();
  });
  const create = (o: KObject): Promise<KObject> => t.registry.create(services, 'default', o, ctx);
  const update = (name: string, f: (cur: KObject) => KObject | Promise<KObject>, pinnedRv?: string) =>
    t.registry.update(services, 'default', name, f, { ctx, ...(pinnedRv ? { pinnedRv } : {}) });
  const spec = (o: KObject): { type?: string; clusterIP?: string; ports: Port[] } => o.spec as never;

  it('a taken nodePort or clusterIP is refused with Kubernetes\' texts', async () => {
    await create(svc('holder', { type: 'NodePort', clusterIP: '10.43.0.50', ports: [{ port: 80, nodePort: 30001 }] }));
    const port = await refusal(create(svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] })));
    assert.equal(port.code, 422);
    assert.equal(port.message, 'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated');
    assert.deepEqual(port.details?.causes, [{ reason: 'FieldValueInvalid', field: 'spec.ports[0].nodePort', message: 'Invalid value: 30001: provided port is already allocated' }]);
    const ip = await refusal(create(svc('c', { clusterIP: '10.43.0.50' })));
    assert.equal(ip.message, 'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.50"}: failed to allocate IP 10.43.0.50: provided IP is already allocated');
    assert.equal(ip.details?.causes?.[0]?.message, 'Invalid value: []string{"10.43.0.50"}: failed to allocate IP 10.43.0.50: provided IP is already allocated');
    const range = await refusal(create(svc('d', { clusterIP: '10.99.0.1' })));
    assert.match(range.message, /failed to allocate IP 10\.99\.0\.1: the provided IP \(10\.99\.0\.1\) is not in the valid range\. The range of valid IPs is 10\.43\.0\.0\/16$/);
  });

  it('NodePort → ClusterIP releases the nodePort once the update is stored', async () => {
    await create(svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30002 }] }));
    const cur = await t.registry.get(services, 'default', 'np');
    await update('np', (c) => ({ ...c, spec: { ...spec(c), type: 'ClusterIP' } }));
    assert.equal(spec(await t.registry.get(services, 'default', 'np')).ports[0]!.nodePort, undefined);
    await create(svc('takes-30002', { type: 'NodePort', ports: [{ port: 80, nodePort: 30002 }] }));
    assert.ok(cur.metadata.uid);
  });

  it('a removed port releases its nodePort; the kept one stays held', async () => {
    await create(svc('two', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30003 }, { name: 'b', port: 81, nodePort: 30004 }] }));
    await update('two', (c) => ({ ...c, spec: { ...spec(c), ports: [spec(c).ports[0]!] } }));
    await create(svc('takes-30004', { type: 'NodePort', ports: [{ port: 80, nodePort: 30004 }] }));
    const held = await refusal(create(svc('wants-30003', { type: 'NodePort', ports: [{ port: 80, nodePort: 30003 }] })));
    assert.equal(held.code, 422);
  });

  it('ClusterIP → ExternalName releases the clusterIP', async () => {
    await create(svc('ext', { clusterIP: '10.43.0.60' }));
    await update('ext', (c) => ({ ...c, spec: { type: 'ExternalName', externalName: 'db.example.com' } }));
    await create(svc('takes-60', { clusterIP: '10.43.0.60' }));
  });

  it('re-adding its own old nodePort is no collision (NodePort → ClusterIP → NodePort, and a port renumbered)', async () => {
    await create(svc('back', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] }));
    await update('back', (c) => ({ ...c, spec: { ...spec(c), type: 'ClusterIP' } }));
    const again = await update('back', (c) => ({ ...c, spec: { ...spec(c), type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] } }));
    assert.equal(spec(again.obj).ports[0]!.nodePort, 30005);
    const moved = await update('back', (c) => ({ ...c, spec: { ...spec(c), ports: [{ port: 8080, nodePort: 30005 }] } }));
    assert.equal(spec(moved.obj).ports[0]!.nodePort, 30005);
  });

  it('an update that loses its compare-and-swap releases nothing', async () => {
    await create(svc('race', { type: 'NodePort', ports: [{ port: 80, nodePort: 30006 }] }));
    const base = await t.registry.get(services, 'default', 'race');
    let first = true;
    const lost = await refusal(update('race', (c) => {
      if (first) {
        first = false;
        // Another writer commits while this update is being decided.
        return t.registry.update(services, 'default', 'race', (o) => ({ ...o, metadata: { ...o.metadata, labels: { by: 'other' } } }), { ctx }).then(() => ({ ...c, spec: { ...spec(c), type: 'ClusterIP' } }));
      }
      return c;
    }, base.metadata.resourceVersion));
    assert.equal(lost.code, 409);
    assert.equal(spec(await t.registry.get(services, 'default', 'race')).ports[0]!.nodePort, 30006, 'the stored Service still has its port');
    const still = await refusal(create(svc('wants-30006', { type: 'NodePort', ports: [{ port: 80, nodePort: 30006 }] })));
    assert.equal(still.code, 422, 'so nobody else may take it');
  });

  it('a dry-run or refused update releases nothing', async () => {
    await create(svc('dry', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] }));
    await t.registry.update(services, 'default', 'dry', (c) => ({ ...c, spec: { ...spec(c), type: 'ClusterIP' } }), { ctx: { ...systemContext('test'), dryRun: true } });
    const invalidUpdate = await refusal(update('dry', (c) => ({ ...c, spec: { ...spec(c), type: 'ClusterIP', ports: [{ port: -1 }] } })));
    assert.equal(invalidUpdate.code, 422);
    const held = await refusal(create(svc('wants-30007', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] })));
    assert.equal(held.code, 422);
  });

  it('deleting a Service releases everything it held', async () => {
    await create(svc('gone', { type: 'NodePort', clusterIP: '10.43.0.70', ports: [{ port: 80, nodePort: 30008 }] }));
    await t.registry.delete(services, 'default', 'gone', {}, ctx);
    await create(svc('reuse', { type: 'NodePort', clusterIP: '10.43.0.70', ports: [{ port: 80, nodePort: 30008 }] }));
  });
});
