// The nesting bound for bodies and patch results: text scanned once (strings
// do not count), parsed values measured by a recursion bounded by the limit.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDepthError, MAX_JSON_DEPTH, valueDepthError } from './json-depth.js';

const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);

describe('json depth', () => {
  it('accepts up to the bound and names the first bracket past it', () => {
    assert.equal(jsonDepthError(nested(MAX_JSON_DEPTH)), undefined);
    assert.equal(jsonDepthError(nested(MAX_JSON_DEPTH + 1)), "invalid character '[' exceeded max depth");
    assert.equal(jsonDepthError('{"a":' .repeat(5) + '1' + '}'.repeat(5), 4), "invalid character '{' exceeded max depth");
    assert.equal(jsonDepthError(nested(200_000)), "invalid character '[' exceeded max depth");
  });

  it('brackets inside strings, escaped quotes included, do not count', () => {
    assert.equal(jsonDepthError(JSON.stringify({ a: '[[[[[[[[', b: 'x\\"[[[[[' }), 2), undefined);
  });

  it('measures parsed values, however deep, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    assert.equal(valueDepthError(deep), `exceeded max depth of ${MAX_JSON_DEPTH}`);
    assert.equal(valueDepthError({ a: [{ b: 1 }] }, 3), undefined);
    assert.equal(valueDepthError({ a: [{ b: {} }] }, 3), 'exceeded max depth of 3');
    assert.equal(valueDepthError(JSON.parse('{"__proto__":{"a":{}}}'), 2), 'exceeded max depth of 2', 'an own __proto__ key is measured too');
  });

  it('a text no longer than the bound is never too deep; one character longer is scanned', () => {
    assert.equal(jsonDepthError('['.repeat(4), 4), undefined);
    assert.equal(jsonDepthError('['.repeat(5), 4), "invalid character '[' exceeded max depth");
  });
});
