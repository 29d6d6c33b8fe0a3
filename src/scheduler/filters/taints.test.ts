// TaintToleration filter: operators, effects, message text, and nodes that are
// not Ready before the lifecycle controller has tainted them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod, type NodeOptions } from '../testing/fixtures.js';
import { taintTolerationFilter } from './taints.js';

const CP = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

test('TaintToleration: NoSchedule and NoExecute must be tolerated; reason names the first untolerated taint', () => {
  const cases: Array<{ name: string; node: NodeOptions; tolerations?: unknown[]; want: string }> = [
    { name: 'no taints', node: {}, want: 'fits' },
    { name: 'control-plane taint, empty value', node: { taints: [CP] }, want: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
    { name: 'value is printed', node: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }, want: 'node(s) had untolerated taint {dedicated: gpu}' },
    { name: 'PreferNoSchedule does not filter', node: { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }, want: 'fits' },
    { name: 'Exists with key', node: { taints: [CP] }, tolerations: [{ key: CP.key, operator: 'Exists' }], want: 'fits' },
    { name: 'Exists without key tolerates everything', node: { taints: [CP, { key: 'x', value: 'y', effect: 'NoExecute' }] }, tolerations: [{ operator: 'Exists' }], want: 'fits' },
    { name: 'Equal needs the value', node: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }], want: 'node(s) had untolerated taint {dedicated: gpu}' },
    { name: 'Equal with the value', node: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }], want: 'fits' },
    { name: 'empty operator means Equal', node: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, tolerations: [{ key: 'dedicated', value: 'gpu' }], want: 'fits' },
    { name: 'effect must match when given', node: { taints: [CP] }, tolerations: [{ key: CP.key, operator: 'Exists', effect: 'NoExecute' }], want: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
    {
      name: 'NoExecute with tolerationSeconds still tolerates for scheduling',
      node: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] },
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }],
      want: 'fits',
    },
    {
      name: 'first untolerated in node order',
      node: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoSchedule' }] },
      tolerations: [{ key: 'a', operator: 'Exists' }],
      want: 'node(s) had untolerated taint {b: }',
    },
  ];
  for (const c of cases) {
    const s = new Snapshot([node('n1', c.node)], []);
    const p = pod('p', c.tolerations ? { spec: { tolerations: c.tolerations } } : {});
    assert.equal(filterReason(taintTolerationFilter, p, s, 'n1'), c.want, c.name);
  }
});

test('TaintToleration: a node that is not Ready and not yet tainted is treated as tainted', () => {
  const defaultTolerations = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  const cases: Array<{ name: string; node: NodeOptions; tolerations?: unknown[]; want: string }> = [
    { name: 'Ready False', node: { ready: 'False' }, want: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }' },
    { name: 'no Ready condition yet', node: { ready: null }, want: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }' },
    { name: 'Ready Unknown (heartbeats lost)', node: { ready: 'Unknown' }, want: 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }' },
    { name: 'default NoExecute tolerations do not get a pod onto it', node: { ready: 'Unknown' }, tolerations: defaultTolerations, want: 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }' },
    { name: 'a NoSchedule toleration does', node: { ready: 'False' }, tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], want: 'fits' },
    {
      name: 'the controller’s own taint is used once present',
      node: { ready: 'Unknown', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] },
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }],
      want: 'fits',
    },
  ];
  for (const c of cases) {
    const s = new Snapshot([node('n1', c.node)], []);
    const p = pod('p', c.tolerations ? { spec: { tolerations: c.tolerations } } : {});
    assert.equal(filterReason(taintTolerationFilter, p, s, 'n1'), c.want, c.name);
  }
});
