// Runs one external program (a CNI plugin, `ip`) to completion: optional stdin,
// a chosen environment, a hard timeout; returns its exit status and output
// instead of throwing on a non-zero exit, because for CNI a non-zero exit with
// an error document on stdout is a normal, typed answer.
//
// Invariants: the child is always reaped; on timeout it gets SIGKILL (a hung
// plugin must not wedge pod setup forever) and the result says `timedOut`.
// A program that cannot be started at all (ENOENT, EACCES) rejects.

import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { BACKGROUND_NICE, isBackground } from './background.js';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

export interface RunOptions {
  /** written to stdin, which is then closed */
  input?: string;
  /** the complete environment of the child (not merged with process.env) */
  env?: NodeJS.ProcessEnv;
  /** default 60 s */
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function runCommand(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    if (isBackground() && child.pid !== undefined) lowerPriority(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // EPIPE on stdin when the program exits without reading it (e.g. `ip`) is
    // harmless: the exit status and output still tell what happened.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Directories searched for system tools besides $PATH: root's sbin dirs are often missing from a service's PATH. */
export const SYSTEM_BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The absolute path of an executable named `name` on $PATH or in the system dirs, or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(':').filter((d) => d.startsWith('/')), ...SYSTEM_BIN_DIRS];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') return false;
    throw err;
  }
}

/** Background work yields the CPU to pod starts; a command that already exited (ESRCH) needs nothing. */
function lowerPriority(pid: number): void {
  try {
    setPriority(pid, BACKGROUND_NICE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
