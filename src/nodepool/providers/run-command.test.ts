// The exec provider's command runner, with small /bin/sh commands: exit 0
// accepts, a failure carries the code and the last stderr lines, a command
// past its timeout is killed with its whole process group, and an abort
// stops it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../lib/log/log.js';
import { runCommand } from './run-command.js';

const log = silentLogger();
const run = (script: string, timeoutMs = 10_000, env: Record<string, string> = {}, signal?: AbortSignal): Promise<void> =>
  runCommand({ argv: ['/bin/sh', '-c', script], env, timeoutMs, log, fields: {}, ...(signal ? { signal } : {}) });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

test('exit 0 accepts; the environment is passed', async () => {
  await run('[ "$HALE_NODE_NAME" = n1 ] && echo fine', 10_000, { HALE_NODE_NAME: 'n1' });
});

test('a non-zero exit rejects with the code and the last stderr lines', async () => {
  await assert.rejects(run('echo one >&2; echo two >&2; exit 3'), /command \/bin\/sh exited with code 3: one \| two/);
});

test('a command past its timeout is killed with its process group', async () => {
  const pidFile = `/tmp/hale-run-command-test-${process.pid}`;
  const t0 = Date.now();
  await assert.rejects(run(`sleep 300 & echo $! > ${pidFile}; echo waiting >&2; wait`, 800), /ran longer than 0\.8s and was killed: waiting/);
  assert.ok(Date.now() - t0 < 5000);
  const { readFile, rm } = await import('node:fs/promises');
  const helper = Number((await readFile(pidFile, 'utf8')).trim());
  await rm(pidFile, { force: true });
  for (let i = 0; i < 50 && alive(helper); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(helper), false, 'the helper in the group was killed too');
});

test('a background helper holding the output pipes does not hold the caller', async () => {
  const pidFile = `/tmp/hale-run-command-bg-${process.pid}`;
  await run(`sleep 30 & echo $! > ${pidFile}; echo started`);
  const { readFile, rm } = await import('node:fs/promises');
  const helper = Number((await readFile(pidFile, 'utf8')).trim());
  await rm(pidFile, { force: true });
  assert.equal(alive(helper), true, 'a helper of a successful command is left running');
  process.kill(helper, 'SIGKILL');
});

test('abort stops the command', async () => {
  const ac = new AbortController();
  const p = run('sleep 300', 60_000, {}, ac.signal);
  setTimeout(() => ac.abort(), 200);
  await assert.rejects(p, /was stopped: the provider is closing/);
});

test('a missing program rejects', async () => {
  await assert.rejects(runCommand({ argv: ['/nonexistent/create-vm'], env: {}, timeoutMs: 1000, log, fields: {} }), /could not run: spawn \/nonexistent\/create-vm ENOENT/);
});
