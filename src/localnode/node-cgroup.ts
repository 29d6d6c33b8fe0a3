// Everything a local node runs — its agent, the agent's supervisors, their
// containers — lives in one freezer cgroup, `freezer/hale-nodes/<id>`.
// Membership is inherited and nothing leaves it by setsid or double fork,
// so `power-off` is exact: freeze the group (no process can fork or act
// any more), SIGKILL every member, thaw, wait until it is empty. That is a
// machine losing power, for one node. (Containers' memory/cpu/pids limits
// use the other hierarchies, so they do not disturb this one.)

import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FREEZER = '/sys/fs/cgroup/freezer';

export function nodeCgroup(id: string): string {
  return join(FREEZER, 'hale-nodes', id);
}

export async function ensureNodeCgroup(id: string): Promise<string> {
  const dir = nodeCgroup(id);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function members(dir: string): Promise<number[]> {
  try {
    return (await readFile(join(dir, 'cgroup.procs'), 'utf8')).split('\n').filter((l) => l).map(Number);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function nodeRunning(id: string): Promise<boolean> {
  return (await members(nodeCgroup(id))).length > 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Kills every process of the node at once. Returns how many there were. */
export async function killNode(id: string): Promise<number> {
  const dir = nodeCgroup(id);
  if ((await members(dir)).length === 0) return 0;
  await writeFile(join(dir, 'freezer.state'), 'FROZEN');
  for (let i = 0; i < 200 && (await readFile(join(dir, 'freezer.state'), 'utf8')).trim() !== 'FROZEN'; i++) await sleep(10);
  let killed = 0;
  for (const pid of await members(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  await writeFile(join(dir, 'freezer.state'), 'THAWED');
  for (let i = 0; i < 500 && (await members(dir)).length > 0; i++) await sleep(10);
  return killed;
}

/** Removes the node's cgroup, and the `hale-nodes` parent once no node is left. */
export async function removeNodeCgroup(id: string): Promise<void> {
  for (const dir of [nodeCgroup(id), join(FREEZER, 'hale-nodes')]) {
    await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT' && err.code !== 'EBUSY' && err.code !== 'ENOTEMPTY') throw err;
    });
  }
}
