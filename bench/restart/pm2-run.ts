// The peer: PM2 (the devDependency, its own CLI and daemon) restarting the
// crash script in fork mode, in a private PM2_HOME that is removed after.
//
// Settings, and why: restart_delay 0 (restart on the exit event, PM2's
// fastest); no exp_backoff_restart_delay (PM2's back-off off); autorestart
// true; max_restarts 1,000,000 with min_uptime 100 ms (the schema's minimum):
// PM2 counts an exit within min_uptime as an unstable restart and stops the
// app after max_restarts of them (default 16) — a count only, it adds no
// delay, and a million is never reached here. The CLI, hence the daemon,
// hence the app, get SCRIPT_ENV (see crash-script.ts) plus PM2_HOME.

import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processCommand } from '../support/process.js';
import { sleep, waitFor } from '../support/time.js';
import { SCRIPT_ENV, readStamps, restarts, type Restart } from './crash-script.js';

const run = promisify(execFile);

export interface Pm2Options {
  /** the repository root (node_modules/.bin/pm2 lives there) */
  root: string;
  /** a private scratch dir; PM2_HOME goes under it */
  dir: string;
  script: string;
  count: number;
}

export interface Pm2Result {
  version: string;
  restarts: Restart[];
  settings: string;
}

export const PM2_SETTINGS = { restart_delay: 0, autorestart: true, max_restarts: 1_000_000, min_uptime: 100 };

async function pidsUnder(home: string): Promise<number[]> {
  const files = [join(home, 'pm2.pid')];
  try {
    for (const f of await readdir(join(home, 'pids'))) files.push(join(home, 'pids', f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const out: number[] = [];
  for (const f of files) {
    const n = Number((await readFile(f, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

export async function pm2Restarts(o: Pm2Options): Promise<Pm2Result> {
  const bin = join(o.root, 'node_modules/.bin/pm2');
  const version = (JSON.parse(await readFile(join(o.root, 'node_modules/pm2/package.json'), 'utf8')) as { version: string }).version;
  const home = join(o.dir, 'pm2-home');
  // The daemon passes its environment on to the app: start it with the script's environment, not ours.
  const env = { ...SCRIPT_ENV, PM2_HOME: home };
  const stamps = join(o.dir, 'pm2.stamps');
  const eco = join(o.dir, 'pm2-ecosystem.json');
  await writeFile(eco, JSON.stringify({ apps: [{ name: 'crash', script: o.script, args: [stamps], exec_mode: 'fork', ...PM2_SETTINGS }] }));
  let pids: number[] = [];
  try {
    await run(bin, ['start', eco], { env });
    await waitFor(async () => ((restarts(await readStamps(stamps))).length >= o.count ? true : undefined), o.count * 2000, 50);
  } finally {
    pids = await pidsUnder(home);
    await run(bin, ['kill'], { env }).catch((err: unknown) => process.stderr.write(`pm2 kill failed: ${String(err)}\n`));
    // Only the daemon and the app of this run (pid files in our PM2_HOME, titles naming our PM2_HOME or our script) are
    // checked and, if need be, killed: a pid reused by someone else is left alone.
    const ours = (pid: number): boolean => {
      const cmd = processCommand(pid);
      return cmd !== undefined && (cmd.includes(home) || cmd.includes(o.script));
    };
    for (let i = 0; i < 50 && pids.some(ours); i++) await sleep(100);
    for (const p of pids.filter(ours)) process.kill(p, 'SIGKILL');
    await rm(home, { recursive: true, force: true });
  }
  const settings = Object.entries(PM2_SETTINGS).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  return { version, restarts: restarts(await readStamps(stamps)).slice(0, o.count), settings };
}
