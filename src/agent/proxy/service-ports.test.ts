// The table's reading of Services and EndpointSlices: which ports are
// proxied, how endpoints are merged and what each one's target port is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servicePortsOf } from './service-ports.js';
import { ServiceTable } from './service-table.js';
import { service, slice } from './testing.js';

test('a named targetPort resolves per slice: one service port, different numbers per endpoint', () => {
  const svc = service('web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  const a = slice('web', 'web-a', { ports: [{ name: 'http', port: 8080 }], endpoints: [{ ip: '10.0.0.1' }] });
  const b = slice('web', 'web-b', { ports: [{ name: 'http', port: 9090 }], endpoints: [{ ip: '10.0.0.2' }] });
  const { ports } = servicePortsOf(svc, [a, b]);
  assert.equal(ports.length, 1);
  assert.deepEqual(
    ports[0]!.endpoints.map((e) => `${e.ip}:${e.port}`),
    ['10.0.0.1:8080', '10.0.0.2:9090'],
  );
});

test('ports are matched by name: each service port gets its own endpoints', () => {
  const svc = service('two', { clusterIP: '10.96.0.11', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] });
  const s = slice('two', 'two-1', { ports: [{ name: 'a', port: 1000 }, { name: 'b', port: 2000 }], endpoints: [{ ip: '10.0.0.1' }] });
  const { ports } = servicePortsOf(svc, [s]);
  assert.deepEqual(
    ports.map((p) => [p.id, p.port, p.endpoints[0]?.port]),
    [
      ['default/two:a', 80, 1000],
      ['default/two:b', 81, 2000],
    ],
  );
});

test('UDP and SCTP ports are skipped and reported; headless and ExternalName have no ports', () => {
  const dns = service('dns', { clusterIP: '10.96.0.12', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }] });
  const r = servicePortsOf(dns, []);
  assert.deepEqual(r.ports.map((p) => p.portName), ['dns-tcp']);
  assert.deepEqual(r.skipped, [{ portName: 'dns', port: 53, protocol: 'UDP' }]);
  assert.equal(servicePortsOf(service('h', { clusterIP: 'None', ports: [{ port: 80 }] }), []).ports.length, 0);
  const ext = service('x', { clusterIP: '', ports: [{ port: 80 }], type: 'ExternalName', spec: { externalName: 'example.com' } });
  assert.equal(servicePortsOf(ext, []).ports.length, 0);
});

test('nodePort only for NodePort and LoadBalancer; affinity timeout defaults to 10800 s', () => {
  const np = service('np', { clusterIP: '10.96.0.13', type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }], spec: { sessionAffinity: 'ClientIP' } });
  const p = servicePortsOf(np, []).ports[0]!;
  assert.equal(p.nodePort, 30080);
  assert.equal(p.affinitySeconds, 10800);
  const cip = service('cip', { clusterIP: '10.96.0.14', ports: [{ port: 80, nodePort: 30081 }] });
  const q = servicePortsOf(cip, []).ports[0]!;
  assert.equal(q.nodePort, undefined);
  assert.equal(q.affinitySeconds, undefined);
});

test('an address in two slices is kept once, the non-terminating ready copy winning', () => {
  const svc = service('dup', { clusterIP: '10.96.0.15', ports: [{ port: 80 }] });
  const old = slice('dup', 'dup-old', { ports: [{ port: 8080 }], endpoints: [{ ip: '10.0.0.1', ready: false, serving: true, terminating: true }] });
  const cur = slice('dup', 'dup-new', { ports: [{ port: 8080 }], endpoints: [{ ip: '10.0.0.1', ready: true }] });
  for (const order of [[old, cur], [cur, old]]) {
    const eps = servicePortsOf(svc, order).ports[0]!.endpoints;
    assert.equal(eps.length, 1);
    assert.equal(eps[0]!.ready, true);
    assert.equal(eps[0]!.terminating, false);
  }
});

test('absent conditions read as kube-proxy reads them: ready and serving, not terminating', () => {
  const svc = service('nil', { clusterIP: '10.96.0.16', ports: [{ port: 80 }] });
  const s = slice('nil', 'nil-1', { ports: [{ port: 8080 }], endpoints: [] });
  (s.endpoints as unknown[]).push({ addresses: ['10.0.0.9'] });
  const ep = servicePortsOf(svc, [s]).ports[0]!.endpoints[0]!;
  assert.deepEqual([ep.ready, ep.serving, ep.terminating], [true, true, false]);
});

test('the table recomputes one service on a slice change and forgets deleted services', () => {
  const t = new ServiceTable();
  const svc = service('web', { clusterIP: '10.96.0.17', ports: [{ port: 80 }] });
  t.setService(svc);
  assert.equal(t.port('default/web:')!.endpoints.length, 0);
  const s = slice('web', 'web-1', { ports: [{ port: 8080 }], endpoints: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] });
  assert.equal(t.setSlice(s), 'default/web');
  assert.equal(t.port('default/web:')!.endpoints.length, 2);
  t.setSlice(slice('web', 'web-1', { ports: [{ port: 8080 }], endpoints: [{ ip: '10.0.0.2' }] }));
  assert.deepEqual(t.port('default/web:')!.endpoints.map((e) => e.ip), ['10.0.0.2']);
  t.deleteSlice(s);
  assert.equal(t.port('default/web:')!.endpoints.length, 0);
  t.deleteService(svc);
  assert.equal(t.port('default/web:'), undefined);
  assert.equal([...t.ports()].length, 0);
});
