// A lock between hale processes sharing a data directory, so two servers
// starting at once do not each mint a CA (the second rename would leave the
// first holding a serving cert the on-disk CA never signed). mkdir is atomic
// on every local filesystem: whoever creates `<dir>/.lock` holds it.
// A lock left by a crashed process is taken over once it is `staleMs` old
// (holders keep it for milliseconds: key generation and a few small writes).
// Times here are the filesystem's, so they use the real clock on purpose.

import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DirLockOptions {
  /** a lock older than this is from a dead process; default 60 s */
  staleMs?: number;
  /** give up waiting after this long; default 30 s */
  timeoutMs?: number;
  /** between attempts; default 25 ms */
  pollMs?: number;
}

async function ageMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function withDirLock<T>(dir: string, fn: () => Promise<T>, opts: DirLockOptions = {}): Promise<T> {
  const lock = join(dir, '.lock');
  const staleMs = opts.staleMs ?? 60_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const age = await ageMs(lock);
    if (age !== undefined && age > staleMs) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${lock} is held by another hale process; remove it if none is running`);
    await sleep(opts.pollMs ?? 25);
  }
  try {
    await writeFile(join(lock, 'owner'), `${process.pid}\n`);
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
