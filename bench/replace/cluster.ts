// A `hale up` for a benchmark: a child process with its own data dir,
// bridge and address ranges (chosen not to collide with a hale the developer
// runs), stopped with SIGTERM and then `hale down` so no agent, container or
// bridge outlives the run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HALE_BIN, HALE_NODE_FLAGS } from '../../test/support/hale-process.js';


export interface BenchCluster {
  kubeconfig: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startBenchCluster(o: { bridge: string; second: number; nodeName: string; hostMode?: boolean }): Promise<BenchCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hale-bench-'));
  const args = [...HALE_NODE_FLAGS, HALE_BIN, 'up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--bridge', o.bridge, '--cluster-cidr', `10.${o.second}.0.0/16`, '--service-cidr', `10.${o.second + 1}.0.0/16`, '--node-cidr', `10.${o.second + 2}.0.0/24`, '--node-name', o.nodeName, ...(o.hostMode ? ['--host-mode'] : [])];
  const proc: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, HALE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-16_000)));
  let kubeconfig = '';
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`hale up not ready in 60 s:\n${stderr}`)), 60_000);
    proc.once('exit', (code) => reject(new Error(`hale up exited (${code}):\n${stderr}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.startsWith('kubeconfig: ')) kubeconfig = line.slice('kubeconfig: '.length);
      if (line === 'ready') {
        clearTimeout(timer);
        resolveReady();
      }
    });
  });
  proc.removeAllListeners('exit');
  return {
    kubeconfig,
    dataDir,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill('SIGTERM');
        await exited;
      }
      spawnSync(process.execPath, [HALE_BIN, 'down', '--data-dir', dataDir], { stdio: 'ignore', timeout: 60_000 });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
