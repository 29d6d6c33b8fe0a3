// Failure messages exactly as kube-scheduler 1.32 prints them (FitError.Error()
// plus DefaultPreemption's PostFilter message when it finds nothing to preempt).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Rejection } from './framework.js';
import { failureMessage, fitErrorMessage, reasonHistogram } from './failure-message.js';
import { schedulePod } from './schedule.js';
import { Snapshot } from './snapshot.js';
import { node, pod } from './testing/fixtures.js';

const CP_TAINT = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];

test('the full 1.32 message for a 3-node cluster: one full worker, two control-plane nodes', () => {
  const s = new Snapshot(
    [node('worker', { cpu: '2' }), node('cp1', { taints: CP_TAINT }), node('cp2', { taints: CP_TAINT })],
    [pod('busy', { node: 'worker', cpu: '1500m' })],
  );
  const r = schedulePod(pod('p', { cpu: '1' }), s);
  assert.deepEqual(r, {
    ok: false,
    message:
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' +
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    reasons: { 'Insufficient cpu': 1, 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }': 2 },
    unschedulable: true,
  });
});

test('only unresolvable reasons: preemption is not helpful anywhere', () => {
  const s = new Snapshot([node('n1', { taints: CP_TAINT }), node('n2', { labels: { disk: 'hdd' } }), node('n3', { ready: 'Unknown' })], []);
  const r = schedulePod(pod('p', { spec: { nodeSelector: { disk: 'ssd' }, tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } }), s);
  assert.equal(r.ok, false);
  assert.equal(
    !r.ok && r.message,
    "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 node(s) didn't match Pod's node affinity/selector. " +
      'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  );
});

test('no nodes at all', () => {
  assert.deepEqual(schedulePod(pod('p'), new Snapshot()), { ok: false, message: 'no nodes available to schedule pods', reasons: {}, unschedulable: true });
});

test('preemptionPolicy Never', () => {
  const s = new Snapshot([node('n1', { cpu: '1' })], []);
  const r = schedulePod(pod('p', { cpu: '2', spec: { preemptionPolicy: 'Never' } }), s);
  assert.equal(!r.ok && r.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
});

test('a node rejected for two resources counts for both', () => {
  const s = new Snapshot([node('n1', { cpu: '1', memory: '1Gi' }), node('n2', { cpu: '1', memory: '4Gi' })], []);
  const r = schedulePod(pod('p', { cpu: '2', memory: '2Gi' }), s);
  assert.equal(
    !r.ok && r.message,
    '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
  );
});

test('reasons are sorted as strings, so 10 comes before 2', () => {
  const statuses = new Map<string, Rejection>();
  const names: string[] = [];
  for (let i = 0; i < 12; i++) {
    names.push(`n${i}`);
    statuses.set(`n${i}`, { plugin: 'x', code: 'UnschedulableAndUnresolvable', reasons: [i < 10 ? 'b reason' : 'a reason'] });
  }
  assert.equal(fitErrorMessage({ nodeNames: names, statuses }), '0/12 nodes are available: 10 b reason, 2 a reason.');
});

test('a PreFilter rejection replaces the histogram', () => {
  const s = new Snapshot([node('n1'), node('n2')], []);
  const p = pod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }, { key: 'metadata.name', operator: 'In', values: ['n2'] }] }],
          },
        },
      },
    },
  });
  const r = schedulePod(p, s);
  assert.deepEqual(r, {
    ok: false,
    message: '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    reasons: { 'pod affinity terms conflict': 2 },
    unschedulable: true,
  });
});

test('nodes a PreFilter left out are reported together (DaemonSet pod whose node is full)', () => {
  const s = new Snapshot([node('n1', { cpu: '1' }), node('n2'), node('n3')], []);
  const ds = pod('ds', {
    cpu: '2',
    spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } },
  });
  const r = schedulePod(ds, s);
  assert.equal(
    !r.ok && r.message,
    "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
  );
});

test('reasonHistogram and failureMessage agree on absent nodes', () => {
  const d = {
    nodeNames: ['a', 'b', 'c'],
    statuses: new Map<string, Rejection>([['a', { plugin: 'NodePorts', code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] }]]),
    absent: { plugin: '', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"] } as Rejection,
  };
  assert.deepEqual(reasonHistogram(d), { "node(s) didn't have free ports for the requested pod ports": 1, "node(s) didn't satisfy plugin(s) [NodeAffinity]": 2 });
  assert.equal(
    failureMessage(d, 'PreemptLowerPriority'),
    "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
  );
});
