// Thin wrapper over iproute2's `ip`: run it (optionally inside a named network
// namespace with `ip -n`), read its JSON output (`ip -j`), and turn a failure
// into an `IpCommandError` carrying argv, exit code and stderr.
//
// Invariant: every change hale makes to links, routes and namespaces goes
// through here, so each failure names the exact command that failed.

import { findExecutable, runCommand } from './run-command.js';

export class IpCommandError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(f: { argv: readonly string[]; exitCode: number | null; stderr: string }) {
    super(`${f.argv.join(' ')} failed (exit ${f.exitCode ?? 'signal'}): ${f.stderr.trim()}`);
    this.name = 'IpCommandError';
    this.argv = f.argv;
    this.exitCode = f.exitCode;
    this.stderr = f.stderr;
  }
}

export interface IpOptions {
  /** run in this named network namespace (`ip -n <name>`); default: the caller's own */
  netns?: string;
  timeoutMs?: number;
}

let cachedIp: string | undefined;

/** Absolute path of `ip`, or undefined when iproute2 is not installed. */
export function findIp(): string | undefined {
  cachedIp ??= findExecutable('ip');
  return cachedIp;
}

export async function runIp(args: readonly string[], opts: IpOptions = {}): Promise<string> {
  const ip = findIp();
  const argv = [...(opts.netns ? ['-n', opts.netns] : []), ...args];
  if (!ip) throw new IpCommandError({ argv: ['ip', ...argv], exitCode: null, stderr: 'iproute2 is not installed (Debian package iproute2)' });
  const r = await runCommand(ip, argv, { timeoutMs: opts.timeoutMs ?? 30_000 });
  if (r.code !== 0) throw new IpCommandError({ argv: ['ip', ...argv], exitCode: r.code, stderr: r.timedOut ? 'timed out' : r.stderr });
  return r.stdout;
}

/** `ip -j <args>` parsed; iproute2 prints nothing at all (not `[]`) for some empty answers. */
export async function runIpJson<T>(args: readonly string[], opts: IpOptions = {}): Promise<T[]> {
  const out = (await runIp(['-j', ...args], opts)).trim();
  if (out === '') return [];
  return JSON.parse(out) as T[];
}
