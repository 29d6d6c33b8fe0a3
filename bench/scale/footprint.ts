// What the control plane costs at a given size: the server process's resident
// memory (VmRSS, and its peak VmHWM) and the datastore's size on disk (the
// SQLite file with its WAL).

import { readFileSync, statSync } from 'node:fs';

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

export function rssMiB(pid: number): { rss: number; peak: number } {
  return { rss: statusKb(pid, 'VmRSS') / 1024, peak: statusKb(pid, 'VmHWM') / 1024 };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** MiB of the SQLite store under `dataDir` (state.db, -wal, -shm). */
export function storeMiB(dataDir: string): number {
  const db = `${dataDir}/state.db`;
  return (sizeOf(db) + sizeOf(`${db}-wal`) + sizeOf(`${db}-shm`)) / 2 ** 20;
}

/** CPU seconds (user + system) a process has used, and of those its main thread's. */
export function cpuSeconds(pid: number): { process: number; main: number } {
  const ticks = (path: string): number => {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  return { process: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
}
