// `hale down`: stops every process hale started under a data dir, found by its
// pidfiles; SIGTERM first, SIGKILL after a grace period. Idempotent.

import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isRunning, readPidfile, type PidRecord } from '../lib/pidfile/pidfile.js';

async function waitGone(rec: PidRecord, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isRunning(rec)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isRunning(rec);
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
    const rec = await readPidfile(file);
    if (rec !== undefined && isRunning(rec)) {
      process.kill(rec.pid, 'SIGTERM');
      if (!(await waitGone(rec, 15_000))) {
        process.kill(rec.pid, 'SIGKILL');
        await waitGone(rec, 5_000);
      }
      stopped++;
      process.stdout.write(`stopped ${name.replace(/\.pid$/, '')} (pid ${rec.pid})\n`);
    }
    await rm(file, { force: true });
  }
  if (stopped === 0) process.stdout.write('nothing running\n');
}
