import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { pinnedAffinity, targetNodeName, withDaemonTolerations } from './daemon-pod.js';
import { nodeShouldRunDaemonPod } from './placement.js';

const ds = (podSpec: Record<string, unknown>): KObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec: podSpec } } });
const node = (taints: object[], labels: Record<string, string> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n', labels },
  spec: { taints },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});

test('taints: NoSchedule keeps new pods off but lets placed ones stay; NoExecute sends them away', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node([]), ds({})), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node([{ key: 'k', value: 'v', effect: 'NoSchedule' }]), ds({})), { shouldRun: false, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node([{ key: 'k', value: 'v', effect: 'NoExecute' }]), ds({})), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(nodeShouldRunDaemonPod(node([{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }]), ds({})), { shouldRun: true, shouldContinueRunning: true });
  // The automatic tolerations: a cordoned or pressured node still runs daemon pods.
  assert.equal(nodeShouldRunDaemonPod(node([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]), ds({})).shouldRun, true);
  // network-unavailable only for hostNetwork pods.
  const noNet = node([{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]);
  assert.equal(nodeShouldRunDaemonPod(noNet, ds({})).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(noNet, ds({ hostNetwork: true })).shouldRun, true);
});

test('nodeSelector, required affinity and spec.nodeName decide the node', () => {
  assert.equal(nodeShouldRunDaemonPod(node([], { disk: 'ssd' }), ds({ nodeSelector: { disk: 'ssd' } })).shouldRun, true);
  assert.deepEqual(nodeShouldRunDaemonPod(node([], { disk: 'hdd' }), ds({ nodeSelector: { disk: 'ssd' } })), { shouldRun: false, shouldContinueRunning: false });
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } };
  assert.equal(nodeShouldRunDaemonPod(node([], { zone: 'a' }), ds({ affinity })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node([], { zone: 'b' }), ds({ affinity })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node([]), ds({ nodeName: 'other' })).shouldRun, false);
});

test('daemon tolerations replace a matching one (dropping tolerationSeconds) and keep the rest', () => {
  const spec = withDaemonTolerations({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'x', operator: 'Exists' }] });
  const t = spec.tolerations as { key: string; tolerationSeconds?: number }[];
  assert.equal(t.length, 7);
  assert.deepEqual(t[0], { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
  assert.deepEqual(t[1], { key: 'x', operator: 'Exists' });
});

test('the node pin replaces required terms and keeps the rest of the affinity', () => {
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['old'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }],
    },
    podAntiAffinity: {},
  };
  const pinned = pinnedAffinity(affinity, 'n7');
  assert.deepEqual(pinned.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] });
  assert.ok(pinned.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  assert.ok(pinned.podAntiAffinity);
  assert.equal(affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]!.matchFields[0]!.values[0], 'old', 'the input is not changed');
  assert.equal(targetNodeName({ metadata: {}, spec: { affinity: pinned } }), 'n7');
  assert.equal(targetNodeName({ metadata: {}, spec: { nodeName: 'bound', affinity: pinned } }), 'bound');
});
