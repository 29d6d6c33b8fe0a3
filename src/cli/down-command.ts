// `hale down`: stops every process hale started under a data dir, found by its
// pidfiles; SIGTERM first, SIGKILL after a grace period. Idempotent.

import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isAlive, readPid } from './pidfile.js';

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

export async function runDown(dir: string): Promise<void> {
  const dataDir = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(dataDir)).filter((n) => n.endsWith('.pid'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stdout.write(`nothing to stop: ${dataDir} does not exist\n`);
      return;
    }
    throw err;
  }
  let stopped = 0;
  for (const name of names) {
    const file = join(dataDir, name);
    const pid = await readPid(file);
    if (pid !== undefined && isAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitGone(pid, 15_000))) {
        process.kill(pid, 'SIGKILL');
        await waitGone(pid, 5_000);
      }
      stopped++;
      process.stdout.write(`stopped ${name.replace(/\.pid$/, '')} (pid ${pid})\n`);
    }
    await rm(file, { force: true });
  }
  if (stopped === 0) process.stdout.write('nothing running\n');
}
