// Runs one command of the `exec` provider: argv without a shell, in a process
// group of its own, with an environment, a timeout and capped, structured
// logging of its stdout and stderr.
//
// Invariants: exit 0 resolves; a non-zero exit, a signal or the timeout
// rejects with an Error naming the command, the exit code (or signal) and the
// last lines of stderr; on timeout (or `abort`) the WHOLE process group is
// killed, so a command that started helpers leaves none behind. Background
// processes of a command that exited 0 are left alone (they may be the
// machine), and the command's output pipes are let go shortly after its exit
// so such a helper holding them cannot hold the caller.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../../lib/log/log.js';
import { LineLogger, TailBuffer } from './output.js';

export interface RunCommandOptions {
  argv: readonly string[];
  env: Record<string, string>;
  timeoutMs: number;
  log: Logger;
  /** fields on every log line (op, node, pool) */
  fields: Record<string, unknown>;
  /** aborting kills the process group (SIGTERM, SIGKILL after `killGraceMs`) */
  signal?: AbortSignal;
  killGraceMs?: number;
}

function killGroup(pid: number, sig: NodeJS.Signals, log: Logger): void {
  try {
    process.kill(-pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') log.warn({ pid, err: String(err) }, 'could not signal the command');
  }
}

export function describeSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

export async function runCommand(o: RunCommandOptions): Promise<void> {
  const [file, ...args] = o.argv;
  if (!file) throw new Error('empty command');
  const tail = new TailBuffer(10, 300);
  const lines = new LineLogger(o.log, o.fields);
  const started = Date.now();
  const child = spawn(file, args, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = child.pid;
  createInterface({ input: child.stdout }).on('line', (l) => lines.line('stdout', l));
  createInterface({ input: child.stderr }).on('line', (l) => {
    tail.push(l);
    lines.line('stderr', l);
  });
  let why: 'timeout' | 'aborted' | undefined;
  const stop = (reason: 'timeout' | 'aborted', sig: NodeJS.Signals): void => {
    why ??= reason;
    if (pid !== undefined) killGroup(pid, sig, o.log);
  };
  const timer = setTimeout(() => stop('timeout', 'SIGKILL'), o.timeoutMs);
  let graceTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    stop('aborted', 'SIGTERM');
    graceTimer = setTimeout(() => stop('aborted', 'SIGKILL'), o.killGraceMs ?? 5000);
  };
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });

  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }>((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  if (graceTimer) clearTimeout(graceTimer);
  o.signal?.removeEventListener('abort', onAbort);
  // Let the last output arrive, but not wait for a background helper that inherited the pipes.
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      resolve();
    }, 500);
    child.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    if (child.stdout.closed && child.stderr.closed) {
      clearTimeout(t);
      resolve();
    }
  });
  const ms = Date.now() - started;
  const what = `command ${file}`;
  const stderr = tail.text();
  const suffix = stderr ? `: ${stderr}` : '';
  if ('error' in result) throw new Error(`${what} could not run: ${result.error.message}`);
  if (why === 'timeout') {
    o.log.warn({ ...o.fields, pid, ms }, 'command timed out; its process group was killed');
    throw new Error(`${what} ran longer than ${describeSeconds(o.timeoutMs)} and was killed${suffix}`);
  }
  if (why === 'aborted') throw new Error(`${what} was stopped: the provider is closing${suffix}`);
  if (result.code !== 0) {
    o.log.warn({ ...o.fields, pid, ms, code: result.code, signal: result.signal }, 'command failed');
    throw new Error(`${what} ${result.code !== null ? `exited with code ${result.code}` : `was killed by ${result.signal}`}${suffix}`);
  }
  o.log.info({ ...o.fields, pid, ms }, 'command succeeded');
}
