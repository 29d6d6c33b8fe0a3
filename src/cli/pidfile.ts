// Pidfiles in the data dir: refuse to start a second server on one data dir,
// and find what to stop for `hale down`.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readPid(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function checkNotRunning(dataDir: string, name: string): Promise<void> {
  const file = join(dataDir, name);
  const pid = await readPid(file);
  if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
    throw new Error(`another hale process (pid ${pid}) is already running with data dir ${dataDir}; stop it with \`hale down --data-dir ${dataDir}\``);
  }
  if (pid !== undefined) await rm(file, { force: true });
}
