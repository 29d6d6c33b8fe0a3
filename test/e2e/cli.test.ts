// The `hale` command as a user runs it: `up` prints its kubeconfig and
// `ready`, refuses a second server on the same data dir, and `down` stops it
// (and is safe to run twice); Ctrl-C on `up` leaves none of the node's
// network behind (bridge, warm pool namespaces, service addresses on lo).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readNodeRecord } from '../../src/agent/node-record.js';
import { serviceAddressLabel } from '../../src/agent/services/service-addresses.js';
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

  it('up stopped with Ctrl-C (SIGINT) leaves no pod namespace, bridge or service address', async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hale-cli-'));
    const hale = await startHale({ dataDir, command: 'up' });
    try {
      const rec = await until(() => readNodeRecord(join(dataDir, 'agent')), 30_000);
      if (rec.mode !== 'isolated') return t.skip('the node runs in host mode here (not root): it has no network of its own');
      const label = serviceAddressLabel(rec.bridge);
      // What there is to leave behind: the warm pool's namespaces and the kubernetes Service's ClusterIP on lo.
      await until(async () => (netnsWith(rec.netnsPrefix).length > 0 && loAddresses(label).length > 0) || undefined, 60_000);
      const exited = new Promise((r) => hale.proc.once('exit', r));
      hale.proc.kill('SIGINT');
      await exited;
      assert.deepEqual(netnsWith(rec.netnsPrefix), []);
      assert.deepEqual(loAddresses(label), []);
      assert.equal(spawnSync('ip', ['link', 'show', rec.bridge]).status !== 0, true, `bridge ${rec.bridge} still exists`);
    } finally {
      await hale.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function netnsWith(prefix: string): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(prefix));
}

function loAddresses(label: string): string[] {
  return spawnSync('ip', ['-4', 'addr', 'show', 'dev', 'lo', 'label', label], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes('inet '));
}

async function until<T>(get: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
