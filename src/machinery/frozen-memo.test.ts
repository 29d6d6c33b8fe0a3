import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenMemo } from './frozen-memo.js';

test('a frozen object is worked out once (an undefined answer too); one that may change, every time', () => {
  let calls = 0;
  const first = frozenMemo((o: { v?: number }) => {
    calls++;
    return o.v;
  });
  const frozen = Object.freeze({});
  assert.equal(first(frozen), undefined);
  assert.equal(first(frozen), undefined);
  assert.equal(calls, 1);
  const open: { v?: number } = { v: 1 };
  assert.equal(first(open), 1);
  open.v = 2;
  assert.equal(first(open), 2);
  assert.equal(calls, 3);
});
