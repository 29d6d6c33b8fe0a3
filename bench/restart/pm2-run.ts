// The peer: PM2 (the devDependency, its own CLI and daemon) restarting the
// crash script in fork mode, in a private PM2_HOME that close() removes with
// the daemon. Rounds: each collect() starts the app (its own stamp file),
// waits for N restarts and deletes the app again, so PM2 can be measured in
// turns with hale while the daemon stays up.
//
// Settings, and why: restart_delay 0 (restart on the exit event, PM2's
// fastest); no exp_backoff_restart_delay (PM2's back-off off); autorestart
// true; max_restarts 1,000,000 with min_uptime 100 ms (the schema's minimum):
// PM2 counts an exit within min_uptime as an unstable restart and stops the
// app after max_restarts of them (default 16) — a count only, it adds no
// delay, and a million is never reached here. pmx: PM2's default (true)
// loads its @pm2/io agent into the app before the script; false is PM2's
// fastest start. The CLI, hence the daemon, hence the app, get SCRIPT_ENV
// (see crash-script.ts) plus PM2_HOME.

import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processCommand } from '../support/process.js';
import { sleep, waitFor } from '../support/time.js';
import { SCRIPT_ENV, readIfExists, readStamps, restarts, type Restart } from './crash-script.js';

const run = promisify(execFile);

export const PM2_SETTINGS = { restart_delay: 0, autorestart: true, max_restarts: 1_000_000, min_uptime: 100 };

export interface Pm2SessionOptions {
  /** the repository root (node_modules/.bin/pm2 lives there) */
  root: string;
  /** a private scratch dir; PM2_HOME and the stamp files go under it */
  dir: string;
  script: string;
}

export class Pm2Session {
  private readonly o: Pm2SessionOptions;
  private readonly home: string;
  private readonly env: Record<string, string>;
  private readonly bin: string;
  private readonly pids = new Set<number>();
  private rounds = 0;
  private closed = false;

  constructor(o: Pm2SessionOptions) {
    this.o = o;
    this.home = join(o.dir, 'pm2-home');
    // The daemon passes its environment on to the app: start it with the script's environment, not ours.
    this.env = { ...SCRIPT_ENV, PM2_HOME: this.home };
    this.bin = join(o.root, 'node_modules/.bin/pm2');
  }

  async version(): Promise<string> {
    return (JSON.parse(await readFile(join(this.o.root, 'node_modules/pm2/package.json'), 'utf8')) as { version: string }).version;
  }

  settings(): string {
    return Object.entries(PM2_SETTINGS).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  }

  /** Starts the app, collects `count` restarts, deletes the app. Fewer on a timeout. */
  async collect(count: number, pmx: boolean): Promise<Restart[]> {
    const round = this.rounds++;
    const name = `crash-${round}`;
    const stamps = join(this.o.dir, 'stamps', `pm2-${round}`);
    const eco = join(this.o.dir, `pm2-${round}.json`);
    await writeFile(eco, JSON.stringify({ apps: [{ name, script: this.o.script, args: [stamps], exec_mode: 'fork', ...PM2_SETTINGS, pmx }] }));
    try {
      await run(this.bin, ['start', eco], { env: this.env });
      await this.notePids();
      await waitFor(async () => (restarts(await readStamps(stamps)).length >= count ? true : undefined), count * 2000, 20);
    } finally {
      await this.notePids();
      await run(this.bin, ['delete', name], { env: this.env });
    }
    return restarts(await readStamps(stamps)).slice(0, count);
  }

  private async notePids(): Promise<void> {
    const files = [join(this.home, 'pm2.pid')];
    try {
      for (const f of await readdir(join(this.home, 'pids'))) files.push(join(this.home, 'pids', f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const f of files) {
      const n = Number((await readIfExists(f)).trim());
      if (Number.isInteger(n) && n > 0) this.pids.add(n);
    }
  }

  /** Idempotent: `pm2 kill`, then makes sure the daemon and apps it started are gone, and removes PM2_HOME. */
  async close(): Promise<void> {
    // `pm2 kill` without a daemon would start one (and make PM2_HOME) to kill it.
    if (this.closed || this.rounds === 0) return;
    this.closed = true;
    await this.notePids();
    await run(this.bin, ['kill'], { env: this.env }).catch((err: unknown) => process.stderr.write(`pm2 kill failed: ${String(err)}\n`));
    // Only pids from our PM2_HOME whose title still names our PM2_HOME or our script: a reused pid is left alone.
    const ours = (pid: number): boolean => {
      const cmd = processCommand(pid);
      return cmd !== undefined && (cmd.includes(this.home) || cmd.includes(this.o.script));
    };
    const pids = [...this.pids];
    for (let i = 0; i < 50 && pids.some(ours); i++) await sleep(100);
    for (const p of pids.filter(ours)) process.kill(p, 'SIGKILL');
    await rm(this.home, { recursive: true, force: true });
  }
}
