// Quantity syntax as Quantity.UnmarshalJSON / ParseQuantity accept it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, quantityError } from './quantity-syntax.js';

test('accepted spellings', () => {
  for (const v of ['1', '0', '100m', '1.5Gi', '.5', '1.', '+1', '-2', '1e3', '1E-3', '2Ki', '3Ei', '4E', '5n', ' 6 ', 0.5, 1073741824, -1, null]) {
    assert.equal(quantityError(v), undefined, JSON.stringify(v));
  }
});

test('rejected spellings and their messages', () => {
  for (const v of ['', 'abc', '1 Gi', '1GB', '1Gb', '1KI', '1..5', true, {}, []]) assert.equal(quantityError(v), QUANTITY_FORMAT_ERROR, JSON.stringify(v));
  // Only suffix characters, but not a suffix Kubernetes knows.
  for (const v of ['1mi', '1kk', '1e', '2iM']) assert.equal(quantityError(v), QUANTITY_SUFFIX_ERROR, v);
});
