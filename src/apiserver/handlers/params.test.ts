// Integer query parameters decode as Kubernetes' strconv.ParseInt does:
// absent is unset, anything but an integer is a 400 with Go's message.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../machinery/errors.js';
import { int64Param } from './params.js';

describe('int64Param', () => {
  it('reads integers, leaves absent parameters unset', () => {
    assert.equal(int64Param(new URLSearchParams('timeoutSeconds=0'), 'timeoutSeconds'), 0);
    assert.equal(int64Param(new URLSearchParams('limit=500'), 'limit'), 500);
    assert.equal(int64Param(new URLSearchParams('limit=-3'), 'limit'), -3);
    assert.equal(int64Param(new URLSearchParams(''), 'limit'), undefined);
  });

  it('refuses non-integers with 400', () => {
    for (const [v, why] of [['1.5', 'invalid syntax'], ['abc', 'invalid syntax'], ['', 'invalid syntax'], ['1e3', 'invalid syntax'], ['99999999999999999999', 'value out of range']]) {
      assert.throws(
        () => int64Param(new URLSearchParams({ timeoutSeconds: v! }), 'timeoutSeconds'),
        (err: unknown) => err instanceof ApiError && err.code === 400 && err.message === `strconv.ParseInt: parsing ${JSON.stringify(v)}: ${why}`,
      );
    }
  });
});
