// Starts a real `hale server` process for end-to-end tests: a temp data dir,
// a free port, waits for its `ready` line, and gives a kubectl runner bound to
// its kubeconfig (with a private KUBECACHEDIR). `stop()` ends exactly that
// process and removes what the test created.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runKubectl, type KubectlResult } from './kubectl.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/src/cli/main.js, from dist/test/support */
export const HALE_BIN = resolve(here, '../../src/cli/main.js');
/** The node flags of the `hale` command's first line (`#!/usr/bin/env -S node …`): spawned with process.execPath, hale runs as `npx hale` runs it. */
export const HALE_NODE_FLAGS: readonly string[] = (readFileSync(HALE_BIN, 'utf8').split('\n', 1)[0] ?? '').replace(/^#!.*?\bnode\b/, '').trim().split(/\s+/).filter((f) => f.startsWith('--'));

export interface HaleProcess {
  dataDir: string;
  kubeconfig: string;
  url: string;
  proc: ChildProcess;
  cacheDir: string;
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** the last lines the process wrote to stderr (up to 32–64 KB) */
  stderr(): string;
  /** SIGTERM and wait; `keepData` leaves the data dir for a restart */
  stop(opts?: { keepData?: boolean; signal?: NodeJS.Signals }): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  command?: 'server' | 'up';
}

export async function startHale(opts: StartOptions = {}): Promise<HaleProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'hale-e2e-')));
  const cacheDir = await mkdtemp(join(tmpdir(), 'hale-kubecache-'));
  const proc = spawn(process.execPath, [...HALE_NODE_FLAGS, HALE_BIN, opts.command ?? 'server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...(opts.args ?? [])], {
    env: { ...process.env, HALE_LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const lines = createInterface({ input: proc.stdout! });
  let kubeconfig = '';
  let url = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`hale did not become ready in 30s; stderr:\n${stderr}`)), 30_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hale exited (${code}) before ready; stderr:\n${stderr}`));
    });
    lines.on('line', (line) => {
      if (line.startsWith('kubeconfig: ')) kubeconfig = line.slice('kubeconfig: '.length);
      if (line.startsWith('server: ')) url = line.slice('server: '.length);
      if (line === 'ready') {
        clearTimeout(timer);
        resolveReady();
      }
    });
  });
  try {
    await ready;
  } catch (err) {
    // Leave nothing behind: the process, what `up` started, the temp dirs (the agent's log goes into the error).
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    const agentLog = await readFile(join(dataDir, 'agent.log'), 'utf8').catch(() => '');
    if (agentLog && err instanceof Error) err.message += `\nagent.log (end):\n${agentLog.slice(-4000)}`;
    if (opts.command === 'up') spawnSync(process.execPath, [HALE_BIN, 'down', '--data-dir', dataDir], { stdio: 'ignore', timeout: 60_000 });
    await rm(cacheDir, { recursive: true, force: true });
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  proc.removeAllListeners('exit');
  let stopped = false;
  return {
    dataDir,
    kubeconfig,
    url,
    proc,
    cacheDir,
    stderr: () => stderr,
    kubectl: (args, o) => runKubectl(args, { kubeconfig, cacheDir, ...(o?.input !== undefined ? { input: o.input } : {}), ...(o?.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) }),
    async stop(o = {}) {
      if (stopped) return;
      stopped = true;
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill(o.signal ?? 'SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      // `up` started a node agent that outlives it by design: end it and its pods too.
      if (opts.command === 'up') spawnSync(process.execPath, [HALE_BIN, 'down', '--data-dir', dataDir], { stdio: 'ignore', timeout: 60_000 });
      await rm(cacheDir, { recursive: true, force: true });
      if (!o.keepData && !opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
