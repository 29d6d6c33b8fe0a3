// Rows for namespaces, configmaps, secrets, service accounts, leases, PDBs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import {
  configMapPrinter,
  leasePrinter,
  namespacePrinter,
  podDisruptionBudgetPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './misc.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();
const names = (cols: { name: string }[]) => cols.map((c) => c.name);

test('namespaces', () => {
  assert.deepEqual(names(namespacePrinter.columns), ['Name', 'Status', 'Age']);
  assert.deepEqual(namespacePrinter.cells({ metadata: { name: 'default', creationTimestamp: ago(2 * 365 * 86400 + 3 * 86400) }, status: { phase: 'Active' } }, NOW), ['default', 'Active', '2y3d']);
  assert.deepEqual(namespacePrinter.cells({ metadata: { name: 'old', creationTimestamp: ago(100), deletionTimestamp: ago(5) }, status: { phase: 'Terminating' } }, NOW), ['old', 'Terminating', '100s']);
  assert.deepEqual(namespacePrinter.cells({ metadata: { name: 'fresh', creationTimestamp: ago(1) } }, NOW), ['fresh', 'Active', '1s']);
});

test('configmaps count data and binaryData keys', () => {
  assert.deepEqual(names(configMapPrinter.columns), ['Name', 'Data', 'Age']);
  const cm: KObject = { metadata: { name: 'cfg', creationTimestamp: ago(59) }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } };
  assert.deepEqual(configMapPrinter.cells(cm, NOW), ['cfg', 3, '59s']);
  assert.deepEqual(configMapPrinter.cells({ metadata: { name: 'empty', creationTimestamp: ago(0) } }, NOW), ['empty', 0, '0s']);
});

test('secrets', () => {
  assert.deepEqual(names(secretPrinter.columns), ['Name', 'Type', 'Data', 'Age']);
  const s: KObject = { metadata: { name: 'tls', creationTimestamp: ago(7200) }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } };
  assert.deepEqual(secretPrinter.cells(s, NOW), ['tls', 'kubernetes.io/tls', 2, '120m']);
  assert.deepEqual(secretPrinter.cells({ metadata: { name: 'plain' }, stringData: { a: 'b' } }, NOW), ['plain', 'Opaque', 0, '<unknown>']);
});

test('service accounts count secret references', () => {
  assert.deepEqual(names(serviceAccountPrinter.columns), ['Name', 'Secrets', 'Age']);
  assert.deepEqual(serviceAccountPrinter.cells({ metadata: { name: 'default', creationTimestamp: ago(600) } }, NOW), ['default', 0, '10m']);
  assert.deepEqual(serviceAccountPrinter.cells({ metadata: { name: 'ci' }, secrets: [{ name: 'ci-token' }] }, NOW), ['ci', 1, '<unknown>']);
});

test('leases', () => {
  assert.deepEqual(names(leasePrinter.columns), ['Name', 'Holder', 'Age']);
  const lease: KObject = { metadata: { name: 'node-1', creationTimestamp: ago(8 * 86400) }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } };
  assert.deepEqual(leasePrinter.cells(lease, NOW), ['node-1', 'node-1', '8d']);
  assert.deepEqual(leasePrinter.cells({ metadata: { name: 'free' }, spec: {} }, NOW), ['free', '', '<unknown>']);
});

test('pod disruption budgets', () => {
  assert.deepEqual(
    podDisruptionBudgetPrinter.columns.map((c) => [c.name, c.type]),
    [['Name', 'string'], ['Min Available', 'string'], ['Max Unavailable', 'string'], ['Allowed Disruptions', 'integer'], ['Age', 'string']],
  );
  const pdb: KObject = { metadata: { name: 'web', creationTimestamp: ago(300) }, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } };
  assert.deepEqual(podDisruptionBudgetPrinter.cells(pdb, NOW), ['web', '2', 'N/A', 1, '5m']);
  const pct: KObject = { metadata: { name: 'db' }, spec: { maxUnavailable: '25%' } };
  assert.deepEqual(podDisruptionBudgetPrinter.cells(pct, NOW), ['db', 'N/A', '25%', 0, '<unknown>']);
});
