// Service, Endpoints and EndpointSlice rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './services.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

function svc(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(300) }, spec, status };
}

test('service columns', () => {
  assert.deepEqual(
    servicePrinter.columns.map((c) => [c.name, c.priority]),
    [['Name', 0], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1]],
  );
});

test('ClusterIP service', () => {
  const s = svc({
    type: 'ClusterIP',
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    selector: { app: 'web', tier: 'front' },
    ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }],
  });
  assert.deepEqual(servicePrinter.cells(s, NOW), ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '5m', 'app=web,tier=front']);
});

test('NodePort service with external IPs; protocol defaults to TCP', () => {
  const s = svc({
    type: 'NodePort',
    clusterIPs: ['10.96.12.7'],
    externalIPs: ['192.0.2.10', '192.0.2.11'],
    ports: [{ port: 80, nodePort: 30080 }],
  });
  assert.deepEqual(servicePrinter.cells(s, NOW), ['web', 'NodePort', '10.96.12.7', '192.0.2.10,192.0.2.11', '80:30080/TCP', '5m', '<none>']);
});

test('LoadBalancer service: pending, then sorted unique ingress addresses', () => {
  const spec = { type: 'LoadBalancer', clusterIP: '10.96.1.1', ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] };
  assert.equal(servicePrinter.cells(svc(spec), NOW)[3], '<pending>');
  const lb = { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.10' }, { ip: '203.0.113.9' }] } };
  assert.equal(servicePrinter.cells(svc(spec, lb), NOW)[3], '203.0.113.10,203.0.113.9,lb.example.com');
  assert.equal(servicePrinter.cells(svc({ ...spec, externalIPs: ['192.0.2.1'] }, lb), NOW)[3], '203.0.113.10,203.0.113.9,lb.example.com,192.0.2.1');
});

test('headless, ExternalName and port-less services', () => {
  assert.deepEqual(servicePrinter.cells(svc({ type: 'ClusterIP', clusterIP: 'None', selector: { app: 'db' } }), NOW).slice(1, 5), [
    'ClusterIP', 'None', '<none>', '<none>',
  ]);
  assert.deepEqual(servicePrinter.cells(svc({ type: 'ExternalName', externalName: 'db.example.com' }), NOW).slice(1, 5), [
    'ExternalName', '<none>', 'db.example.com', '<none>',
  ]);
  // stored without defaults: type reads as the API default, ClusterIP
  assert.deepEqual(servicePrinter.cells(svc({}), NOW).slice(1, 5), ['ClusterIP', '<none>', '<none>', '<none>']);
  assert.equal(servicePrinter.cells(svc({ type: 'Mystery' }), NOW)[3], '<unknown>');
});

test('endpoints: first three addresses, then + N more...', () => {
  const ep: KObject = {
    metadata: { name: 'web', creationTimestamp: ago(60) },
    subsets: [
      {
        addresses: [{ ip: '10.1.0.5' }, { ip: '10.1.0.6' }],
        ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }],
      },
      { addresses: [{ ip: 'fd00::1' }], ports: [{ port: 8080 }] },
    ],
  };
  assert.deepEqual(endpointsPrinter.cells(ep, NOW), ['web', '10.1.0.5:8080,10.1.0.6:8080,10.1.0.5:9090 + 2 more...', '60s']);
  const v6: KObject = { metadata: { name: 'v6' }, subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] };
  assert.equal(endpointsPrinter.cells(v6, NOW)[1], '[fd00::1]:80');
  const headless: KObject = { metadata: { name: 'h' }, subsets: [{ addresses: [{ ip: '10.1.0.7' }] }] };
  assert.equal(endpointsPrinter.cells(headless, NOW)[1], '10.1.0.7');
  assert.equal(endpointsPrinter.cells({ metadata: { name: 'empty' } }, NOW)[1], '<none>');
});

test('endpoint slices', () => {
  const slice: KObject = {
    metadata: { name: 'web-abc12', creationTimestamp: ago(60) },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'named' }, {}, { port: 9090 }],
    endpoints: [{ addresses: ['10.1.0.5'] }, { addresses: ['10.1.0.6', '10.1.0.7'] }, { addresses: ['10.1.0.8'] }],
  };
  assert.deepEqual(endpointSlicePrinter.cells(slice, NOW), ['web-abc12', 'IPv4', '80,named,* + 1 more...', '10.1.0.5,10.1.0.6,10.1.0.7 + 1 more...', '60s']);
  const empty: KObject = { metadata: { name: 'e' }, addressType: 'IPv6' };
  assert.deepEqual(endpointSlicePrinter.cells(empty, NOW).slice(1, 4), ['IPv6', '<unset>', '<unset>']);
});
