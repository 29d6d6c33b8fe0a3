// A one-node `hale up` for bench/service, as root (isolated mode: pods in
// their own network namespaces on the node's bridge, ClusterIPs on the
// node's `lo`, the agent's service proxy listening on them): its own data
// dir, bridge and address ranges; stopped with SIGTERM and then `hale down`,
// so no agent, container, netns, bridge or service address outlives the run.
// hale's stderr (info level) goes to a log file outside the data dir, kept
// after the run. `leftovers(before)` lists what is on the host after the run
// that was not before it (netns, supervisors, addresses on lo).

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HALE_BIN, HALE_NODE_FLAGS } from '../../test/support/hale-process.js';


export interface ServiceCluster {
  kubeconfig: string;
  dataDir: string;
  logFile: string;
  nodeName: string;
  stop(): Promise<void>;
}

export async function startServiceCluster(o: { bridge: string; second: number; nodeName: string }): Promise<ServiceCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hale-bench-svc-'));
  const logFile = join(tmpdir(), `hale-bench-service-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const log = createWriteStream(logFile);
  const args = [...HALE_NODE_FLAGS, HALE_BIN, 'up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--bridge', o.bridge, '--cluster-cidr', `10.${o.second}.0.0/16`, '--service-cidr', `10.${o.second + 1}.0.0/16`, '--node-cidr', `10.${o.second + 2}.0.0/24`, '--node-name', o.nodeName];
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
    const down = spawnSync(process.execPath, [HALE_BIN, 'down', '--data-dir', dataDir], { encoding: 'utf8', timeout: 90_000 });
    if (down.status !== 0) console.error(`hale down --data-dir ${dataDir} exited ${down.status}: ${down.stderr}`);
    else await rm(dataDir, { recursive: true, force: true });
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
  return { kubeconfig, dataDir, logFile, nodeName: o.nodeName, stop };
}

/** What of hale is on the host now: network namespaces, hale-supervisor processes, addresses on lo. */
export function hostState(): string[] {
  const out: string[] = [];
  for (const line of execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n')) if (line.trim()) out.push(`netns ${line.trim().split(' ')[0]}`);
  try {
    for (const line of execFileSync('pgrep', ['-af', 'hale-supervisor'], { encoding: 'utf8' }).split('\n')) if (line.trim()) out.push(`hale-supervisor ${line.trim()}`);
  } catch (err) {
    if ((err as { status?: number }).status !== 1) throw err; // pgrep exits 1 when nothing matches
  }
  const lo = execFileSync('ip', ['-br', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' });
  for (const a of lo.trim().split(/\s+/).slice(2)) out.push(`lo ${a}`);
  return out;
}

/** What is on the host after `hale down` that was not there before the run (`before`: hostState() then). */
export function leftovers(before: string[]): string[] {
  const was = new Set(before);
  return hostState().filter((x) => !was.has(x));
}
