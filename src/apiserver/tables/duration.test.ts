// HumanDuration boundaries, checked against the cases Kubernetes' own
// duration_test.go covers plus every unit edge (truncation, never rounding).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration follows Kubernetes boundaries', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1 * s, '1s'],
    [59 * s, '59s'],
    [119 * s + 999, '119s'],
    [2 * m, '2m'],
    [2 * m + 3 * s, '2m3s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 59 * s, '10m'],
    [179 * m + 59 * s, '179m'],
    [3 * h, '3h'],
    [3 * h + 4 * m, '3h4m'],
    [7 * h + 59 * m + 59 * s, '7h59m'],
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h + 59 * m, '7d23h'],
    [8 * d, '8d'],
    [45 * d + 5 * h, '45d'],
    [2 * 365 * d - 1, '729d'],
    [2 * 365 * d, '2y'],
    [2 * 365 * d + 3 * d, '2y3d'],
    [8 * 365 * d - 1, '7y364d'],
    [8 * 365 * d, '8y'],
    [10 * 365 * d + 100 * d, '10y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('translateTimestampSince: unknown for unset or unparseable times', () => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince(null, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('yesterday', now), '<unknown>');
  assert.equal(translateTimestampSince('2024-06-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince('2024-06-01T12:00:10Z', now), '<invalid>');
});

test('parseTime reads RFC3339 and MicroTime', () => {
  assert.equal(parseTime('2024-06-01T12:00:00Z'), Date.UTC(2024, 5, 1, 12));
  assert.equal(parseTime('2024-06-01T12:00:00.123456Z'), Date.UTC(2024, 5, 1, 12, 0, 0, 123));
  assert.equal(parseTime(42), undefined);
});
