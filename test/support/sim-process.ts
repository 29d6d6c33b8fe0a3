// A `hale sim` child process (tests, the scale benchmark): N simulated nodes
// joined with the server's join token, waited for until its "ready" line,
// stopped with SIGTERM (and SIGKILL after 10 s) by its PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HALE_BIN, HALE_NODE_FLAGS } from './hale-process.js';

export interface SimProcess {
  proc: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

export interface SimOptions {
  url: string;
  dataDir: string;
  nodes: number;
  prefix: string;
  firstIndex?: number;
  args?: string[];
  /**
   * Run the sim (every thread of it) at this nice value (coreutils `nice`):
   * its nodes stand in for other machines, so on one machine it gets the CPU
   * the control plane leaves instead of taking a share of it.
   */
  nice?: number;
}

export async function startSim(o: SimOptions): Promise<SimProcess> {
  const token = (await readFile(join(o.dataDir, 'node-token'), 'utf8')).trim();
  const args = [HALE_BIN, 'sim', '--server', o.url, '--token', token, '--nodes', String(o.nodes), '--prefix', o.prefix, '--first-index', String(o.firstIndex ?? 0), ...(o.args ?? [])];
  const node = [process.execPath, '--max-old-space-size=8192', ...HALE_NODE_FLAGS, ...args];
  const [cmd, ...argv] = o.nice ? ['nice', '-n', String(o.nice), ...node] : node;
  const proc = spawn(cmd!, argv, { env: { ...process.env, HALE_LOG_LEVEL: process.env.HALE_LOG_LEVEL ?? 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-16_000)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`hale sim not ready in 600 s:\n${stderr}`)), 600_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hale sim exited (${code}):\n${stderr}`));
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (/simulated nodes ready/.test(line)) {
        clearTimeout(timer);
        resolveReady();
      }
    });
  }).catch((err: unknown) => {
    proc.kill('SIGKILL');
    throw err;
  });
  proc.removeAllListeners('exit');
  return {
    proc,
    pid: proc.pid!,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
