// base64.StdEncoding validity and Go's error offsets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Error } from './go-base64.js';

test('valid input, including line breaks Go skips', () => {
  for (const v of ['', 'YQ==', 'YWI=', 'YWJj', 'aGVsbG8gd29ybGQ=', 'YWJj\nZGVm\r\n', Buffer.from('x'.repeat(100)).toString('base64')]) {
    assert.equal(base64Error(v), undefined, v);
  }
});

test('invalid input reports the byte Go reports', () => {
  assert.equal(base64Error('hello!'), 'illegal base64 data at input byte 5');
  assert.equal(base64Error('YQ'), 'illegal base64 data at input byte 0');
  assert.equal(base64Error('YWJjZA'), 'illegal base64 data at input byte 4');
  assert.equal(base64Error('YQ=='.concat('YQ==')), 'illegal base64 data at input byte 4');
  assert.equal(base64Error('Y==='), 'illegal base64 data at input byte 1');
  assert.equal(base64Error('YQ=a'), 'illegal base64 data at input byte 2');
  assert.equal(base64Error('YQ='), 'illegal base64 data at input byte 3');
  assert.equal(base64Error('é'), 'illegal base64 data at input byte 0');
});
