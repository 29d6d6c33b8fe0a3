// Workload defaults match `kubectl get -o yaml` on a Kubernetes 1.32 cluster
// (server-set metadata and status left out).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../object.js';
import { rulesFor } from '../validation/rules.js';

const container = { name: 'nginx', image: 'nginx:1.27' };
const defaultedContainer = {
  name: 'nginx',
  image: 'nginx:1.27',
  imagePullPolicy: 'IfNotPresent',
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};
const defaultedPodSpec = {
  containers: [defaultedContainer],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

function template(): Record<string, unknown> {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ ...container }] } };
}

function withDefaults(key: string, o: KObject): KObject {
  rulesFor(key).applyDefaults(o);
  return o;
}

test('a bare Deployment gets exactly the defaults a real cluster shows', () => {
  const d = withDefaults('deployments.apps', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  });
  assert.deepEqual(d, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: defaultedPodSpec },
    },
  });
  assert.deepEqual(rulesFor('deployments.apps').validateCreate(d), []);
});

test('defaulting is idempotent and keeps what the user set', () => {
  const d = withDefaults('deployments.apps', {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 0,
      minReadySeconds: 5,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { app: 'web' } },
      template: template(),
    },
  });
  const once = JSON.stringify(d);
  rulesFor('deployments.apps').applyDefaults(d);
  assert.equal(JSON.stringify(d), once);
  const spec = d.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 0);
  assert.equal(spec.minReadySeconds, 5);
  assert.deepEqual(spec.strategy, { type: 'Recreate' });
});

test('a bare StatefulSet, volumeClaimTemplates included', () => {
  const s = withDefaults('statefulsets.apps', {
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  assert.deepEqual(s.spec, {
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    podManagementPolicy: 'OrderedReady',
    replicas: 1,
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'web' } },
    serviceName: 'db',
    template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: defaultedPodSpec },
    updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { creationTimestamp: null, name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    ],
  });
});

test('a bare DaemonSet and ReplicaSet', () => {
  const ds = withDefaults('daemonsets.apps', {
    metadata: { name: 'agent', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  });
  assert.deepEqual(ds.spec, {
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: defaultedPodSpec },
    updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
  });
  const rs = withDefaults('replicasets.apps', {
    metadata: { name: 'web-abc', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  });
  assert.equal((rs.spec as Record<string, unknown>).replicas, 1);
});

test('an explicit StatefulSet RollingUpdate without rollingUpdate stays without a partition', () => {
  const s = withDefaults('statefulsets.apps', {
    metadata: { name: 'db', namespace: 'default' },
    spec: { updateStrategy: { type: 'RollingUpdate' }, selector: { matchLabels: { app: 'web' } }, template: template() },
  });
  assert.deepEqual((s.spec as Record<string, unknown>).updateStrategy, { type: 'RollingUpdate' });
});
