// Workload rows: a deployment mid-rollout, replica sets, stateful sets,
// daemon sets and controller revisions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] },
};

const names = (cols: { name: string; priority: number }[]) => cols.map((c) => (c.priority ? `${c.name}*` : c.name));

test('deployment mid-rollout', () => {
  const d: KObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(3 * 86400 + 4 * 3600) },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template },
    status: { replicas: 5, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 2 },
  };
  assert.deepEqual(names(deploymentPrinter.columns), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(deploymentPrinter.cells(d, NOW), ['web', '3/4', 2, 3, '3d4h', 'web,log', 'nginx:1.27,busybox', 'app=web']);
});

test('new deployment with no status, defaulted replicas, invalid selector', () => {
  const d: KObject = {
    metadata: { name: 'api', creationTimestamp: ago(2) },
    spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Near' }] }, template },
  };
  assert.deepEqual(deploymentPrinter.cells(d, NOW), ['api', '0/1', 0, 0, '2s', 'web,log', 'nginx:1.27,busybox', '<invalid>']);
});

test('replica set', () => {
  const rs: KObject = {
    metadata: { name: 'web-7d9c8b6f5', creationTimestamp: ago(600) },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d9c8b6f5' } }, template },
    status: { replicas: 3, readyReplicas: 2 },
  };
  assert.deepEqual(names(replicaSetPrinter.columns), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(replicaSetPrinter.cells(rs, NOW), [
    'web-7d9c8b6f5', 3, 3, 2, '10m', 'web,log', 'nginx:1.27,busybox', 'app=web,pod-template-hash=7d9c8b6f5',
  ]);
  const scaledDown: KObject = { metadata: { name: 'old' }, spec: { replicas: 0, selector: {}, template } };
  assert.deepEqual(replicaSetPrinter.cells(scaledDown, NOW).slice(1, 5), [0, 0, 0, '<unknown>']);
  assert.equal(replicaSetPrinter.cells(scaledDown, NOW)[7], '<none>');
});

test('stateful set', () => {
  const sts: KObject = {
    metadata: { name: 'db', creationTimestamp: ago(7200) },
    spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, template },
    status: { replicas: 3, readyReplicas: 1 },
  };
  assert.deepEqual(names(statefulSetPrinter.columns), ['Name', 'Ready', 'Age', 'Containers*', 'Images*']);
  assert.deepEqual(statefulSetPrinter.cells(sts, NOW), ['db', '1/3', '120m', 'web,log', 'nginx:1.27,busybox']);
});

test('daemon set', () => {
  const ds: KObject = {
    metadata: { name: 'agent', creationTimestamp: ago(45 * 86400) },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'agent', image: 'hale/agent:1' }] } },
    },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  };
  assert.deepEqual(names(daemonSetPrinter.columns), [
    'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*',
  ]);
  assert.deepEqual(daemonSetPrinter.cells(ds, NOW), [
    'agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '45d', 'agent', 'hale/agent:1', 'app=agent',
  ]);
  const noSelector: KObject = { metadata: { name: 'x' }, spec: { template: { spec: { containers: [] } } } };
  assert.deepEqual(daemonSetPrinter.cells(noSelector, NOW).slice(6), ['<none>', '<unknown>', '', '', '<none>']);
});

test('controller revision names its controller as kind.group/name', () => {
  const owned: KObject = {
    metadata: {
      name: 'db-5b7f8c9d4',
      creationTimestamp: ago(90),
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid: 'u0' },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u1', controller: true },
      ],
    },
    revision: 2,
  };
  assert.deepEqual(controllerRevisionPrinter.cells(owned, NOW), ['db-5b7f8c9d4', 'statefulset.apps/db', 2, '90s']);
  const coreOwner: KObject = {
    metadata: { name: 'r', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', controller: true }] },
    revision: 1,
  };
  assert.equal(controllerRevisionPrinter.cells(coreOwner, NOW)[1], 'pod/p');
  assert.equal(controllerRevisionPrinter.cells({ metadata: { name: 'orphan' }, revision: 1 }, NOW)[1], '<none>');
});
