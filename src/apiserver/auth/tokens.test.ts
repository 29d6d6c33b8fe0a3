// ensureTokens on a temp directory, and the join-token format.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa } from './certificates.js';
import { caCertHash, ensureTokens, formatJoinToken, parseJoinToken, verifyCaHash } from './tokens.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-tokens-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const newCa = async (): Promise<string> => (await createCa({ commonName: 'hale-ca', now: Date.now(), validityMs: 86_400_000 })).certPem;

test('tokens are created once with mode 0600 and reused', async (t) => {
  const dir = await tempDir(t);
  const caPem = await newCa();
  const first = await ensureTokens({ dir, caPem });
  assert.match(first.adminToken, /^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
  assert.match(first.nodeSecret, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(first.adminToken, first.nodeSecret);
  assert.equal(first.nodeJoinToken, `K10${caCertHash(caPem)}::node:${first.nodeSecret}`);
  assert.equal((await readFile(join(dir, 'admin-token'), 'utf8')).trim(), first.adminToken);
  assert.equal((await readFile(join(dir, 'node-token'), 'utf8')).trim(), first.nodeJoinToken);
  assert.equal((await stat(first.paths.adminToken)).mode & 0o777, 0o600);
  assert.equal((await stat(first.paths.nodeToken)).mode & 0o777, 0o600);

  const second = await ensureTokens({ dir, caPem });
  assert.deepEqual(second, first);
});

test('the CA hash is sha256 of the certificate DER', async () => {
  const caPem = await newCa();
  assert.equal(caCertHash(caPem), createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex'));
  assert.match(caCertHash(caPem), /^[0-9a-f]{64}$/);
});

test('join tokens round-trip and pin the CA', async () => {
  const caPem = await newCa();
  const token = formatJoinToken(caCertHash(caPem), 's3cr3t');
  const parsed = parseJoinToken(token);
  assert.deepEqual(parsed, { caHash: caCertHash(caPem), user: 'node', secret: 's3cr3t' });
  assert.equal(verifyCaHash(caPem, parsed?.caHash ?? ''), true);
  assert.equal(verifyCaHash(caPem, parsed?.caHash.toUpperCase() ?? ''), true);
  assert.equal(verifyCaHash(await newCa(), parsed?.caHash ?? ''), false);
  assert.equal(verifyCaHash(caPem, 'abc'), false);
  assert.equal(parseJoinToken(`${token}\n`)?.secret, 's3cr3t');
  for (const bad of ['', 's3cr3t', 'K10abc::node:x', `K10${'0'.repeat(64)}::node:`, `K10${'0'.repeat(64)}:node:x`, `K10${'G'.repeat(64)}::node:x`]) {
    assert.equal(parseJoinToken(bad), undefined, bad);
  }
});

test('a new CA rewrites the join token hash and keeps the secret', async (t) => {
  const dir = await tempDir(t);
  const first = await ensureTokens({ dir, caPem: await newCa() });
  const caPem = await newCa();
  const second = await ensureTokens({ dir, caPem });
  assert.equal(second.nodeSecret, first.nodeSecret);
  assert.equal(second.adminToken, first.adminToken);
  assert.equal(parseJoinToken(second.nodeJoinToken)?.caHash, caCertHash(caPem));
  assert.equal((await readFile(second.paths.nodeToken, 'utf8')).trim(), second.nodeJoinToken);
});

test('randomness is injectable; a malformed node-token file is refused', async (t) => {
  const dir = await tempDir(t);
  let n = 0;
  const tokens = await ensureTokens({ dir, caPem: await newCa(), randomBytes: (size) => Buffer.alloc(size, ++n) });
  assert.equal(tokens.adminToken, Buffer.alloc(32, 1).toString('base64url'));
  assert.equal(tokens.nodeSecret, Buffer.alloc(32, 2).toString('base64url'));
  await writeFile(tokens.paths.nodeToken, 'not a join token\n');
  await assert.rejects(ensureTokens({ dir, caPem: await newCa() }), /does not hold a K10<hash>::node:<secret> join token/);
});
