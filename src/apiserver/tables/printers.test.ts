// The registry covers every served resource, and every printer keeps one
// cell per column even for a bare object (nothing but a name).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES, resourceKey } from '../../api/resources.js';
import { defaultPrinter } from './default.js';
import { printedResourceKeys, printerFor } from './printers.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');

test('every served resource has a dedicated printer', () => {
  for (const r of RESOURCES) {
    assert.notEqual(printerFor(resourceKey(r)), defaultPrinter, `no printer for ${resourceKey(r)}`);
  }
  assert.equal(printerFor('widgets.example.com'), defaultPrinter);
});

test('printers are keyed by resourceKey', () => {
  assert.equal(printerFor('deployments.apps').columns[1]?.name, 'Ready');
  assert.equal(printerFor('events.events.k8s.io'), printerFor('events'));
});

test('one cell per column, one Name column of format name, for bare objects', () => {
  for (const key of [...printedResourceKeys(), 'widgets.example.com']) {
    const printer = printerFor(key);
    const cells = printer.cells({ metadata: { name: 'n' } }, NOW);
    assert.equal(cells.length, printer.columns.length, `${key}: ${JSON.stringify(cells)}`);
    assert.ok(printer.columns.some((c) => c.name === 'Name' && c.format === 'name'), key);
    for (const c of printer.columns) {
      assert.ok(['string', 'integer', 'boolean', 'number', 'date'].includes(c.type), `${key}.${c.name}`);
      assert.ok(c.priority === 0 || c.priority === 1, `${key}.${c.name}`);
      assert.ok(c.description.length > 0, `${key}.${c.name} has a description`);
    }
  }
});
