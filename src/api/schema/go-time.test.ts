// Go time.Parse emulation for metav1.Time / metav1.MicroTime: what is
// accepted and the exact error text for what is not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeParseError } from './go-time.js';

test('RFC3339 values Go accepts', () => {
  for (const v of ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00,123456789+05:30', '2024-02-29T23:59:59-08:00']) {
    assert.equal(timeParseError(v, false), undefined, v);
  }
});

test('RFC3339 values Go rejects, with its messages', () => {
  const layout = '"2006-01-02T15:04:05Z07:00"';
  assert.equal(timeParseError('2024-05-01', false), `parsing time "2024-05-01" as ${layout}: cannot parse "" as "T"`);
  assert.equal(timeParseError('2024-05-01 10:00:00Z', false), `parsing time "2024-05-01 10:00:00Z" as ${layout}: cannot parse " 10:00:00Z" as "T"`);
  assert.equal(timeParseError('2024-05-01T10:00:00', false), `parsing time "2024-05-01T10:00:00" as ${layout}: cannot parse "" as "Z07:00"`);
  assert.equal(timeParseError('2024-13-01T10:00:00Z', false), 'parsing time "2024-13-01T10:00:00Z": month out of range');
  assert.equal(timeParseError('2023-02-29T10:00:00Z', false), 'parsing time "2023-02-29T10:00:00Z": day out of range');
  assert.equal(timeParseError('2024-05-01T10:00:00Zjunk', false), 'parsing time "2024-05-01T10:00:00Zjunk": extra text: "junk"');
  assert.equal(timeParseError('2024-05-01t10:00:00z', false), `parsing time "2024-05-01t10:00:00z" as ${layout}: cannot parse "t10:00:00z" as "T"`);
});

test('MicroTime needs exactly six fraction digits', () => {
  const layout = '"2006-01-02T15:04:05.000000Z07:00"';
  assert.equal(timeParseError('2024-05-01T10:00:00.123456Z', true), undefined);
  assert.equal(timeParseError('2024-05-01T10:00:00.123456+01:00', true), undefined);
  assert.equal(timeParseError('2024-05-01T10:00:00Z', true), `parsing time "2024-05-01T10:00:00Z" as ${layout}: cannot parse "Z" as ".000000"`);
  assert.equal(timeParseError('2024-05-01T10:00:00.123456789Z', true), `parsing time "2024-05-01T10:00:00.123456789Z" as ${layout}: cannot parse "789Z" as "Z07:00"`);
});
