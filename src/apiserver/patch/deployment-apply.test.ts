// The strategic merge patch client-side `kubectl apply` sends (the example
// body of k8s-api.md §5), applied to a realistic live Deployment, with every
// field of the result checked. The body as printed in the reference lists
// only `v1` in `$setElementOrder/volumes` while it also patches volume `v`;
// Kubernetes rejects that (validatePatchWithSetOrderList), so it is tested
// twice: verbatim (400) and with the order list kubectl would send.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../api/object.js';
import { ApiError } from '../../machinery/errors.js';
import { applyPatch } from './apply-patch.js';
import { patchSchemaFor } from './schema.js';

const SMP = 'application/strategic-merge-patch+json';

function liveDeployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: '9d2c6a51-3f0e-4d55-9a8e-2f6f1b7e4c10',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-01-02T03:04:05Z',
      labels: { app: 'web', tier: 'frontend' },
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}',
      },
      finalizers: ['example.com/a', 'example.com/b'],
    },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'a',
              image: 'nginx:1',
              args: ['x', 'y'],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [
                { containerPort: 80, protocol: 'TCP' },
                { containerPort: 443, protocol: 'TCP' },
              ],
              volumeMounts: [
                { mountPath: '/a', name: 'v2' },
                { mountPath: '/c', name: 'v' },
              ],
              imagePullPolicy: 'IfNotPresent',
              resources: {},
              terminationMessagePath: '/dev/termination-log',
            },
            { name: 'b', image: 'busybox:1.36', command: ['sleep', '3600'] },
          ],
          tolerations: [{ key: 'a', operator: 'Exists' }],
          volumes: [
            { name: 'v', emptyDir: {} },
            { name: 'v1', configMap: { name: 'cm1' } },
            { name: 'v2', secret: { secretName: 's' } },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {
      observedGeneration: 3,
      replicas: 2,
      readyReplicas: 2,
      conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
    },
  };
}

/** The §5 body, verbatim. */
function kubectlBody(): JsonObject {
  return {
    metadata: {
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '…' },
      labels: { tier: null },
      '$deleteFromPrimitiveList/finalizers': ['example.com/b'],
      '$setElementOrder/finalizers': ['example.com/a'],
    },
    spec: {
      strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }],
          '$setElementOrder/volumes': [{ name: 'v1' }],
          containers: [
            {
              name: 'a',
              image: 'nginx:2',
              args: ['z'],
              '$setElementOrder/env': [{ name: 'B' }],
              env: [
                { name: 'B', value: '3' },
                { $patch: 'delete', name: 'A' },
              ],
              ports: [{ $patch: 'delete', containerPort: 443 }],
              volumeMounts: [
                { mountPath: '/b', name: 'v1' },
                { $patch: 'delete', mountPath: '/a' },
              ],
            },
            { $patch: 'delete', name: 'b' },
          ],
          tolerations: [{ key: 'b', operator: 'Exists' }],
          volumes: [
            { $patch: 'delete', name: 'v2' },
            { $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, emptyDir: null, name: 'v' },
          ],
        },
      },
    },
  };
}

function apply(patch: unknown, original = liveDeployment()): JsonObject {
  return applyPatch({ contentType: SMP, original, patch, schema: patchSchemaFor('apps/v1', 'Deployment') });
}

describe('client-side kubectl apply patch on a Deployment', () => {
  it('rejects the verbatim body: volume v is patched but missing from $setElementOrder/volumes', () => {
    assert.throws(
      () => apply(kubectlBody()),
      (err: unknown) => err instanceof ApiError && err.code === 400 && /doesn't match \$setElementOrder list/.test(err.message),
    );
  });

  it('applies the body with a consistent $setElementOrder/volumes, field by field', () => {
    const body = kubectlBody();
    const podSpec = ((body.spec as JsonObject).template as JsonObject).spec as JsonObject;
    podSpec['$setElementOrder/volumes'] = [{ name: 'v1' }, { name: 'v' }];
    const original = liveDeployment();
    const before = structuredClone(original);
    const bodyBefore = structuredClone(body);

    const got = apply(body, original);

    assert.deepEqual(original, before, 'the live object is not mutated');
    assert.deepEqual(body, bodyBefore, 'the patch is not mutated');
    assert.deepEqual(got, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: '9d2c6a51-3f0e-4d55-9a8e-2f6f1b7e4c10',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2026-01-02T03:04:05Z',
        labels: { app: 'web' }, // tier: null deleted it
        annotations: {
          'deployment.kubernetes.io/revision': '3', // untouched key survives the map merge
          'kubectl.kubernetes.io/last-applied-configuration': '…',
        },
        finalizers: ['example.com/a'], // $deleteFromPrimitiveList removed b
      },
      spec: {
        replicas: 2,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'Recreate' }, // $retainKeys dropped rollingUpdate
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'a',
                image: 'nginx:2',
                args: ['z'], // atomic: replaced
                env: [{ name: 'B', value: '3' }], // A deleted, B merged
                ports: [{ containerPort: 80, protocol: 'TCP' }], // 443 deleted
                // /a deleted; /b is new and comes before the server-only /c
                volumeMounts: [
                  { mountPath: '/b', name: 'v1' },
                  { mountPath: '/c', name: 'v' },
                ],
                imagePullPolicy: 'IfNotPresent',
                resources: {},
                terminationMessagePath: '/dev/termination-log',
              },
            ], // container b deleted
            tolerations: [{ key: 'b', operator: 'Exists' }], // atomic: replaced
            volumes: [
              { name: 'v1', configMap: { name: 'cm1' } },
              { name: 'v', configMap: { name: 'cm' } }, // emptyDir cleared by $retainKeys
            ], // v2 deleted; order from $setElementOrder
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
            terminationGracePeriodSeconds: 30,
          },
        },
      },
      status: {
        observedGeneration: 3,
        replicas: 2,
        readyReplicas: 2,
        conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
      },
    });
  });

  it('leaves no directive key anywhere in the result', () => {
    const body = kubectlBody();
    const podSpec = ((body.spec as JsonObject).template as JsonObject).spec as JsonObject;
    podSpec['$setElementOrder/volumes'] = [{ name: 'v1' }, { name: 'v' }];
    assert.doesNotMatch(JSON.stringify(apply(body)), /"\$/);
  });

  it('kubectl rollout restart: adds a template annotation and keeps everything else', () => {
    const at = '2026-01-02T10:00:00Z';
    const got = apply({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } });
    const want = liveDeployment();
    ((want.spec as JsonObject).template as JsonObject).metadata = { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': at } };
    assert.deepEqual(got, want);
  });

  it('kubectl set image: merges one container by name', () => {
    const got = apply({ spec: { template: { spec: { containers: [{ name: 'b', image: 'busybox:1.37' }] } } } });
    const containers = (((got.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    assert.deepEqual(
      containers.map((c) => [c.name, c.image]),
      [
        ['a', 'nginx:1'],
        ['b', 'busybox:1.37'],
      ],
    );
    assert.deepEqual(containers[1]?.command, ['sleep', '3600']);
  });
});
