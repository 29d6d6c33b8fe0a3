// The floor: the least a supervisor can do — this process spawns
// `node crash.cjs` again from the child's 'exit' event, nothing else. What a
// restart costs here is process teardown, the exit notification and Node's
// own start-up; anything PM2 or hale measure above it is theirs.

import { spawn } from 'node:child_process';
import { wallMs } from '../support/time.js';
import { SCRIPT_ENV, readStamps, restarts, type Restart } from './crash-script.js';

export interface NaiveSample extends Restart {
  /** exit stamp → this process saw the 'exit' event (teardown + SIGCHLD) */
  noticedMs: number;
  /** 'exit' event → spawn() returned (libuv forked this process, the child exec'd node) */
  spawnMs: number;
  /** spawn() returned → the new instance's start stamp (Node start-up) */
  nodeMs: number;
}

export async function naiveRestarts(o: { script: string; stamps: string; count: number }): Promise<NaiveSample[]> {
  const seen: number[] = [];
  const spawned: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const go = (): void => {
      const child = spawn(process.execPath, [o.script, o.stamps], { stdio: 'ignore', env: SCRIPT_ENV });
      spawned.push(wallMs());
      child.once('error', reject);
      child.once('exit', () => {
        seen.push(wallMs());
        if (seen.length > o.count) resolve();
        else go();
      });
    };
    go();
  });
  return restarts(await readStamps(o.stamps))
    .slice(0, o.count)
    .map((r, i) => ({ ...r, noticedMs: seen[i]! - r.exitMs, spawnMs: spawned[i + 1]! - seen[i]!, nodeMs: r.startMs - spawned[i + 1]! }));
}
