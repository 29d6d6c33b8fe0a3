import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand } from './expand.js';

const vars: Record<string, string> = { A: 'a', B: 'bee' };
const look = (n: string): string | undefined => vars[n];

test('expands defined variables and keeps undefined ones', () => {
  assert.equal(expand('x $(A) $(B) $(C)', look), 'x a bee $(C)');
});

test('$$ escapes a dollar', () => {
  assert.equal(expand('$$(A) $$ $x', look), '$(A) $ $x');
});

test('unterminated reference is kept', () => {
  assert.equal(expand('a $(A', look), 'a $(A');
});
