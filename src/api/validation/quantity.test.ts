// Quantities parse with Kubernetes' grammar and are written back in canonical form.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonical, cmp, ERR_FORMAT_WRONG, ERR_SUFFIX, parseQuantity, quantityFromJSON, roundUp } from './quantity.js';

function canon(s: string | number, milli = false): string {
  const r = quantityFromJSON(s);
  assert.ok(r.ok, `parse ${s}`);
  return canonical(milli ? roundUp(r.q, -3) : r.q);
}

test('canonical forms match what the API server returns', () => {
  const cases: Array<[string | number, string]> = [
    ['0.5', '500m'], ['1.5', '1500m'], ['100m', '100m'], ['1000m', '1'], ['1', '1'], [1, '1'], [0.25, '250m'],
    ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['0.5Gi', '512Mi'], ['1Gi', '1Gi'], ['1000M', '1G'], ['128974848', '128974848'],
    ['129e6', '129e6'], ['0', '0'], ['2Ki', '2Ki'], ['1.5Ki', '1536'], ['512', '512'], ['-1', '-1'],
  ];
  for (const [input, want] of cases) assert.equal(canon(input), want, `${input}`);
});

test('resource lists are rounded up to milli precision', () => {
  assert.equal(canon('0.0001', true), '1m');
  assert.equal(canon('100.5m', true), '101m');
  assert.equal(canon('0.1Gi', true), '107374182400m');
});

test('malformed quantities get Kubernetes’ decode errors', () => {
  assert.deepEqual(parseQuantity('1.2.3'), { ok: false, error: ERR_FORMAT_WRONG });
  assert.deepEqual(parseQuantity('abc'), { ok: false, error: ERR_FORMAT_WRONG });
  assert.deepEqual(parseQuantity('1Mb'), { ok: false, error: ERR_FORMAT_WRONG });
  assert.deepEqual(parseQuantity('1Mi5'), { ok: false, error: ERR_SUFFIX });
  assert.deepEqual(parseQuantity(''), { ok: false, error: ERR_FORMAT_WRONG });
});

test('comparison is exact across suffixes', () => {
  const q = (s: string) => {
    const r = parseQuantity(s);
    assert.ok(r.ok);
    return r.q;
  };
  assert.equal(cmp(q('1Gi'), q('1024Mi')), 0);
  assert.equal(cmp(q('1G'), q('1Gi')), -1);
  assert.equal(cmp(q('1500m'), q('1.5')), 0);
  assert.equal(cmp(q('2'), q('1999m')), 1);
});
