// The snapshot's bookkeeping: which pods count where, incremental totals,
// assume / confirm / forget, node readiness taints, namespace labels.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Snapshot } from './snapshot.js';
import { node, pod } from './testing/fixtures.js';

const names = (s: Snapshot, n: string) => (s.nodeInfo(n)?.pods ?? []).map((p) => p.name).sort();

test('which pods count: bound, not terminal; terminating ones until they are gone', () => {
  const s = new Snapshot(
    [node('n1')],
    [
      pod('running', { node: 'n1', cpu: '1' }),
      pod('pending', { cpu: '1' }),
      pod('succeeded', { node: 'n1', cpu: '1', phase: 'Succeeded' }),
      pod('failed', { node: 'n1', cpu: '1', phase: 'Failed' }),
      pod('deleting', { node: 'n1', cpu: '1', deleting: true }),
    ],
  );
  assert.deepEqual(names(s, 'n1'), ['deleting', 'running']);
  assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 2000);
  s.removePod('default/deleting');
  assert.deepEqual(names(s, 'n1'), ['running']);
  assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 1000);
  // a pod turning terminal leaves
  s.setPod(pod('running', { node: 'n1', cpu: '1', phase: 'Succeeded' }));
  assert.deepEqual(names(s, 'n1'), []);
  assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 0);
});

test('pods of a node the snapshot does not know yet count once it appears; removing a node hides it', () => {
  const s = new Snapshot([], [pod('early', { node: 'late', cpu: '1' })]);
  assert.equal(s.numNodes, 0);
  s.setNode(node('late'));
  assert.deepEqual(names(s, 'late'), ['early']);
  s.removeNode('late');
  assert.equal(s.nodeInfo('late'), undefined);
  assert.deepEqual(s.nodeInfos(), []);
  s.setNode(node('late'));
  assert.deepEqual(names(s, 'late'), ['early'], 'its pods were kept');
});

test('updates replace the old copy and move totals with it', () => {
  const s = new Snapshot([node('n1'), node('n2')], [pod('p', { node: 'n1', cpu: '1', hostPorts: [80] })]);
  s.setPod(pod('p', { node: 'n1', cpu: '2', hostPorts: [81] }));
  const n1 = s.nodeInfo('n1');
  assert.equal(n1?.requested.milliCPU, 2000);
  assert.equal(n1?.usedPorts.conflicts({ ip: '', protocol: 'TCP', port: 80 }), false);
  assert.equal(n1?.usedPorts.conflicts({ ip: '', protocol: 'TCP', port: 81 }), true);
  assert.equal(n1?.nonZeroMilliCPU, 2000);
  assert.equal(n1?.nonZeroMemory, 200 * 1024 * 1024);
});

test('assume, confirm by the informer, forget', () => {
  const s = new Snapshot([node('n1'), node('n2')], []);
  const p = pod('web', { cpu: '1' });
  s.assume(p, 'n1');
  assert.ok(s.isAssumed('default/web'));
  assert.deepEqual(names(s, 'n1'), ['web']);
  // the informer still shows the pod unbound: the assumed copy stays
  s.setPod(p);
  assert.deepEqual(names(s, 'n1'), ['web']);
  // the informer shows it bound: confirmed, no longer assumed
  s.setPod(pod('web', { cpu: '1', node: 'n1' }));
  assert.ok(!s.isAssumed('default/web'));
  assert.equal(s.forget('default/web'), false, 'only assumed pods can be forgotten');
  assert.deepEqual(names(s, 'n1'), ['web']);

  const q = pod('api', { cpu: '1' });
  s.assume(q, 'n2');
  assert.ok(s.forget('default/api'));
  assert.deepEqual(names(s, 'n2'), []);
  assert.equal(s.nodeInfo('n2')?.requested.milliCPU, 0);
});

test('a pod the informer shows on another node than assumed moves there', () => {
  const s = new Snapshot([node('n1'), node('n2')], []);
  s.assume(pod('web', { cpu: '1' }), 'n1');
  s.setPod(pod('web', { cpu: '1', node: 'n2' }));
  assert.deepEqual(names(s, 'n1'), []);
  assert.deepEqual(names(s, 'n2'), ['web']);
  assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 0);
});

test('nodes are listed by name; not-Ready nodes carry the readiness taint', () => {
  const s = new Snapshot([node('b', { ready: 'False' }), node('a'), node('c', { ready: 'Unknown', taints: [{ key: 'x', effect: 'NoSchedule' }] })], []);
  assert.deepEqual(s.nodeInfos().map((n) => n.name), ['a', 'b', 'c']);
  assert.deepEqual(s.nodeInfo('a')?.taints, []);
  assert.deepEqual(s.nodeInfo('b')?.taints, [{ key: 'node.kubernetes.io/not-ready', value: '', effect: 'NoSchedule' }]);
  assert.deepEqual(s.nodeInfo('c')?.taints, [
    { key: 'x', value: '', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', value: '', effect: 'NoSchedule' },
  ]);
});

test('namespace labels', () => {
  const s = new Snapshot([], [], { namespaces: [{ metadata: { name: 'team-a', labels: { team: 'a' } } }] });
  assert.deepEqual(s.namespaceLabels('team-a'), { team: 'a' });
  assert.equal(s.namespaceLabels('other'), undefined);
  s.removeNamespace('team-a');
  assert.equal(s.namespaceLabels('team-a'), undefined);
});

test('the nodes holding pods with affinity terms follow pods as they come, move and go', () => {
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  const pref = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' } }] } };
  const s = new Snapshot([node('n1'), node('n2')], [pod('plain', { node: 'n1' }), pod('db', { node: 'n1', spec: { affinity: anti } })]);
  const nodes = (l: readonly { name: string }[]) => l.map((n) => n.name).sort();
  assert.deepEqual(nodes(s.nodesWithAffinityPods()), ['n1']);
  assert.deepEqual(nodes(s.nodesWithRequiredAntiAffinityPods()), ['n1']);
  s.setPod(pod('web', { node: 'n2', spec: { affinity: pref } }));
  assert.deepEqual(nodes(s.nodesWithAffinityPods()), ['n1', 'n2']);
  assert.deepEqual(nodes(s.nodesWithRequiredAntiAffinityPods()), ['n1'], 'preferred terms only: not a required anti-affinity node');
  s.assume(pod('db2', { spec: { affinity: anti } }), 'n2');
  assert.deepEqual(nodes(s.nodesWithRequiredAntiAffinityPods()), ['n1', 'n2']);
  s.forget('default/db2');
  s.removePod('default/db');
  assert.deepEqual(nodes(s.nodesWithRequiredAntiAffinityPods()), []);
  assert.deepEqual(nodes(s.nodesWithAffinityPods()), ['n2']);
  s.removeNode('n2');
  assert.deepEqual(nodes(s.nodesWithAffinityPods()), [], 'a node without its object is not listed');
  s.setNode(node('n2'));
  assert.deepEqual(nodes(s.nodesWithAffinityPods()), ['n2']);
});
