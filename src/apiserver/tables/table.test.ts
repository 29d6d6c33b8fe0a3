// The Table envelope: column definitions, one row per object, the three
// includeObject modes, list metadata, row conditions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { podPrinter } from './pods.js';
import { buildTable, type TablePrinter } from './table.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');

const namePrinter: TablePrinter = {
  columns: [{ name: 'Name', type: 'string', format: 'name', description: 'the name', priority: 0 }],
  cells: (obj) => [obj.metadata.name],
};

const cm: KObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'x' }, creationTimestamp: '2024-06-01T11:00:00Z' },
  data: { a: '1' },
};

test('Metadata (kubectl default): PartialObjectMetadata rows and list metadata', () => {
  const table = buildTable({
    printer: namePrinter,
    objects: [cm],
    now: NOW,
    includeObject: 'Metadata',
    resourceVersion: '42',
    continueToken: 'abc',
    remainingItemCount: 3,
    apiVersion: 'v1',
    kind: 'ConfigMap',
  });
  assert.deepEqual(table, {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '42', continue: 'abc', remainingItemCount: 3 },
    columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: 'the name', priority: 0 }],
    rows: [{ cells: ['cfg'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata } }],
  });
});

test('Object carries the whole object with the served kind and apiVersion; None omits it', () => {
  const bare: KObject = { metadata: { name: 'e' }, reason: 'X' };
  const full = buildTable({ printer: namePrinter, objects: [bare], now: NOW, includeObject: 'Object', apiVersion: 'events.k8s.io/v1', kind: 'Event' });
  assert.deepEqual((full as { rows: unknown[] }).rows, [{ cells: ['e'], object: { metadata: { name: 'e' }, reason: 'X', apiVersion: 'events.k8s.io/v1', kind: 'Event' } }]);
  const none = buildTable({ printer: namePrinter, objects: [bare], now: NOW, includeObject: 'None', apiVersion: 'v1', kind: 'Event' });
  assert.deepEqual(none, {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: namePrinter.columns,
    rows: [{ cells: ['e'] }],
  });
});

test('empty list still has rows: [] and the JSON round-trips', () => {
  const table = buildTable({ printer: podPrinter, objects: [], now: NOW, includeObject: 'Metadata', resourceVersion: '9', apiVersion: 'v1', kind: 'Pod' });
  const json = JSON.parse(JSON.stringify(table)) as { rows: unknown[]; columnDefinitions: unknown[]; metadata: unknown };
  assert.deepEqual(json.rows, []);
  assert.equal(json.columnDefinitions.length, 9);
  assert.deepEqual(json.metadata, { resourceVersion: '9' });
});

test('finished pods carry the Completed row condition', () => {
  const done: KObject = { metadata: { name: 'job-x', creationTimestamp: '2024-06-01T11:00:00Z' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
  const table = buildTable({ printer: podPrinter, objects: [done], now: NOW, includeObject: 'None', apiVersion: 'v1', kind: 'Pod' }) as {
    rows: { cells: unknown[]; conditions?: unknown }[];
  };
  assert.deepEqual(table.rows[0]?.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  assert.equal(table.rows[0]?.cells.length, podPrinter.columns.length);
});
