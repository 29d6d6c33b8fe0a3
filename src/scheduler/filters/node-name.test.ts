// NodeName: a pod that names a node fits only there.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Snapshot } from '../snapshot.js';
import { filterReason, node, pod } from '../testing/fixtures.js';
import { nodeNameFilter } from './node-name.js';

test('NodeName: only the named node fits', () => {
  const s = new Snapshot([node('n1'), node('n2')], []);
  const p = pod('p', { spec: { nodeName: 'n2' } });
  assert.equal(filterReason(nodeNameFilter, p, s, 'n1'), "node(s) didn't match the requested node name");
  assert.equal(filterReason(nodeNameFilter, p, s, 'n2'), 'fits');
  assert.equal(filterReason(nodeNameFilter, pod('q'), s, 'n1'), 'skip');
});
