// The default NAME / CREATED AT table for resources without a printer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPrinter, formatRFC3339 } from './default.js';

test('default printer prints the creation time as RFC3339 UTC', () => {
  assert.deepEqual(
    defaultPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [['Name', 'string', 'name', 0], ['Created At', 'date', '', 0]],
  );
  const now = Date.parse('2024-06-01T12:00:00Z');
  assert.deepEqual(defaultPrinter.cells({ metadata: { name: 'x', creationTimestamp: '2024-05-31T10:20:30+02:00' } }, now), ['x', '2024-05-31T08:20:30Z']);
  assert.deepEqual(defaultPrinter.cells({ metadata: { name: 'y' } }, now), ['y', '0001-01-01T00:00:00Z']);
  assert.equal(formatRFC3339(Date.parse('2024-01-02T03:04:05.987Z')), '2024-01-02T03:04:05Z');
});
