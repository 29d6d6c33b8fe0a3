// NodeUnschedulable: cordoned nodes and the unschedulable toleration.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod } from '../testing/fixtures.js';
import { nodeUnschedulableFilter } from './node-unschedulable.js';

test('NodeUnschedulable: cordoned nodes take only pods tolerating the unschedulable taint', () => {
  const s = new Snapshot([node('n1', { unschedulable: true }), node('n2')], []);
  const cases: Array<{ name: string; tolerations?: unknown[]; node: string; want: string }> = [
    { name: 'cordoned', node: 'n1', want: 'node(s) were unschedulable' },
    { name: 'not cordoned', node: 'n2', want: 'fits' },
    { name: 'tolerated by key', node: 'n1', tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], want: 'fits' },
    { name: 'tolerated by Exists on everything', node: 'n1', tolerations: [{ operator: 'Exists' }], want: 'fits' },
    { name: 'wrong effect', node: 'n1', tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }], want: 'node(s) were unschedulable' },
  ];
  for (const c of cases) {
    const p = pod('p', c.tolerations ? { spec: { tolerations: c.tolerations } } : {});
    assert.equal(filterReason(nodeUnschedulableFilter, p, s, c.node), c.want, c.name);
  }
});
