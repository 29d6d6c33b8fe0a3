// The `hale` command as a user runs it: `up` prints its kubeconfig and
// `ready`, refuses a second server on the same data dir, and `down` stops it
// (and is safe to run twice).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HALE_BIN, startHale } from '../support/hale-process.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);

describe('hale CLI', () => {
  it('up, a second up on the same data dir is refused, down twice', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hale-cli-'));
    const hale = await startHale({ dataDir, command: 'up' });
    try {
      assert.ok(existsSync(join(dataDir, 'server.pid')));
      assert.ok(existsSync(join(dataDir, 'kubeconfig.yaml')));
      assert.ok(existsSync(join(dataDir, 'node-token')));
      assert.match(ok(await hale.kubectl(['get', 'ns'])), /kube-system\s+Active/);
      const second = await run(process.execPath, [HALE_BIN, 'up', '--data-dir', dataDir, '--listen', '127.0.0.1:0']).catch((e: { code: number; stderr: string }) => e);
      assert.equal((second as { code: number }).code, 1);
      assert.match((second as { stderr: string }).stderr, /already running/);
      const down = await run(process.execPath, [HALE_BIN, 'down', '--data-dir', dataDir]);
      assert.match(down.stdout, /stopped server \(pid \d+\)/);
      assert.equal(existsSync(join(dataDir, 'server.pid')), false);
      assert.ok(hale.proc.exitCode !== null || hale.proc.signalCode !== null || (await new Promise((r) => hale.proc.once('exit', () => r(true)))));
      const again = await run(process.execPath, [HALE_BIN, 'down', '--data-dir', dataDir]);
      assert.match(again.stdout, /nothing running/);
    } finally {
      await hale.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
