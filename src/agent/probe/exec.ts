// exec probe (pkg/probe/exec/exec.go with the CRI ExecSync path of
// remote_runtime.go): the command runs inside the container through the
// runtime; exit 0 is success. The output (stdout then stderr, at most
// 10 KiB) is the event text on failure: the kubelet does not add "exited
// with N" (that text lives in an error value the prober drops). A timeout is
// a failure whose output is `command "<argv joined by spaces>" timed out`.
// A runtime that cannot run the command at all makes the attempt unknown.

import type { ProbeResult } from './probe-result.js';
import { goQuote } from './go-errors.js';

export interface ExecRunResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

export type ExecRunner = (argv: string[], timeoutMs: number) => Promise<ExecRunResult>;

export interface ExecProbeOptions {
  run: ExecRunner;
  argv: string[];
  timeoutMs: number;
}

/** The kubelet keeps at most 10 KiB of a probe's output (maxReadLength). */
export const MAX_PROBE_OUTPUT_BYTES = 10 * 1024;

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, max: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

export function execTimedOutMessage(argv: string[]): string {
  return `command ${goQuote(argv.join(' '))} timed out`;
}

export async function exec(o: ExecProbeOptions): Promise<ProbeResult> {
  let r: ExecRunResult;
  try {
    r = await o.run(o.argv, o.timeoutMs);
  } catch (err) {
    // The runtime could not exec at all (container gone, no such binary in a
    // runtime that reports it as an error): the kubelet's probe.Unknown + error.
    return { result: 'unknown', output: err instanceof Error ? err.message : String(err) };
  }
  if (r.timedOut) return { result: 'failure', output: execTimedOutMessage(o.argv) };
  const output = truncateUtf8(r.output, MAX_PROBE_OUTPUT_BYTES);
  return r.exitCode === 0 ? { result: 'success', output } : { result: 'failure', output };
}
