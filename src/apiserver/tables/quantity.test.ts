// Quantity canonicalisation as resource.Quantity.String() prints it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuantity } from './quantity.js';

test('canonical quantities', () => {
  const cases: [unknown, string][] = [
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['100Mi', '100Mi'],
    ['1000M', '1G'],
    ['1500M', '1500M'],
    ['0.5G', '500M'],
    ['1.5', '1500m'],
    ['0.1', '100m'],
    ['10', '10'],
    ['5000', '5k'],
    ['1e3', '1e3'],
    ['1E6', '1e6'],
    ['100e1', '1e3'],
    ['0', '0'],
    ['0Gi', '0'],
    ['-1Gi', '-1Gi'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    [5, '5'],
    [undefined, '0'],
    ['lots', 'lots'],
  ];
  for (const [input, want] of cases) assert.equal(formatQuantity(input), want, `formatQuantity(${String(input)})`);
});
