// Objects encoded with hale's own definitions decode to the JSON Go writes:
// pointer zeros survive, omitempty zeros vanish, required zeros and structs
// stay, inline structs merge, bytes are base64, Time is RFC3339, IntOrString
// is a number or a string, and map keys are own properties whatever they are.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../machinery/errors.js';
import { decodeProtobufObject } from './decode.js';
import { MAGIC } from './envelope.js';
import { UNKNOWN } from './meta.js';
import { protoType } from './root.js';

/** Encodes `object` as message `type` inside a client-go style envelope. */
function body(type: string, apiVersion: string, kind: string, object: Record<string, unknown>): Buffer {
  const t = protoType(type);
  const raw = t.encode(t.fromObject(object)).finish();
  const unknown = protoType(UNKNOWN);
  const env = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([MAGIC, env]);
}

const deployment = (object: Record<string, unknown>) =>
  decodeProtobufObject(body('k8s.io.api.apps.v1.Deployment', 'apps/v1', 'Deployment', object), { apiVersion: 'apps/v1', kind: 'Deployment' });

describe('protobuf → Go JSON', () => {
  it('a Deployment with every shape of field', () => {
    const got = deployment({
      metadata: {
        name: 'web',
        namespace: 'prod',
        generation: 3,
        creationTimestamp: { seconds: 1767225600, nanos: 123 },
        deletionGracePeriodSeconds: 0,
        labels: { app: 'web', tier: 'front' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Thing', name: 'owner', uid: 'u-1', controller: false }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            securityContext: { runAsUser: 0, supplementalGroups: [1000, 2000] },
            containers: [
              {
                name: 'main',
                image: 'busybox',
                ports: [{ containerPort: 8080, protocol: 'TCP' }, {}],
                env: [
                  { name: 'A', value: '' },
                  { name: 'B', valueFrom: { configMapKeyRef: { localObjectReference: { name: 'cm' }, key: 'k' } } },
                ],
                resources: { limits: { cpu: { string: '500m' }, memory: { string: '64Mi' } } },
                readinessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' } } }, periodSeconds: 5 },
                livenessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } } },
                stdin: false,
              },
            ],
            volumes: [
              { name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'cm' }, defaultMode: 420 } } },
              { name: 'scratch', volumeSource: { emptyDir: {} } },
            ],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { type: 0, intVal: 1 }, maxUnavailable: { type: 1, strVal: '25%' } } },
        paused: false,
      },
    });
    assert.deepEqual(got, {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: {
        name: 'web',
        namespace: 'prod',
        generation: 3,
        creationTimestamp: '2026-01-01T00:00:00Z', // nanos dropped, as Kubernetes drops them
        deletionGracePeriodSeconds: 0, // *int64 set to 0 survives
        labels: { app: 'web', tier: 'front' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Thing', name: 'owner', uid: 'u-1', controller: false }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
        template: {
          metadata: { labels: { app: 'web' }, creationTimestamp: null },
          spec: {
            terminationGracePeriodSeconds: 0,
            securityContext: { runAsUser: 0, supplementalGroups: [1000, 2000] },
            containers: [
              {
                name: 'main',
                image: 'busybox',
                ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 0 }], // containerPort has no omitempty
                env: [{ name: 'A' }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
                resources: { limits: { cpu: '500m', memory: '64Mi' } },
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { tcpSocket: { port: 8080 } },
              },
            ],
            volumes: [
              { name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } },
              { name: 'scratch', emptyDir: {} },
            ],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
      },
      status: {},
    });
  });

  it('writes Go’s nulls and empty structs for absent required fields', () => {
    const got = deployment({ metadata: { name: 'bare' } }) as Record<string, Record<string, unknown>>;
    assert.deepEqual(got.spec, {
      selector: null, // *LabelSelector without omitempty
      template: { metadata: { creationTimestamp: null }, spec: { containers: null } },
      strategy: {},
    });
    assert.deepEqual(got.metadata, { name: 'bare', creationTimestamp: null });
  });

  it('Secret bytes are standard base64 and an empty value stays', () => {
    const got = decodeProtobufObject(
      body('k8s.io.api.core.v1.Secret', 'v1', 'Secret', {
        metadata: { name: 's' },
        immutable: false,
        data: { 'tls.key': Buffer.from([0, 1, 2, 255]), empty: Buffer.alloc(0) },
        type: 'Opaque',
      }),
      { apiVersion: 'v1', kind: 'Secret' },
    ) as Record<string, unknown>;
    assert.deepEqual(got, {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      immutable: false,
      data: { empty: '', 'tls.key': 'AAEC/w==' },
      type: 'Opaque',
    });
  });

  it('a ConfigMap key named __proto__ is kept as data, not as a prototype', () => {
    // Build the map entry by hand: fromObject would not carry a __proto__ key.
    const meta = protoType('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    const metaBytes = meta.encode(meta.fromObject({ name: 'cm' })).finish();
    const entry = Buffer.from([0x0a, 9, ...Buffer.from('__proto__'), 0x12, 2, ...Buffer.from('hi')]);
    const raw = Buffer.concat([Buffer.from([0x0a, metaBytes.length]), metaBytes, Buffer.from([0x12, entry.length]), entry]);
    const unknown = protoType(UNKNOWN);
    const env = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw })).finish();
    const got = decodeProtobufObject(Buffer.concat([MAGIC, env]), { apiVersion: 'v1', kind: 'ConfigMap' }) as { data: Record<string, unknown> };
    assert.deepEqual(Object.keys(got.data), ['__proto__']);
    assert.equal(Object.getPrototypeOf(got.data), Object.prototype);
    assert.equal(JSON.stringify(got.data), '{"__proto__":"hi"}');
  });

  it('Service: targetPort is written even when zero, pointer strings appear when set', () => {
    const got = decodeProtobufObject(
      body('k8s.io.api.core.v1.Service', 'v1', 'Service', {
        metadata: { name: 'svc' },
        spec: {
          ports: [{ port: 80 }],
          clusterIP: 'None',
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
          allocateLoadBalancerNodePorts: false,
          publishNotReadyAddresses: false,
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
        },
      }),
      { apiVersion: 'v1', kind: 'Service' },
    ) as Record<string, unknown>;
    assert.deepEqual(got.spec, {
      ports: [{ port: 80, targetPort: 0 }],
      clusterIP: 'None',
      ipFamilyPolicy: 'SingleStack',
      allocateLoadBalancerNodePorts: false,
      internalTrafficPolicy: 'Cluster',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
    });
    assert.deepEqual(got.status, { loadBalancer: {} });
  });

  it('Time: the zero time is null, deletionTimestamp appears when set', () => {
    const ns = (metadata: Record<string, unknown>) =>
      (decodeProtobufObject(body('k8s.io.api.core.v1.Namespace', 'v1', 'Namespace', { metadata }), { apiVersion: 'v1', kind: 'Namespace' }) as { metadata: unknown }).metadata;
    assert.deepEqual(ns({ name: 'a', creationTimestamp: { seconds: -62135596800 } }), { name: 'a', creationTimestamp: null });
    assert.deepEqual(ns({ name: 'a', creationTimestamp: { seconds: 0 }, deletionTimestamp: { seconds: 951782400 } }), {
      name: 'a',
      creationTimestamp: '1970-01-01T00:00:00Z',
      deletionTimestamp: '2000-02-29T00:00:00Z',
    });
    assert.throws(() => ns({ name: 'a', creationTimestamp: { seconds: 253402300800 } }), (e: unknown) => e instanceof ApiError && e.code === 400);
  });

  it('an IntOrString of an impossible type is a 400, as in Go', () => {
    assert.throws(
      () => deployment({ metadata: { name: 'x' }, spec: { strategy: { rollingUpdate: { maxSurge: { type: 7 } } } } }),
      (e: unknown) => e instanceof ApiError && e.code === 400 && /spec\.strategy\.rollingUpdate\.maxSurge: IntOrString type 7/.test(e.message),
    );
  });

  it('managedFields carry their fieldsV1 JSON', () => {
    const got = decodeProtobufObject(
      body('k8s.io.api.core.v1.ServiceAccount', 'v1', 'ServiceAccount', {
        metadata: {
          name: 'sa',
          managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: { seconds: 1767225600 }, fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:metadata":{}}') } }],
        },
        automountServiceAccountToken: false,
      }),
      { apiVersion: 'v1', kind: 'ServiceAccount' },
    ) as Record<string, unknown>;
    assert.deepEqual(got, {
      kind: 'ServiceAccount',
      apiVersion: 'v1',
      metadata: {
        name: 'sa',
        creationTimestamp: null,
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }],
      },
      automountServiceAccountToken: false,
    });
  });
});
