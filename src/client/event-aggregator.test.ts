import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../lib/clock/clock.js';
import { AGGREGATE_INTERVAL_MS, COMBINED_PREFIX, EventAggregator } from './event-aggregator.js';

test('similar events stay apart until the tenth distinct message, then combine under one key', () => {
  const a = new EventAggregator(new FakeClock());
  for (let i = 0; i < 9; i++) assert.deepEqual(a.observe('rs/SuccessfulCreate', `Created pod: p${i}`), { message: `Created pod: p${i}`, foldKey: `Created pod: p${i}` });
  const tenth = a.observe('rs/SuccessfulCreate', 'Created pod: p9');
  assert.equal(tenth.message, `${COMBINED_PREFIX}Created pod: p9`);
  const eleventh = a.observe('rs/SuccessfulCreate', 'Created pod: p10');
  assert.equal(eleventh.message, `${COMBINED_PREFIX}Created pod: p10`);
  assert.equal(eleventh.foldKey, tenth.foldKey);
  // another object or reason is its own group
  assert.equal(a.observe('rs2/SuccessfulCreate', 'Created pod: q').message, 'Created pod: q');
});

test('repeats of one message never combine, and ten minutes of quiet start afresh', () => {
  const clock = new FakeClock();
  const a = new EventAggregator(clock);
  for (let i = 0; i < 50; i++) assert.equal(a.observe('pod/BackOff', 'Back-off restarting failed container').message, 'Back-off restarting failed container');
  for (let i = 0; i < 10; i++) a.observe('pod/Killing', `m${i}`);
  clock.advance(AGGREGATE_INTERVAL_MS + 1);
  assert.equal(a.observe('pod/Killing', 'm10').message, 'm10');
});
