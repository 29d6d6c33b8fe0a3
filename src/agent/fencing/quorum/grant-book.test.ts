import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrantBook } from './grant-book.js';

test('a strict majority: with three members one peer is enough, with five two; the hold ends at the k-th latest grant', () => {
  const b = new GrantBook(6000, 1000);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c'], 0), undefined, 'no grants, no hold');
  b.record('b', 100);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c'], 200), 5100, 'valid from the send time for E − D');
  assert.equal(b.holdUntil('a', ['a', 'b', 'c', 'd', 'e'], 200), undefined, 'one peer of five is not enough');
  b.record('c', 900);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c', 'd', 'e'], 1000), 5100, 'two peers: until the earlier of the two');
  b.record('b', 2000);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c', 'd', 'e'], 2100), 5900);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c', 'd', 'e'], 5900), undefined, 'expired at its end');
});

test('grants from non-members, repeated grants from one peer, and a list without the holder count for nothing', () => {
  const b = new GrantBook(6000, 1000);
  b.record('x', 0);
  b.record('b', 0);
  b.record('b', 10);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c', 'd', 'e'], 100), undefined, 'b twice is one peer; x is no member');
  assert.equal(b.holdUntil('z', ['a', 'b', 'c'], 100), undefined);
  b.record('b', 5);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c'], 100), 5010, 'an older send time never shortens a grant');
});

test('a grant whose answer arrives late counts only from its question’s send time: it may already be over', () => {
  const b = new GrantBook(6000, 1000);
  b.record('b', 1000); // asked at 1 s, answered at 7 s
  assert.equal(b.holdUntil('a', ['a', 'b', 'c'], 7000), undefined, 'valid until 6 s only');
  b.record('c', 6500); // asked at 6.5 s, answered at 7 s
  assert.equal(b.holdUntil('a', ['a', 'b', 'c'], 7000), 11_500);
  assert.equal(b.holdUntil('a', ['a', 'b', 'c', 'd', 'e'], 7000), undefined, 'with five members one live grant is not enough');
});
