// The agent's node password file: made once with mode 0600, then read back
// unchanged; a damaged file is an error, never silently replaced.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNodePassword } from './node-password.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-node-password-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('created once with mode 0600 (parent made 0700), then reused', () =>
  withDir(async (dir) => {
    const path = join(dir, 'agent', 'node-password');
    const p = await ensureNodePassword(path, { randomBytes: (n) => Buffer.alloc(n, 7) });
    assert.equal(p, Buffer.alloc(32, 7).toString('base64url'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'agent'))).mode & 0o777, 0o700);
    assert.equal(await readFile(path, 'utf8'), `${p}\n`);
    assert.equal(await ensureNodePassword(path), p, 'a second call reads the same password');
  }));

test('concurrent first calls agree on one password and leave no temp files', () =>
  withDir(async (dir) => {
    const path = join(dir, 'node-password');
    const all = await Promise.all(Array.from({ length: 8 }, () => ensureNodePassword(path)));
    assert.equal(new Set(all).size, 1);
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual(await readdir(dir), ['node-password']);
  }));

test('a file that does not hold a password is an error, not replaced', () =>
  withDir(async (dir) => {
    const path = join(dir, 'node-password');
    await writeFile(path, 'too short\n');
    await assert.rejects(ensureNodePassword(path), /does not hold a node password/);
    assert.equal(await readFile(path, 'utf8'), 'too short\n');
  }));
