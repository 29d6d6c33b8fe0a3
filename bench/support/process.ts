// Whether a process a benchmark started is still there (and still the one it
// started), for checking that it cleaned up after itself.

import { readFileSync } from 'node:fs';

/** The pid's command line (NULs as spaces), or undefined when it is gone; guards against a reused pid. */
export function processCommand(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
    throw err;
  }
}
