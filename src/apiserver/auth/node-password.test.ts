// Node password formats: the token, the stored hash and its check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_NODE_NAME_LENGTH,
  formatNodeToken,
  hashNodePassword,
  newNodePassword,
  nodePasswordProblem,
  nodePasswordSecretName,
  parseNodePasswordHash,
  parseNodeToken,
  verifyNodePassword,
} from './node-password.js';

test('a new password is 32 random bytes in base64url and acceptable', () => {
  const fixed = newNodePassword((n) => Buffer.alloc(n, 0xff));
  assert.equal(fixed, Buffer.alloc(32, 0xff).toString('base64url'));
  assert.equal(fixed.length, 43);
  const p = newNodePassword();
  assert.equal(nodePasswordProblem(p), undefined);
  assert.notEqual(p, newNodePassword());
});

test('short or oddly shaped passwords are refused', () => {
  for (const p of ['', 'x'.repeat(31), 'a:b'.repeat(20), ' '.repeat(40), 'é'.repeat(40), 'x'.repeat(257)]) {
    assert.match(nodePasswordProblem(p) ?? '', /32 to 256 characters/, JSON.stringify(p));
  }
  assert.equal(nodePasswordProblem('x'.repeat(32)), undefined);
});

test('the token round-trips and splits at the first colon after the prefix', () => {
  const p = newNodePassword();
  assert.equal(formatNodeToken('node-a.example', p), `hale-node:node-a.example:${p}`);
  assert.deepEqual(parseNodeToken(formatNodeToken('node-a.example', p)), { nodeName: 'node-a.example', password: p });
  assert.equal(parseNodeToken(`K10abc::node:${p}`), undefined);
  assert.equal(parseNodeToken(`hale-node:${'a'.repeat(MAX_NODE_NAME_LENGTH + 1)}:${p}`), undefined);
});

test('the hash is salted SHA-256 and checks only its own password', () => {
  const p = newNodePassword();
  const h1 = hashNodePassword(p);
  const h2 = hashNodePassword(p);
  assert.match(h1, /^sha256\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(h1, h2, 'a fresh salt each time');
  assert.equal(verifyNodePassword(h1, p), true);
  assert.equal(verifyNodePassword(h2, p), true);
  assert.equal(verifyNodePassword(parseNodePasswordHash(h1)!, p), true);
  assert.equal(verifyNodePassword(h1, newNodePassword()), false);
  assert.equal(verifyNodePassword(h1, `${p}x`), false);
  assert.equal(h1.includes(p), false, 'the password itself is never stored');
});

test('a password verified once is recognised again without a hash; others still are not, and a new hash forgets it', () => {
  const p = newNodePassword();
  const parsed = parseNodePasswordHash(hashNodePassword(p))!;
  assert.equal(verifyNodePassword(parsed, p), true);
  assert.equal(verifyNodePassword(parsed, p), true, 'the remembered password');
  const other = newNodePassword();
  assert.equal(verifyNodePassword(parsed, other), false, 'same length, different bytes');
  assert.equal(verifyNodePassword(parsed, p.slice(0, -1)), false, 'a prefix');
  assert.equal(verifyNodePassword(parsed, `${p}x`), false, 'longer');
  const rotated = parseNodePasswordHash(hashNodePassword(other))!;
  assert.equal(verifyNodePassword(rotated, p), false, 'the old password against the rotated hash');
  assert.equal(verifyNodePassword(rotated, other), true);
});

test('hashes this server did not write do not verify anything', () => {
  const p = newNodePassword();
  for (const h of ['', 'sha256', `sha256$$${'A'.repeat(43)}`, `md5$c2FsdA$${'A'.repeat(43)}`, 'sha256$c2FsdA$short', p]) {
    assert.equal(parseNodePasswordHash(h), undefined, h);
    assert.equal(verifyNodePassword(h, p), false, h);
  }
});

test('the Secret name', () => {
  assert.equal(nodePasswordSecretName('a'), 'a.node-password.hale');
  assert.equal(nodePasswordSecretName('x'.repeat(MAX_NODE_NAME_LENGTH)).length, 253);
});
