// Finds the host pids of container processes by a marker in their command
// line (containers are ordinary processes here), so a test can kill one the
// way a crash would. Markers are unique per test file.

import { readdir, readFile } from 'node:fs/promises';

export async function pidsWithArg(arg: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (argv.includes(arg)) pids.push(Number(entry));
    } catch (err) {
      // The process ended between readdir and read: not ours to report.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  return pids;
}
