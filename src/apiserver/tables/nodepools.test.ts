// NodePool rows: columns, counts from spec and status, wide LAUNCHING, a bare object.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { nodePoolPrinter } from './nodepools.js';
import { printerFor } from './printers.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');

test('nodepool columns, registered under nodepools.autoscaling.hale.dev', () => {
  assert.deepEqual(
    nodePoolPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [['Name', 'string', 0], ['Provider', 'string', 0], ['Min', 'integer', 0], ['Max', 'integer', 0], ['Nodes', 'integer', 0], ['Ready', 'integer', 0], ['Age', 'string', 0], ['Launching', 'integer', 1]],
  );
  assert.equal(printerFor('nodepools.autoscaling.hale.dev'), nodePoolPrinter);
});

test('a pool with status', () => {
  const p: KObject = {
    metadata: { name: 'workers', creationTimestamp: new Date(NOW - 3 * 3600_000).toISOString() },
    spec: { minNodes: 1, maxNodes: 10, provider: { type: 'exec' } },
    status: { nodes: 4, readyNodes: 3, launching: [{ name: 'workers-ab12c', since: '2026-11-28T11:59:00Z' }, { name: 'workers-ab12d', since: '2026-11-28T11:59:00Z' }] },
  };
  assert.deepEqual(nodePoolPrinter.cells(p, NOW), ['workers', 'exec', 1, 10, 4, 3, '3h', 2]);
});

test('a new pool (no status yet) prints zeros', () => {
  const p: KObject = { metadata: { name: 'np', creationTimestamp: new Date(NOW - 5000).toISOString() }, spec: { maxNodes: 3, provider: { type: 'sim' } }, status: {} };
  assert.deepEqual(nodePoolPrinter.cells(p, NOW), ['np', 'sim', 0, 3, 0, 0, '5s', 0]);
  assert.deepEqual(nodePoolPrinter.cells({ metadata: { name: 'bare' } }, NOW), ['bare', '', 0, 0, 0, 0, '<unknown>', 0]);
});
