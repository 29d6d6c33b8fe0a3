// Go duration strings as time.ParseDuration reads them; negatives refused by parseDuration.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseSignedDuration } from './duration.js';

test('Go duration syntax', () => {
  const cases: Array<[string, number]> = [
    ['0', 0], ['+0', 0], ['90s', 90_000], ['2m', 120_000], ['1h2m3.5s', 3_723_500], ['500ms', 500], ['1.5h', 5_400_000],
    ['.5s', 500], ['5.s', 5000], ['100us', 0.1], ['100µs', 0.1], ['100μs', 0.1], ['1000000ns', 1], ['1m1m', 120_000], ['0s', 0],
  ];
  for (const [s, ms] of cases) assert.equal(parseDuration(s), ms, s);
});

test('what Go refuses', () => {
  for (const s of ['', 'abc', '5', '1d', '.s', 's', '1h 2m', ' 1s', '1s ', '1.2.3s', '--1s', '1S', '3000000h']) {
    assert.equal(parseSignedDuration(s), undefined, s);
    assert.throws(() => parseDuration(s), /invalid duration/, s);
  }
});

test('negative durations parse signed but parseDuration refuses them', () => {
  assert.equal(parseSignedDuration('-1m'), -60_000);
  assert.throws(() => parseDuration('-1m'), /negative duration/);
  assert.equal(parseDuration('-0'), 0);
});
