// Pidfiles in the data dir. Each records the pid and the process's start time
// (from /proc), so a stale pidfile whose pid the kernel has since given to an
// unrelated process is recognised and that process is never signalled.

import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';

export interface PidRecord {
  pid: number;
  /** clock ticks since boot when the process started; undefined where /proc is unavailable */
  start: number | undefined;
}

export function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesised command name, which may contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(rest[19]);
    return Number.isFinite(v) ? v : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the process this record names still running (and still the same process)? */
export function isRunning(rec: PidRecord): boolean {
  if (!signalable(rec.pid)) return false;
  if (rec.start === undefined) return true;
  const now = processStart(rec.pid);
  return now === undefined || now === rec.start;
}

export async function writePidfile(file: string, pid = process.pid): Promise<void> {
  await writeFile(file, `${pid} ${processStart(pid) ?? ''}\n`.replace(' \n', '\n'));
}

export async function readPidfile(file: string): Promise<PidRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const [p, s] = text.trim().split(/\s+/);
  const pid = Number(p);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const start = s === undefined || s === '' ? undefined : Number(s);
  return { pid, start: Number.isFinite(start) ? start : undefined };
}

/** Refuses to start when another live process owns `file`; clears a stale one. */
export async function checkNotRunning(file: string, what: string): Promise<void> {
  const rec = await readPidfile(file);
  if (rec && rec.pid !== process.pid && isRunning(rec)) {
    throw new Error(`another hale process (pid ${rec.pid}) is already running with ${what}`);
  }
  if (rec) await rm(file, { force: true });
}
