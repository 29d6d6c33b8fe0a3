// Service rules: ports, names, types, node ports, clusterIP changes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from './rules.js';

type Spec = Record<string, unknown>;
const rules = rulesFor('services');

function svc(spec: Spec): KObject {
  const s: KObject = { metadata: { name: 'web', namespace: 'default', uid: 'u' }, spec };
  rules.applyDefaults(s);
  return s;
}

function errs(spec: Spec): string[] {
  return rules.validateCreate(svc(spec)).map((e) => e.message);
}

test('ports are required unless headless or ExternalName', () => {
  assert.deepEqual(errs({ selector: { app: 'web' } }), ['spec.ports: Required value']);
  assert.deepEqual(errs({ clusterIP: 'None', selector: { app: 'web' } }), []);
  assert.deepEqual(errs({ type: 'ExternalName', externalName: 'db.example.com.' }), []);
  assert.deepEqual(errs({ type: 'ExternalName' }), ['spec.externalName: Required value']);
});

test('port range, names required and unique with several ports, protocol values', () => {
  assert.deepEqual(errs({ ports: [{ port: 0 }] }), ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']);
  assert.deepEqual(errs({ ports: [{ port: 80 }, { port: 443 }] }), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']);
  assert.deepEqual(errs({ ports: [{ name: 'web', port: 80 }, { name: 'web', port: 443 }] }), ['spec.ports[1].name: Duplicate value: "web"']);
  assert.deepEqual(errs({ ports: [{ port: 80, protocol: 'HTTP' }] }), ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']);
  assert.deepEqual(errs({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }), [
    'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
  assert.deepEqual(errs({ ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }), []);
});

test('type values and node ports', () => {
  assert.deepEqual(errs({ type: 'Internal', ports: [{ port: 80 }] }), ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
  assert.deepEqual(errs({ ports: [{ port: 80, nodePort: 30080 }] }), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  assert.deepEqual(errs({ type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }), [
    'spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
  ]);
  assert.deepEqual(errs({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), []);
  assert.deepEqual(errs({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }), ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]);
  assert.deepEqual(errs({ sessionAffinity: 'Sticky', ports: [{ port: 80 }] }), ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']);
});

test('selector labels and clusterIP syntax', () => {
  assert.deepEqual(errs({ selector: { app: 'web app' }, ports: [{ port: 80 }] }).length, 1);
  assert.deepEqual(errs({ clusterIP: '10.96.0.300', ports: [{ port: 80 }] }), ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(errs({ externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }), ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']);
});

test('update: an allocated clusterIP may not change; other fields may', () => {
  const old = svc({ clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ port: 80 }] });
  const moved = svc({ clusterIP: '10.96.0.11', selector: { app: 'web' }, ports: [{ port: 80 }] });
  assert.deepEqual(rules.validateUpdate(moved, old).map((e) => e.message), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  const widened = svc({ clusterIP: '10.96.0.10', selector: { app: 'web' }, type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] });
  assert.deepEqual(rules.validateUpdate(widened, old), []);
});

test('status: load balancer ingress only for LoadBalancer services', () => {
  const old = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  const next = structuredClone(old);
  next.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  assert.deepEqual(rules.validateStatusUpdate(next, old).map((e) => e.message), ["status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"]);
});
