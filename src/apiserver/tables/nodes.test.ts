// Node rows: Ready, NotReady and cordoned, Unknown, roles, wide addresses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { nodePrinter } from './nodes.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

const nodeInfo = {
  kubeletVersion: 'v1.32.0-hale',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  kernelVersion: '6.1.0-18-amd64',
  containerRuntimeVersion: 'hale://0.1.0',
};

test('node columns', () => {
  assert.deepEqual(
    nodePrinter.columns.map((c) => [c.name, c.priority]),
    [['Name', 0], ['Status', 0], ['Roles', 0], ['Age', 0], ['Version', 0], ['Internal-IP', 1], ['External-IP', 1], ['OS-Image', 1], ['Kernel-Version', 1], ['Container-Runtime', 1]],
  );
});

test('ready control-plane node', () => {
  const n: KObject = {
    metadata: {
      name: 'node-1',
      creationTimestamp: ago(10 * 86400),
      labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'etcd', 'kubernetes.io/hostname': 'node-1' },
    },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
      nodeInfo,
    },
  };
  assert.deepEqual(nodePrinter.cells(n, NOW), [
    'node-1', 'Ready', 'control-plane,etcd', '10d', 'v1.32.0-hale', '192.168.1.10', '<none>',
    'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'hale://0.1.0',
  ]);
});

test('NotReady cordoned node', () => {
  const n: KObject = {
    metadata: { name: 'node-2', creationTimestamp: ago(3 * 3600 + 4 * 60) },
    spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    status: {
      conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }],
      addresses: [{ type: 'InternalIP', address: '192.168.1.11' }, { type: 'ExternalIP', address: '203.0.113.11' }],
      nodeInfo,
    },
  };
  assert.deepEqual(nodePrinter.cells(n, NOW).slice(0, 7), ['node-2', 'NotReady,SchedulingDisabled', '<none>', '3h4m', 'v1.32.0-hale', '192.168.1.11', '203.0.113.11']);
});

test('node that never reported', () => {
  const n: KObject = { metadata: { name: 'node-3', creationTimestamp: ago(30) } };
  assert.deepEqual(nodePrinter.cells(n, NOW), ['node-3', 'Unknown', '<none>', '30s', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});
