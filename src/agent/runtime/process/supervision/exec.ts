// Runs a command inside a running container through `hale-supervisor exec`
// (enters the container's namespaces): exec probes and preStop hooks.
// Output is capped; a timeout kills the command's process group.

import { spawn } from 'node:child_process';

export interface ExecInOptions {
  binary: string;
  pid: number;
  argv: string[];
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
  cwd?: string;
  timeoutMs: number;
  maxOutputBytes?: number;
}

export interface ExecInResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

export function execIn(o: ExecInOptions): Promise<ExecInResult> {
  const args = ['exec', '--pid', String(o.pid), '--timeout-ms', String(Math.max(1, Math.round(o.timeoutMs)))];
  if (o.uid !== undefined) args.push('--uid', String(o.uid));
  if (o.gid !== undefined) args.push('--gid', String(o.gid));
  if (o.cwd) args.push('--cwd', o.cwd);
  for (const [k, v] of Object.entries(o.env ?? {})) args.push('--env', `${k}=${v}`);
  args.push('--', ...o.argv);
  const cap = o.maxOutputBytes ?? 10 * 1024;
  return new Promise((resolve, reject) => {
    const p = spawn(o.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    p.stdout.on('data', (d: Buffer) => {
      if (outLen < cap) out.push(d.subarray(0, cap - outLen));
      outLen += d.length;
    });
    p.stderr.on('data', (d: Buffer) => {
      if (errLen < cap) err.push(d.subarray(0, cap - errLen));
      errLen += d.length;
    });
    p.on('error', reject);
    p.on('close', (code, signal) => {
      const exitCode = code ?? (signal ? 128 : 1);
      resolve({ exitCode, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut: exitCode === 124 });
    });
  });
}
