// Starting and watching hale-supervisor processes. A container started here
// is the supervisor's child, not ours: the supervisor runs in its own
// session (detached) so the container outlives the agent. Its exit is seen
// at once while we are its parent (the process 'exit' event), and through
// fs.watch on its state file after an agent restart, with a slow liveness
// check as the safety net. Signals go to a supervisor only after its
// /proc start time matched the one it recorded, so a reused PID is never hit.

import { spawn } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processStart } from '../../../../lib/pidfile/pidfile.js';
import { encodeSpec, type SupervisorSpec } from './spec.js';

export interface RunningState {
  supervisorPid: number;
  supervisorStart: number;
  pid: number;
  startedAt: Date;
}

export interface ExitState extends RunningState {
  /** the supervisor vanished without recording the exit: the container's fate is unknown */
  lost?: boolean;
  exitCode: number;
  signal: number;
  finishedAt: Date;
  oomKilled: boolean;
  fenced: boolean;
  startError?: string;
}

export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

export interface Started {
  supervisorPid: number;
  pid: number;
  startedAt: Date;
  /** resolves with the final state once the container exited */
  exited: Promise<ExitState>;
}

/** dist/bin/hale-supervisor, built by `npm run build` (supervisor/build.sh). */
export function supervisorBinary(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../../../bin/hale-supervisor');
}

const nsToDate = (ns: string | undefined): Date => new Date(Number(BigInt(ns ?? '0') / 1_000_000n));

function parseState(text: string): RunningState | ExitState | undefined {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (!kv.has('supervisorPid')) return undefined;
  const base: RunningState = {
    supervisorPid: Number(kv.get('supervisorPid')),
    supervisorStart: Number(kv.get('supervisorStart') ?? 0),
    pid: Number(kv.get('pid') ?? 0),
    startedAt: nsToDate(kv.get('startedAt')),
  };
  if (!kv.has('exitCode')) return base;
  const exit: ExitState = {
    ...base,
    exitCode: Number(kv.get('exitCode')),
    signal: Number(kv.get('signal') ?? 0),
    finishedAt: nsToDate(kv.get('finishedAt')),
    oomKilled: kv.get('oomKilled') === '1',
    fenced: kv.get('fenced') === '1',
  };
  const se = kv.get('startError');
  if (se) exit.startError = se;
  return exit;
}

export function isExit(s: RunningState | ExitState | undefined): s is ExitState {
  return s !== undefined && 'exitCode' in s;
}

export async function readState(dir: string): Promise<RunningState | ExitState | undefined> {
  try {
    return parseState(await readFile(join(dir, 'state'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The supervisor is alive and is the process that wrote the state (not a reused PID). */
export function supervisorAlive(s: RunningState): boolean {
  const start = processStart(s.supervisorPid);
  return start !== undefined && (s.supervisorStart === 0 || start === s.supervisorStart);
}

export async function startSupervised(spec: SupervisorSpec, opts: { binary: string }): Promise<Started> {
  const specPath = join(spec.dir, 'spec');
  await writeFile(specPath, encodeSpec(spec), { mode: 0o600 });
  const child = spawn(opts.binary, ['run', specPath], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const exitedOnce = new Promise<void>((r) => child.once('exit', () => r()));
  const line = await new Promise<string>((resolveLine, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolveLine(buf.slice(0, nl));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!buf.includes('\n')) reject(new Error(`hale-supervisor exited (${code}) before it reported: ${buf.trim() || 'no output'}`));
    });
  });
  child.stdout!.destroy();
  child.unref();
  if (line.startsWith('error ')) {
    await exitedOnce;
    throw new StartError(line.slice('error '.length));
  }
  const m = /^started (\d+) (\d+)$/.exec(line);
  if (!m) throw new Error(`hale-supervisor: unexpected report ${JSON.stringify(line)}`);
  const supervisorPid = child.pid!;
  const exited = exitedOnce.then(async () => {
    const s = await readState(spec.dir);
    if (isExit(s)) return s;
    // Killed itself (SIGKILL, OOM) before recording: its container died with it (parent-death signal).
    return { supervisorPid, supervisorStart: s?.supervisorStart ?? 0, pid: Number(m[1]), startedAt: nsToDate(m[2]), lost: true, exitCode: 137, signal: 9, finishedAt: new Date(), oomKilled: false, fenced: false };
  });
  return { supervisorPid, pid: Number(m[1]), startedAt: nsToDate(m[2]), exited };
}

/**
 * The final state of a container whose supervisor is not our child (after an
 * agent restart): the state file's rename wakes fs.watch; a liveness check
 * every `checkMs` covers a missed event and a supervisor that died without
 * writing (then exitCode 137, reason unknown).
 */
export function watchExit(dir: string, supervisorPid: number, checkMs = 2000): Promise<ExitState> {
  return new Promise((resolveExit) => {
    let done = false;
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (s: ExitState): void => {
      if (done) return;
      done = true;
      watcher?.close();
      if (timer) clearInterval(timer);
      resolveExit(s);
    };
    const check = async (): Promise<void> => {
      const s = await readState(dir);
      if (isExit(s)) return finish(s);
      if (s && !supervisorAlive(s)) {
        // It may have recorded the exit between our two reads: look once more before calling it lost.
        const again = await readState(dir);
        if (isExit(again)) return finish(again);
        finish({ ...s, lost: true, exitCode: 137, signal: 9, finishedAt: new Date(), oomKilled: false, fenced: false });
      }
      if (!s && processStart(supervisorPid) === undefined) {
        finish({ supervisorPid, supervisorStart: 0, pid: 0, startedAt: new Date(0), lost: true, exitCode: 137, signal: 9, finishedAt: new Date(), oomKilled: false, fenced: false });
      }
    };
    const onErr = (err: unknown): void => {
      void err; // a read racing the rename: the next event or check reads it again
    };
    watcher = watch(dir, () => void check().catch(onErr));
    timer = setInterval(() => void check().catch(onErr), checkMs);
    timer.unref();
    void check().catch(onErr);
  });
}

async function signalChecked(dir: string | undefined, supervisorPid: number, sig: NodeJS.Signals): Promise<boolean> {
  if (dir) {
    // Only a supervisor that is alive, still running its container, and provably the one that wrote
    // the state (same /proc start time) is signalled: never a process that reused its PID.
    const s = await readState(dir);
    if (!s || isExit(s) || s.supervisorStart === 0 || !supervisorAlive(s) || s.supervisorPid !== supervisorPid) return false;
  }
  try {
    process.kill(supervisorPid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** SIGTERM to the container (its process group; in a PID namespace, through its init). */
export function signalStop(supervisorPid: number, dir?: string): Promise<boolean> {
  return signalChecked(dir, supervisorPid, 'SIGTERM');
}

/** SIGKILL to the whole container. */
export function signalKill(supervisorPid: number, dir?: string): Promise<boolean> {
  return signalChecked(dir, supervisorPid, 'SIGUSR1');
}

/** Hands the supervisor a new fencing deadline (CLOCK_MONOTONIC ns; 0 clears it). */
export async function writeDeadline(dir: string, supervisorPid: number, monotonicNs: bigint): Promise<void> {
  const p = join(dir, 'deadline');
  await writeFile(`${p}.tmp`, monotonicNs.toString());
  await rename(`${p}.tmp`, p);
  await signalChecked(dir, supervisorPid, 'SIGHUP');
}
