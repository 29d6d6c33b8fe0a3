// Service defaults as `kubectl get svc -o yaml` shows them (clusterIP itself is allocated elsewhere).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from '../validation/rules.js';
import { dropServiceTypeDependentFields } from './service.js';

function svc(spec: Record<string, unknown>): KObject {
  const s: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec };
  rulesFor('services').applyDefaults(s);
  return s;
}

test('a ClusterIP service', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  assert.deepEqual(s.spec, {
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    selector: { app: 'web' },
    sessionAffinity: 'None',
    type: 'ClusterIP',
  });
  assert.deepEqual(s.status, { loadBalancer: {} });
});

test('NodePort and LoadBalancer get externalTrafficPolicy; LoadBalancer allocates node ports', () => {
  const np = svc({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }).spec as Record<string, unknown>;
  assert.equal(np.externalTrafficPolicy, 'Cluster');
  assert.deepEqual(np.ports, [{ port: 80, targetPort: 'http', protocol: 'TCP' }]);
  const lb = svc({ type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 443 }] }).spec as Record<string, unknown>;
  assert.equal(lb.allocateLoadBalancerNodePorts, true);
  assert.equal(lb.externalTrafficPolicy, 'Cluster');
});

test('headless and ExternalName services', () => {
  const headless = svc({ clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] }).spec as Record<string, unknown>;
  assert.deepEqual(headless.clusterIPs, ['None']);
  assert.equal(headless.ipFamilyPolicy, 'SingleStack');
  const selectorless = svc({ clusterIP: 'None' }).spec as Record<string, unknown>;
  assert.equal(selectorless.ipFamilyPolicy, 'RequireDualStack');
  const ext = svc({ type: 'ExternalName', externalName: 'db.example.com' }).spec as Record<string, unknown>;
  assert.deepEqual(ext, { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' });
  const affinity = svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }).spec as Record<string, unknown>;
  assert.deepEqual(affinity.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('a type change drops the fields the new type does not use, if left unchanged', () => {
  const old = svc({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }], clusterIP: '10.96.0.10' });
  const next = structuredClone(old);
  (next.spec as Record<string, unknown>).type = 'ClusterIP';
  dropServiceTypeDependentFields(next, old);
  rulesFor('services').applyDefaults(next);
  assert.deepEqual(rulesFor('services').validateUpdate(next, old), []);
  assert.equal(((next.spec as Record<string, unknown>).ports as Array<Record<string, unknown>>)[0]?.nodePort, undefined);
});
