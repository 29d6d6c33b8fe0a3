// A 3-node `hale up` for bench/node-failure: the host's own node plus two
// local nodes in their own network namespaces (root), its own data dir,
// bridge and address ranges; `hale node power-off|power-on` against it; and
// a stop that always ends in `hale down` so no agent, container, netns or
// bridge outlives the run. hale's stderr (info level: a few dozen lines per
// repeat, e.g. the silence at which a node was marked Unknown or fenced) goes
// to a log file outside the data dir, kept after the run with the local
// nodes' agent logs next to it.

import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { wallMs } from '../support/time.js';
import { HALE_BIN, HALE_NODE_FLAGS } from '../../test/support/hale-process.js';

const run = promisify(execFile);

export interface NodeFailureCluster {
  kubeconfig: string;
  dataDir: string;
  logFile: string;
  /** the host's node (shares the host's namespaces: never powered off) */
  hostNode: string;
  /** the extra local nodes, each in its own netns: `<base>-2`, `<base>-3` */
  localNodes: string[];
  /**
   * Runs `hale node ACTION NAME`; `returnedAt` is the wall clock when the
   * command had returned; `agentGoneAt`, when the node's agent process was
   * first seen dead (gone or a zombie) while polling /proc every 5 ms during
   * the command (power-off only; undefined if it was not seen to die).
   */
  node(action: 'power-off' | 'power-on', name: string): Promise<{ calledAt: number; returnedAt: number; agentGoneAt: number | undefined; output: string }>;
  stop(): Promise<void>;
}

export async function startNodeFailureCluster(o: { bridge: string; second: number; nodeName: string; nodes: number }): Promise<NodeFailureCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hale-bench-nf-'));
  const logFile = join(tmpdir(), `hale-bench-node-failure-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const log = createWriteStream(logFile);
  const args = [...HALE_NODE_FLAGS, HALE_BIN, 'up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--bridge', o.bridge, '--cluster-cidr', `10.${o.second}.0.0/16`, '--service-cidr', `10.${o.second + 1}.0.0/16`, '--node-cidr', `10.${o.second + 2}.0.0/24`, '--node-name', o.nodeName, '--nodes', String(o.nodes)];
  const proc: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, HALE_LOG_LEVEL: process.env.HALE_LOG_LEVEL ?? 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr!.pipe(log);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
    }
    // `hale down` also tears down the local nodes (a powered-off one included), the fabric and leftovers.
    const down = spawnSync(process.execPath, [HALE_BIN, 'down', '--data-dir', dataDir], { encoding: 'utf8', timeout: 90_000 });
    if (down.status !== 0) console.error(`hale down --data-dir ${dataDir} exited ${down.status}: ${down.stderr}`);
    else {
      // The local nodes' agent logs are kept next to hale up's log.
      const names = await readdir(join(dataDir, 'nodes')).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [] as string[];
        throw err;
      });
      for (const name of names) {
        await copyFile(join(dataDir, 'nodes', name, 'agent.log'), `${logFile.replace(/\.log$/, '')}.${name}.agent.log`).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
      }
      await rm(dataDir, { recursive: true, force: true });
    }
    log.end();
  };
  let kubeconfig = '';
  try {
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`hale up not ready in 90 s (log: ${logFile})`)), 90_000);
      proc.once('exit', (code) => reject(new Error(`hale up exited (${code}) before ready (log: ${logFile})`)));
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (line.startsWith('kubeconfig: ')) kubeconfig = line.slice('kubeconfig: '.length);
        if (line === 'ready') {
          clearTimeout(timer);
          resolveReady();
        }
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  proc.removeAllListeners('exit');
  const localNodes = Array.from({ length: o.nodes - 1 }, (_, i) => `${o.nodeName}-${i + 2}`);
  return {
    kubeconfig,
    dataDir,
    logFile,
    hostNode: o.nodeName,
    localNodes,
    async node(action, name) {
      const pid = action === 'power-off' ? await agentPid(dataDir, name) : undefined;
      let agentGoneAt: number | undefined;
      const poll = pid === undefined ? undefined : setInterval(() => {
        if (agentGoneAt === undefined && !alive(pid)) agentGoneAt = wallMs();
      }, 5);
      const calledAt = wallMs();
      try {
        const r = await run(process.execPath, [HALE_BIN, 'node', action, name, '--data-dir', dataDir], { timeout: 60_000 });
        const returnedAt = wallMs();
        if (pid !== undefined && agentGoneAt === undefined && !alive(pid)) agentGoneAt = returnedAt;
        return { calledAt, returnedAt, agentGoneAt, output: r.stdout.trim() };
      } finally {
        if (poll) clearInterval(poll);
      }
    },
    stop,
  };
}

/** The pid in the node's agent pidfile (`<data-dir>/nodes/NAME/agent.pid`: "pid [start]"), if any. */
async function agentPid(dataDir: string, name: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(dataDir, 'nodes', name, 'agent.pid'), 'utf8')).trim().split(/\s+/)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Whether `pid` runs: /proc/PID/stat exists and its state is not Z (zombie) or X (dead). */
function alive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}
