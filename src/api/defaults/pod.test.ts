// Pod defaults: what `kubectl get pod -o yaml` shows right after creation
// (minus the token volume and the toleration admission, which hale does elsewhere).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from '../validation/rules.js';
import { imageTag } from './image.js';

function pod(spec: Record<string, unknown>): KObject {
  const p: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec };
  rulesFor('pods').applyDefaults(p);
  return p;
}

test('kubectl run nginx --image=nginx', () => {
  const p = pod({ containers: [{ name: 'nginx', image: 'nginx' }] });
  assert.deepEqual(p.spec, {
    containers: [
      { image: 'nginx', imagePullPolicy: 'Always', name: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' },
    ],
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: 'default',
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
  });
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('imagePullPolicy follows the tag', () => {
  assert.equal(imageTag('nginx'), 'latest');
  assert.equal(imageTag('nginx:latest'), 'latest');
  assert.equal(imageTag('registry.local:5000/team/app'), 'latest');
  assert.equal(imageTag('nginx:1.27'), '1.27');
  assert.equal(imageTag('nginx@sha256:' + 'a'.repeat(64)), '');
  assert.equal(imageTag(''), '');
  const p = pod({ containers: [{ name: 'a', image: 'nginx:1.27' }, { name: 'b', image: 'localhost:5000/app' }] });
  const cs = (p.spec as { containers: Array<Record<string, unknown>> }).containers;
  assert.equal(cs[0]?.imagePullPolicy, 'IfNotPresent');
  assert.equal(cs[1]?.imagePullPolicy, 'Always');
});

test('probes, ports, env fieldRefs and handlers are defaulted', () => {
  const p = pod({
    containers: [
      {
        name: 'app',
        image: 'app:1',
        ports: [{ containerPort: 8080 }],
        env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        livenessProbe: { httpGet: { port: 8080 } },
        readinessProbe: { grpc: { port: 9000 }, periodSeconds: 5 },
        lifecycle: { preStop: { httpGet: { port: 'http', path: '/stop' } } },
      },
    ],
  });
  const c = (p.spec as { containers: Array<Record<string, unknown>> }).containers[0] ?? {};
  assert.deepEqual(c.ports, [{ containerPort: 8080, protocol: 'TCP' }]);
  assert.deepEqual(c.env, [{ name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }]);
  assert.deepEqual(c.livenessProbe, { httpGet: { path: '/', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(c.readinessProbe, { grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(c.lifecycle, { preStop: { httpGet: { port: 'http', path: '/stop', scheme: 'HTTP' } } });
});

test('volumes: emptyDir when no source, modes 420, hostPath type ""', () => {
  const p = pod({
    containers: [{ name: 'a', image: 'a:1' }],
    volumes: [
      { name: 'scratch' },
      { name: 'cfg', configMap: { name: 'cfg' } },
      { name: 'sec', secret: { secretName: 's' } },
      { name: 'host', hostPath: { path: '/var/log' } },
      { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ],
  });
  assert.deepEqual((p.spec as Record<string, unknown>).volumes, [
    { name: 'scratch', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
    { name: 'sec', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'host', hostPath: { path: '/var/log', type: '' } },
    { name: 'proj', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
  ]);
});

test('requests default to limits, quantities are canonical, QoS is computed', () => {
  const guaranteed = pod({ containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: 0.5, memory: '1024Mi' } } }] });
  const c = (guaranteed.spec as { containers: Array<Record<string, unknown>> }).containers[0] ?? {};
  assert.deepEqual(c.resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  assert.equal((guaranteed.status as Record<string, unknown>).qosClass, 'Guaranteed');
  const burstable = pod({ containers: [{ name: 'a', image: 'a:1', resources: { requests: { cpu: '100m' } } }] });
  assert.equal((burstable.status as Record<string, unknown>).qosClass, 'Burstable');
  const mixed = pod({ containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: '1' } } }] });
  assert.equal((mixed.status as Record<string, unknown>).qosClass, 'Burstable');
});

test('hostNetwork pods get hostPort = containerPort; templates do not get pod-only defaults', () => {
  const p = pod({ hostNetwork: true, containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 53, protocol: 'UDP' }] }] });
  const c = (p.spec as { containers: Array<Record<string, unknown>> }).containers[0] ?? {};
  assert.deepEqual(c.ports, [{ containerPort: 53, protocol: 'UDP', hostPort: 53 }]);
  const d: KObject = {
    metadata: { name: 'd', namespace: 'default' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: '1' } } }] } } },
  };
  rulesFor('deployments.apps').applyDefaults(d);
  const ts = ((d.spec as Record<string, Record<string, unknown>>).template?.spec ?? {}) as Record<string, unknown>;
  assert.equal(ts.enableServiceLinks, undefined);
  assert.equal(ts.serviceAccountName, undefined);
  assert.deepEqual((ts.containers as Array<Record<string, unknown>>)[0]?.resources, { limits: { cpu: '1' } });
});

test('serviceAccountName and the deprecated serviceAccount mirror each other', () => {
  const p = pod({ serviceAccount: 'builder', containers: [{ name: 'a', image: 'a:1' }] });
  assert.equal((p.spec as Record<string, unknown>).serviceAccountName, 'builder');
  assert.equal((p.spec as Record<string, unknown>).serviceAccount, 'builder');
  const q = pod({ priorityClassName: 'system-node-critical', containers: [{ name: 'a', image: 'a:1' }] });
  assert.equal((q.spec as Record<string, unknown>).priority, 2000001000);
});
