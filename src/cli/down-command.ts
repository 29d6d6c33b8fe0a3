// `hale down`: stops everything hale started under a data dir, pods
// included, found by its pidfiles; safe to run twice.
//   1. server.pid (a `hale up` or `hale server`): SIGTERM — `up` stops its
//      agent's pods itself;
//   2. agent.pid still running: SIGUSR2 (stop pods, then exit);
//   3. an agent that is gone but left containers (killed with -9): its pods
//      are stopped and their networks freed here, from the state it left.
// SIGKILL follows a grace period at each step.

import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cleanupNode } from '../agent/cleanup.js';
import { destroyFabric } from '../localnode/fabric.js';
import { localNodeNames, teardown } from '../localnode/local-node.js';
import { createLogger } from '../lib/log/log.js';
import { isRunning, readPidfile, type PidRecord } from '../lib/pidfile/pidfile.js';
import { STOP_PODS_GRACE_CAP_MS } from './agent-command.js';

async function waitGone(rec: PidRecord, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isRunning(rec)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isRunning(rec);
}

async function stopPidfile(file: string, signal: NodeJS.Signals, graceMs: number): Promise<PidRecord | undefined> {
  const rec = await readPidfile(file);
  let stopped: PidRecord | undefined;
  if (rec !== undefined && isRunning(rec)) {
    process.kill(rec.pid, signal);
    if (!(await waitGone(rec, graceMs))) {
      process.kill(rec.pid, 'SIGKILL');
      await waitGone(rec, 5_000);
    }
    stopped = rec;
  }
  await rm(file, { force: true });
  return stopped;
}

async function exists(dir: string): Promise<boolean> {
  try {
    await readdir(dir);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}


export async function runDown(dir: string): Promise<void> {
  const dataDir = resolve(dir);
  if (!(await exists(dataDir))) {
    process.stdout.write(`nothing to stop: ${dataDir} does not exist\n`);
    return;
  }
  let stopped = 0;
  const server = await stopPidfile(join(dataDir, 'server.pid'), 'SIGTERM', STOP_PODS_GRACE_CAP_MS + 25_000);
  if (server) {
    stopped++;
    process.stdout.write(`stopped server (pid ${server.pid})\n`);
  }
  const log = createLogger({ name: 'hale-down', level: 'warn' });
  // Extra local nodes: pods stopped, then namespace, links and cgroup removed.
  for (const name of await localNodeNames(dataDir)) {
    if (await teardown(dataDir, name, STOP_PODS_GRACE_CAP_MS + 8_000)) {
      stopped++;
      process.stdout.write(`stopped local node ${name}\n`);
    }
  }
  await destroyFabric(dataDir);
  for (const nd of [dataDir]) {
    const agent = await stopPidfile(join(nd, 'agent.pid'), 'SIGUSR2', STOP_PODS_GRACE_CAP_MS + 8_000);
    if (agent) {
      stopped++;
      process.stdout.write(`stopped agent (pid ${agent.pid}) and its pods\n`);
    }
    const left = await cleanupNode(nd, log);
    if (left > 0) {
      stopped++;
      process.stdout.write(`stopped ${left} container(s) left by an agent that was not running\n`);
    }
  }
  if (stopped === 0) process.stdout.write('nothing running\n');
}
