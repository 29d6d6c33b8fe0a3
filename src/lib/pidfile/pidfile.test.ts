import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, readPidfile, writePidfile, checkNotRunning } from './pidfile.js';

describe('pidfile', () => {
  it('records pid and start time; a reused pid is not this process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hale-pid-'));
    try {
      const f = join(dir, 'x.pid');
      await writePidfile(f);
      const rec = await readPidfile(f);
      assert.equal(rec?.pid, process.pid);
      assert.ok(rec && isRunning(rec));
      assert.equal(isRunning({ pid: process.pid, start: (rec?.start ?? 0) + 1 }), false, 'same pid, other start time: another process');
      await writeFile(f, '999999999\n');
      await checkNotRunning(f, 'test');
      assert.equal(await readPidfile(f), undefined, 'a stale pidfile is cleared');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
