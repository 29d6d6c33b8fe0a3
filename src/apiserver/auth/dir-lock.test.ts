// The inter-process directory lock: mutual exclusion, release on error,
// take-over of a stale lock, and giving up on a live one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withDirLock } from './dir-lock.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('holders never overlap', async (t) => {
  const dir = await tempDir(t);
  let inside = 0;
  let maxInside = 0;
  await Promise.all(
    Array.from({ length: 5 }, () =>
      withDirLock(dir, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await sleep(10);
        inside--;
      }, { pollMs: 2 }),
    ),
  );
  assert.equal(maxInside, 1);
});

test('the lock is released when the holder throws', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(withDirLock(dir, async () => Promise.reject(new Error('boom'))), /boom/);
  await assert.rejects(stat(join(dir, '.lock')), { code: 'ENOENT' });
  assert.equal(await withDirLock(dir, async () => 'again'), 'again');
});

test('a stale lock is taken over; a live one makes the caller give up', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, '.lock'));
  await assert.rejects(withDirLock(dir, async () => 'x', { timeoutMs: 50, pollMs: 5 }), /is held by another hale process/);
  const old = new Date(Date.now() - 120_000);
  await utimes(join(dir, '.lock'), old, old);
  assert.equal(await withDirLock(dir, async () => 'mine'), 'mine');
});
