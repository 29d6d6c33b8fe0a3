// hale-supervisor for real: exit codes, the CRI log, SIGTERM forwarding, a
// hard kill that takes the whole container (setsid grandchildren included),
// survival of the process that started it, exec inside the container's
// namespaces with a timeout, the fencing deadline. Namespace cases run as
// root only.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execIn } from './exec.js';
import { readState, signalKill, signalStop, startSupervised, supervisorBinary, watchExit, writeDeadline, StartError } from './supervisor.js';
import type { SupervisorSpec } from './spec.js';

const root = process.getuid?.() === 0;

// Supervisors are unref'd (the agent never waits on them): keep the test's event loop alive meanwhile.
let keepAlive: NodeJS.Timeout;
before(() => {
  keepAlive = setInterval(() => undefined, 1000);
});
after(() => clearInterval(keepAlive));
const binary = supervisorBinary();

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-sup-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const spec = (dir: string, argv: string[], extra: Partial<SupervisorSpec> = {}): SupervisorSpec => ({ dir, argv, env: { PATH: '/usr/bin:/bin' }, logPath: join(dir, 'c.log'), ...extra });

test('exit codes, and stdout/stderr in the CRI log format', () =>
  withDir(async (dir) => {
    const s = await startSupervised(spec(dir, ['sh', '-c', 'echo out; echo err >&2; exit 3']), { binary });
    const e = await s.exited;
    assert.equal(e.exitCode, 3);
    const log = await readFile(join(dir, 'c.log'), 'utf8');
    assert.match(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F out$/m);
    assert.match(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stderr F err$/m);
  }));

test('a 40 KiB line is written as P, P, F records', () =>
  withDir(async (dir) => {
    const s = await startSupervised(spec(dir, ['sh', '-c', 'head -c 40960 /dev/zero | tr "\\0" a; echo']), { binary });
    await s.exited;
    const tags = (await readFile(join(dir, 'c.log'), 'utf8')).trim().split('\n').map((l) => l.split(' ')[2]);
    assert.deepEqual(tags, ['P', 'P', 'F']);
  }));

test('a program that cannot be found is a start error worded as runc words it', () =>
  withDir(async (dir) => {
    await assert.rejects(startSupervised(spec(dir, ['no-such-program']), { binary }), (err: unknown) => err instanceof StartError && err.message === 'exec: "no-such-program": executable file not found in $PATH');
    const st = await readState(dir);
    assert.ok(st && 'exitCode' in st && st.exitCode === 128);
  }));

test('SIGTERM reaches the container; SIGUSR1 kills a container that ignores it, grandchildren included', () =>
  withDir(async (dir) => {
    const s = await startSupervised(spec(dir, ['sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.05; done']), { binary });
    await new Promise((r) => setTimeout(r, 100));
    await signalStop(s.supervisorPid, dir);
    assert.equal((await s.exited).exitCode, 7);
    const dir2 = join(dir, 'b');
    await (await import('node:fs/promises')).mkdir(dir2);
    const t = await startSupervised(spec(dir2, ['sh', '-c', 'trap "" TERM; setsid sleep 1000 & while :; do sleep 0.05; done'], root ? { pidNamespace: true } : {}), { binary });
    await new Promise((r) => setTimeout(r, 100));
    await signalKill(t.supervisorPid, dir2);
    assert.equal((await t.exited).exitCode, 137);
    const pgrep = spawn('pgrep', ['-f', 'sleep 1000']);
    const found = await new Promise<string>((r) => {
      let out = '';
      pgrep.stdout.on('data', (d: Buffer) => (out += d.toString()));
      pgrep.on('close', () => r(out));
    });
    assert.equal(found.trim(), '', 'the setsid grandchild died with the container');
  }));

test('the container outlives the process that started it; its exit is still seen', () =>
  withDir(async (dir) => {
    // A throwaway Node process starts the container and is killed with SIGKILL.
    const starter = spawn(process.execPath, ['--input-type=module', '-e', `
      const { startSupervised } = await import(${JSON.stringify(new URL('./supervisor.js', import.meta.url).href)});
      const s = await startSupervised({ dir: ${JSON.stringify(dir)}, argv: ['sh', '-c', 'while [ ! -f ${dir}/stop ]; do sleep 0.05; done; exit 4'], env: { PATH: '/usr/bin:/bin' }, logPath: ${JSON.stringify(join(dir, 'c.log'))} }, { binary: ${JSON.stringify(binary)} });
      console.log(s.supervisorPid);
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = Number(await new Promise<string>((r) => starter.stdout.once('data', (d: Buffer) => r(d.toString()))));
    starter.kill('SIGKILL');
    await new Promise((r) => starter.once('exit', r));
    process.kill(pid, 0); // still there
    const exit = watchExit(dir, pid, 200);
    await (await import('node:fs/promises')).writeFile(join(dir, 'stop'), '');
    assert.equal((await exit).exitCode, 4);
  }));

test('exec runs a command in the container and honours its timeout', { skip: !root && 'namespaces need root' }, () =>
  withDir(async (dir) => {
    const s = await startSupervised(spec(dir, ['sleep', '1000'], { pidNamespace: true, hostname: 'podname', rootfs: join(dir, 'root'), mounts: [{ source: '/usr', target: '/usr', readOnly: true }, { source: '/bin', target: '/bin', readOnly: true }, { source: '/lib', target: '/lib', readOnly: true }, { source: '/lib64', target: '/lib64', readOnly: true }, { source: 'proc', target: '/proc' }, { source: 'devtmpfs-min', target: '/dev' }, { source: 'tmpfs', target: '/tmp' }] }), { binary });
    try {
      const r = await execIn({ binary, pid: s.pid, argv: ['sh', '-c', 'hostname; ls /tmp | wc -l; echo $$'], env: { PATH: '/usr/bin:/bin' }, timeoutMs: 5000 });
      assert.equal(r.exitCode, 0);
      assert.deepEqual(r.stdout.toString().trim().split('\n').slice(0, 2), ['podname', '0']);
      const slow = await execIn({ binary, pid: s.pid, argv: ['sleep', '5'], env: { PATH: '/usr/bin:/bin' }, timeoutMs: 200 });
      assert.equal(slow.timedOut, true);
    } finally {
      await signalKill(s.supervisorPid, dir);
      await s.exited;
    }
  }));

test('a fencing deadline in the past kills the container and is recorded', () =>
  withDir(async (dir) => {
    const s = await startSupervised(spec(dir, ['sleep', '1000'], { fence: true }), { binary });
    await writeDeadline(dir, s.supervisorPid, process.hrtime.bigint() - 1n);
    const e = await s.exited;
    assert.equal(e.fenced, true);
    assert.equal(e.exitCode, 137);
  }));
