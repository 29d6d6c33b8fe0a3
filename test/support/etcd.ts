// startEtcd: a real, throwaway etcd (Debian's etcd-server, /usr/bin/etcd, 3.4)
// for tests and benchmarks. Each call gets its own temp data dir and its own
// free loopback ports. Invariants: stop() ends exactly the process it started
// (SIGTERM, then SIGKILL after a grace period) and removes exactly its temp
// dir; if the test process exits without calling stop(), the child is killed
// on the way out rather than left running.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BIN = '/usr/bin/etcd';

export interface RunningEtcd {
  /** the client URL, e.g. http://127.0.0.1:41234 */
  endpoint: string;
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** how long to wait for etcd to answer. Default 20 s. */
  readyTimeoutMs?: number;
}

const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL = 8_192;

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<RunningEtcd> {
  if (!existsSync(ETCD_BIN)) {
    throw new Error(`${ETCD_BIN} not found: install the etcd server with \`apt-get install etcd-server\` (CI installs it)`);
  }
  // A port picked by binding :0 can be taken by someone else before etcd binds
  // it; then etcd exits at once and we try again with new ports.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts.readyTimeoutMs ?? 20_000);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function startOnce(readyTimeoutMs: number): Promise<RunningEtcd> {
  const [clientPort, peerPort] = await freePorts(2);
  const dir = await mkdtemp(join(tmpdir(), 'hale-etcd-'));
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    ETCD_BIN,
    [
      '--name', 'hale-test',
      '--data-dir', join(dir, 'data'),
      '--listen-client-urls', endpoint,
      '--advertise-client-urls', endpoint,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `hale-test=${peer}`,
      '--initial-cluster-state', 'new',
      '--logger', 'zap',
      '--log-level', 'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (isRunning(child)) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (isRunning(child)) child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitHealthy({ endpoint, child, timeoutMs: readyTimeoutMs, output: () => output });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function waitHealthy(o: { endpoint: string; child: ChildProcess; timeoutMs: number; output(): string }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isRunning(o.child)) {
      const out = o.output();
      const message = `etcd exited during startup (${o.child.exitCode ?? o.child.signalCode}):\n${out}`;
      throw out.includes('address already in use') ? new PortTakenError(message) : new Error(message);
    }
    try {
      const res = await fetch(`${o.endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
      const body = await res.text();
      if (res.ok && body.includes('"health":"true"')) return;
      lastProblem = `HTTP ${res.status}: ${body}`;
    } catch (error) {
      // not listening yet (ECONNREFUSED) or slow to answer: keep polling until the deadline
      lastProblem = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`etcd at ${o.endpoint} not healthy after ${o.timeoutMs} ms (${lastProblem}):\n${o.output()}`);
}

/** distinct free loopback ports, found by binding port 0 */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const srv = createServer();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve(srv));
      }),
    ),
  );
  const ports = servers.map((srv) => {
    const addr = srv.address();
    if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
    return addr.port;
  });
  await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  return ports;
}
