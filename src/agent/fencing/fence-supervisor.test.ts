// Fencing with the real hale-supervisor through the ProcessRuntime (host
// mode: no namespaces needed): a fenced container handed a deadline 300 ms
// ahead is killed at it and recorded as fenced, with no further action from
// node code; deadlines renewed before they expire keep it alive; and a hung
// agent (its process stopped) does not keep its containers alive.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realClock } from '../../lib/clock/clock.js';
import { silentLogger } from '../../lib/log/log.js';
import { ProcessRuntime } from '../runtime/process/process-runtime.js';
import { readState, supervisorBinary } from '../runtime/process/supervision/supervisor.js';
import type { ContainerConfig, ContainerInfo } from '../runtime/runtime.js';

// Supervisors are unref'd (the agent never waits on them): keep the test's event loop alive meanwhile.
let keepAlive: NodeJS.Timeout;
before(() => {
  keepAlive = setInterval(() => undefined, 1000);
});
after(() => clearInterval(keepAlive));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const inMs = (ms: number): bigint => process.hrtime.bigint() + BigInt(ms) * 1_000_000n;

function config(name: string, dir: string, fence: boolean): ContainerConfig {
  return { name, attempt: 0, image: 'busybox', argv: ['sleep', '1000'], env: [['PATH', '/usr/bin:/bin']], mounts: [], resources: {}, logPath: join(dir, 'logs', `${name}.log`), labels: {}, ...(fence ? { fence: true } : {}) };
}

async function withRuntime(fn: (rt: ProcessRuntime, dir: string, exits: Map<string, ContainerInfo>) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-fence-'));
  const rt = new ProcessRuntime({ root: join(dir, 'rt'), scope: 'fence-test', podCidr: '10.97.3.0/24', mode: 'host', supervisorBinary: supervisorBinary(), nodeIp: '127.0.0.1', clock: realClock, log: silentLogger(), cgroups: false });
  const exits = new Map<string, ContainerInfo>();
  rt.onExit((c) => exits.set(c.id, c));
  await rt.recover();
  try {
    await fn(rt, dir, exits);
  } finally {
    for (const c of rt.listContainers()) await rt.removeContainer(c.id);
    for (const s of rt.listPodSandboxes()) await rt.removePodSandbox(s.id);
    await rt.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function exited(exits: Map<string, ContainerInfo>, id: string, timeoutMs = 10_000): Promise<ContainerInfo> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const e = exits.get(id);
    if (e) return e;
    await sleep(10);
  }
  throw new Error(`container ${id} did not exit`);
}

test('a fenced container is killed at its deadline and reported as fenced; an unfenced one is not', () =>
  withRuntime(async (rt, dir, exits) => {
    const sb = await rt.runPodSandbox({ podUid: 'pod-a', namespace: 'default', name: 'a', hostname: 'a', hostNetwork: false });
    await rt.setFenceDeadline(inMs(300));
    const fenced = await rt.startContainer(sb.id, config('db', dir, true));
    const plain = await rt.startContainer(sb.id, config('sidecar', dir, false));
    assert.equal(fenced.state, 'running');
    const e = await exited(exits, fenced.id);
    assert.equal(e.exitCode, 137);
    assert.equal(e.reason, 'Fenced');
    assert.match(e.message ?? '', /fencing deadline/);
    const state = await readState(join(dir, 'rt', 'containers', fenced.id));
    assert.ok(state && 'fenced' in state && state.fenced, 'the supervisor recorded fenced=1');
    assert.equal(rt.isAlive(plain.id), true, 'a container without fence ignores the deadline');
  }));

test('deadlines renewed before they expire keep a fenced container alive; once they stop, it dies', () =>
  withRuntime(async (rt, dir, exits) => {
    const sb = await rt.runPodSandbox({ podUid: 'pod-b', namespace: 'default', name: 'b', hostname: 'b', hostNetwork: false });
    // Renewed every 100 ms, 600 ms ahead: a margin for a busy test machine.
    await rt.setFenceDeadline(inMs(600));
    const c = await rt.startContainer(sb.id, config('db', dir, true));
    for (let i = 0; i < 12; i++) {
      await sleep(100);
      await rt.setFenceDeadline(inMs(600));
    }
    assert.equal(rt.isAlive(c.id), true, 'alive after 1.2 s on deadlines 600 ms ahead');
    assert.equal(exits.has(c.id), false);
    const e = await exited(exits, c.id);
    assert.equal(e.reason, 'Fenced');
  }));

test('a fenced container started before any deadline was set starts with an expired one (fail safe)', () =>
  withRuntime(async (rt, dir, exits) => {
    const sb = await rt.runPodSandbox({ podUid: 'pod-c', namespace: 'default', name: 'c', hostname: 'c', hostNetwork: false });
    const c = await rt.startContainer(sb.id, config('db', dir, true));
    assert.equal((await exited(exits, c.id)).reason, 'Fenced');
  }));

test('a hung agent does not keep its fenced containers alive: the supervisor kills at the deadline on its own', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hale-fence-hung-'));
  const runtimeUrl = new URL('../runtime/process/process-runtime.js', import.meta.url).href;
  const logUrl = new URL('../../lib/log/log.js', import.meta.url).href;
  const clockUrl = new URL('../../lib/clock/clock.js', import.meta.url).href;
  // A throwaway agent: starts a fenced container with a deadline 500 ms ahead, reports, then is stopped (SIGSTOP).
  const agent = spawn(process.execPath, ['--input-type=module', '-e', `
    const { ProcessRuntime } = await import(${JSON.stringify(runtimeUrl)});
    const { silentLogger } = await import(${JSON.stringify(logUrl)});
    const { realClock } = await import(${JSON.stringify(clockUrl)});
    const rt = new ProcessRuntime({ root: ${JSON.stringify(join(dir, 'rt'))}, scope: 'fence-hung', podCidr: '10.97.4.0/24', mode: 'host', supervisorBinary: ${JSON.stringify(supervisorBinary())}, nodeIp: '127.0.0.1', clock: realClock, log: silentLogger(), cgroups: false });
    await rt.recover();
    const sb = await rt.runPodSandbox({ podUid: 'pod-h', namespace: 'default', name: 'h', hostname: 'h', hostNetwork: false });
    await rt.setFenceDeadline(process.hrtime.bigint() + 500000000n);
    const c = await rt.startContainer(sb.id, { name: 'db', attempt: 0, image: 'busybox', argv: ['sleep', '1000'], env: [['PATH', '/usr/bin:/bin']], mounts: [], resources: {}, logPath: ${JSON.stringify(join(dir, 'db.log'))}, labels: {}, fence: true });
    console.log(JSON.stringify({ id: c.id, pid: c.pid }));
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((r, reject) => {
      agent.stdout.once('data', (d: Buffer) => r(d.toString()));
      agent.once('exit', (code) => reject(new Error(`the throwaway agent exited (${code}) before it reported`)));
    });
    const { id, pid } = JSON.parse(line) as { id: string; pid: number };
    agent.kill('SIGSTOP');
    const cdir = join(dir, 'rt', 'containers', id);
    const end = Date.now() + 10_000;
    let state = await readState(cdir);
    while (!(state && 'exitCode' in state) && Date.now() < end) {
      await sleep(20);
      state = await readState(cdir);
    }
    assert.ok(state && 'exitCode' in state, 'the container exited while its agent was stopped');
    assert.equal(state.fenced, true);
    assert.equal(state.exitCode, 137);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the container process is gone');
  } finally {
    agent.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
