// The sqlite backend: the shared Store contract on a temp file, plus what only
// a file-backed store has to prove: an acknowledged write survives kill -9 of
// the writing process, and one file has one owner.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { runStoreContract } from '../contract.js';
import { StoreError, type Store } from '../store.js';
import { openSqliteStore } from './store.js';

async function tempPath(): Promise<{ path: string; removeDir(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-sqlite-'));
  return { path: join(dir, 'state.db'), removeDir: () => rm(dir, { recursive: true, force: true }) };
}

runStoreContract('sqlite', async () => {
  const { path, removeDir } = await tempPath();
  const stores: Store[] = [await openSqliteStore({ path })];
  return {
    store: stores[0] as Store,
    reopen: async () => {
      const s = await openSqliteStore({ path });
      stores.push(s);
      return s;
    },
    cleanup: async () => {
      for (const s of stores) await s.close();
      await removeDir();
    },
  };
});

describe('sqlite store', () => {
  it('starts empty at revision 0', async () => {
    const { path, removeDir } = await tempPath();
    const s = await openSqliteStore({ path });
    try {
      assert.equal(await s.currentRevision(), 0);
      assert.equal(await s.compactedRevision(), 0);
      assert.deepEqual(await s.list(''), { items: [], revision: 0, more: false });
    } finally {
      await s.close();
      await removeDir();
    }
  });

  it('refuses a second owner of the same file', async () => {
    const { path, removeDir } = await tempPath();
    const s = await openSqliteStore({ path });
    try {
      await assert.rejects(openSqliteStore({ path, lockTimeoutMs: 50 }), (e: unknown) => e instanceof StoreError && e.code === 'unavailable');
    } finally {
      await s.close();
      await removeDir();
    }
  });

  it('keeps every acknowledged write across kill -9 of the writer', { timeout: 60_000 }, async () => {
    const { path, removeDir } = await tempPath();
    const writer = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
    const child = spawn(process.execPath, [writer, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    try {
      const acked = new Map<string, number>();
      const lines = createInterface({ input: child.stdout });
      for await (const line of lines) {
        if (line === 'ready') continue;
        const [key, rev] = line.split(' ');
        if (key === undefined || rev === undefined) assert.fail(`bad line from writer: ${line}`);
        acked.set(key, Number(rev));
        // kill while writes are in flight (20 writers keep the queue busy)
        if (acked.size === 2000) child.kill('SIGKILL');
      }
      assert.equal(await exited, 'SIGKILL', `writer died on its own: ${stderr}`);
      assert.ok(acked.size >= 2000);

      const s = await openSqliteStore({ path });
      try {
        const maxAcked = Math.max(...acked.values());
        for (const [key, rev] of acked) {
          const kv = await s.get(key);
          assert.equal(kv?.modRevision, rev, `acknowledged write ${key}@${rev} is missing`);
        }
        const current = await s.currentRevision();
        assert.ok(current >= maxAcked);
        const listed = await s.list('/crash/');
        assert.equal(listed.items.length, current, 'every committed row is a create: one key per revision');
        const next = await s.create('/after-crash', 'v');
        assert.ok(next.ok && next.revision > current);
      } finally {
        await s.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await removeDir();
    }
  });
});
