// --node-label / --node-taint parsing and the Node they register: validated
// like object labels and kubelet taint specs, taints in spec.taints at
// creation, capacity quantities exact.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabels, formatTaint, parseNodeLabels, parseNodeTaints } from './registration-flags.js';
import { newNode, nodeCapacity, type NodeFacts } from './node-object.js';

test('labels: key=value items, comma lists, later wins', () => {
  assert.deepEqual(parseNodeLabels('--node-label', ['tier=batch', 'autoscaling.hale.dev/nodepool=w,zone=a', 'tier=web', 'empty=']), {
    tier: 'web',
    'autoscaling.hale.dev/nodepool': 'w',
    zone: 'a',
    empty: '',
  });
});

test('labels: bad items are refused with the item and the rule', () => {
  assert.throws(() => parseNodeLabels('--node-label', ['novalue']), /--node-label novalue: expected key=value/);
  assert.throws(() => parseNodeLabels('--node-label', ['-bad=x']), /invalid label key "-bad"/);
  assert.throws(() => parseNodeLabels('--node-label', ['k=bad value']), /invalid label value "bad value"/);
});

test('taints: key=value:Effect and key:Effect', () => {
  assert.deepEqual(parseNodeTaints('--node-taint', ['dedicated=batch:NoSchedule', 'spot:PreferNoSchedule', 'x=:NoExecute']), [
    { key: 'dedicated', value: 'batch', effect: 'NoSchedule' },
    { key: 'spot', effect: 'PreferNoSchedule' },
    { key: 'x', effect: 'NoExecute' },
  ]);
  assert.equal(formatTaint({ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }), 'dedicated=batch:NoSchedule');
  assert.equal(formatTaint({ key: 'spot', effect: 'PreferNoSchedule' }), 'spot:PreferNoSchedule');
  assert.deepEqual(formatLabels({ b: '2', a: '1' }), ['a=1', 'b=2']);
});

test('taints: bad items are refused', () => {
  assert.throws(() => parseNodeTaints('--node-taint', ['dedicated=batch']), /expected key=value:Effect/);
  assert.throws(() => parseNodeTaints('--node-taint', ['dedicated=batch:Never']), /invalid taint effect "Never"/);
  assert.throws(() => parseNodeTaints('--node-taint', ['a b=c:NoSchedule']), /invalid taint key "a b"/);
  assert.throws(() => parseNodeTaints('--node-taint', ['k=v:NoSchedule', 'k=w:NoSchedule']), /duplicate taint k:NoSchedule/);
});

const facts: NodeFacts = {
  name: 'n1',
  ip: '10.0.0.1',
  hostname: 'n1',
  cpus: 0.5,
  memoryBytes: 6 * 2 ** 30,
  ephemeralStorageBytes: 1000,
  maxPods: 50,
  kernelVersion: 'k',
  osImage: 'o',
  architecture: 'x64',
  machineId: 'm',
  bootId: 'b',
  runtime: 'r',
  agentPort: 10250,
  certSha256: '',
  labels: { tier: 'batch' },
  taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
  extraCapacity: { 'example.com/gpu': '2' },
};

test('the Node registers with its taints, labels and exact capacity', () => {
  const n = newNode(facts, { ready: true, readyReason: 'KubeletReady', readyMessage: '' }, '2026-01-01T00:00:00Z');
  assert.deepEqual((n.spec as { taints?: unknown }).taints, [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
  assert.equal(n.metadata.labels?.tier, 'batch');
  assert.deepEqual(nodeCapacity(facts), { 'example.com/gpu': '2', cpu: '500m', 'ephemeral-storage': '1000', memory: '6291456Ki', pods: '50' });
  assert.deepEqual(newNode({ ...facts, taints: [] }, { ready: true, readyReason: '', readyMessage: '' }, '2026-01-01T00:00:00Z').spec, {});
});
