// The kubelet's Service variables: names, Docker link variables, which
// Services a pod sees, and the container's own env winning over them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { containerEnv } from './env.js';
import { fromServices, podServiceEnv, serviceEnv } from './service-env.js';

const svc = (namespace: string, name: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[]): KObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP, ports } });

const kubernetes = svc('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);

test('the kubernetes Service gives exactly the variables Kubernetes pods see', () => {
  assert.deepEqual(new Map(fromServices([kubernetes])), new Map([
    ['KUBERNETES_SERVICE_HOST', '10.43.0.1'],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', 'tcp://10.43.0.1:443'],
    ['KUBERNETES_PORT_443_TCP', 'tcp://10.43.0.1:443'],
    ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
    ['KUBERNETES_PORT_443_TCP_PORT', '443'],
    ['KUBERNETES_PORT_443_TCP_ADDR', '10.43.0.1'],
  ]));
});

test('names are upper-cased with - → _, every port gets link variables, only the first _PORT', () => {
  const env = new Map(fromServices([svc('shop', 'my-db', '10.43.0.9', [{ port: 5432 }, { name: 'metrics-port', port: 9187, protocol: 'UDP' }])]));
  assert.equal(env.get('MY_DB_SERVICE_HOST'), '10.43.0.9');
  assert.equal(env.get('MY_DB_SERVICE_PORT'), '5432');
  assert.equal(env.get('MY_DB_SERVICE_PORT_METRICS_PORT'), '9187');
  assert.equal(env.get('MY_DB_PORT'), 'tcp://10.43.0.9:5432');
  assert.equal(env.get('MY_DB_PORT_9187_UDP'), 'udp://10.43.0.9:9187');
  assert.equal(env.get('MY_DB_PORT_9187_UDP_PROTO'), 'udp');
  assert.equal(env.size, 12);
});

test('headless and IP-less Services give nothing', () => {
  assert.deepEqual(fromServices([svc('a', 'h', 'None', [{ port: 80 }]), svc('a', 'x', '', [{ port: 80 }])]), []);
});

test('a pod sees default/kubernetes always and its namespace only with service links', () => {
  const all = [kubernetes, svc('default', 'web', '10.43.0.5', [{ port: 80 }]), svc('shop', 'api', '10.43.0.6', [{ port: 8080 }]), svc('other', 'no', '10.43.0.7', [{ port: 1 }])];
  const shop = serviceEnv('shop', true, all);
  assert.ok(shop.has('KUBERNETES_SERVICE_HOST'));
  assert.ok(shop.has('API_SERVICE_HOST'));
  assert.ok(!shop.has('WEB_SERVICE_HOST'));
  assert.ok(!shop.has('NO_SERVICE_HOST'));
  const noLinks = serviceEnv('shop', false, all);
  assert.ok(noLinks.has('KUBERNETES_SERVICE_HOST'));
  assert.ok(!noLinks.has('API_SERVICE_HOST'));
  // A `kubernetes` Service in the pod's own namespace wins when links are on.
  const own = serviceEnv('shop', true, [kubernetes, svc('shop', 'kubernetes', '10.43.0.8', [{ port: 80 }])]);
  assert.equal(own.get('KUBERNETES_SERVICE_HOST'), '10.43.0.8');
});

test('podServiceEnv reads only default and the pod\'s namespace', async () => {
  const asked: string[] = [];
  const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { enableServiceLinks: false } };
  const env = await podServiceEnv(pod, async (ns) => {
    asked.push(ns);
    return ns === 'default' ? [kubernetes] : [];
  });
  assert.deepEqual(asked, ['default']);
  assert.equal(env.get('KUBERNETES_SERVICE_PORT'), '443');
});

test('the container\'s env wins, may refer to Service variables, and comes first', async () => {
  const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } };
  const env = await containerEnv(
    { name: 'c', env: [{ name: 'KUBERNETES_SERVICE_HOST', value: 'mine' }, { name: 'API', value: 'https://$(KUBERNETES_PORT_443_TCP_ADDR)' }] },
    { pod, podIP: '', hostIP: '', getConfigMap: async () => undefined, getSecret: async () => undefined, serviceEnv: new Map(fromServices([kubernetes])) },
  );
  const m = new Map(env);
  assert.equal(m.get('KUBERNETES_SERVICE_HOST'), 'mine');
  assert.equal(m.get('API'), 'https://10.43.0.1');
  assert.equal(m.get('KUBERNETES_SERVICE_PORT'), '443');
  assert.deepEqual(env.slice(0, 2).map(([k]) => k), ['KUBERNETES_SERVICE_HOST', 'API']);
});
