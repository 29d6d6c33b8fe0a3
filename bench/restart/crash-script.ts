// The crashing program every restart bench runs, and the reading of what it
// wrote. It appends `start <ns>` when it begins and `exit <ns>` just before
// it exits with code 1, 50 ms later, both stamped with the wall clock in
// nanoseconds (performance.timeOrigin + performance.now(), so the stamps of
// different processes compare). One stamp file per supervised program:
// restart latency = a `start` minus the `exit` before it, measured inside the
// program, so every supervisor is measured the same way, Node start-up
// included.

import { readFile } from 'node:fs/promises';
import { DEFAULT_PATH } from '../../src/agent/pods/container-config.js';

/**
 * The environment every side runs the script with: what a hale container
 * gets (PATH, HOME; HOSTNAME is the pod's). Not this process's: a variable
 * such as NODE_EXTRA_CA_CERTS (set on the machines these benches run on)
 * costs every Node start-up tens of ms, and a hale container never inherits
 * it, so PM2 and the floor must not either, or the comparison measures the
 * environment instead of the supervisor.
 */
export const SCRIPT_ENV: Record<string, string> = { PATH: DEFAULT_PATH, HOME: '/root' };

/** CommonJS (`.cjs`): PM2's fork mode loads the script with require(). argv[2] = the stamp file. */
export const CRASH_SCRIPT = `'use strict';
const { appendFileSync } = require('node:fs');
const stamps = process.argv[2];
const ns = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
appendFileSync(stamps, 'start ' + ns() + '\\n');
setTimeout(() => {
  appendFileSync(stamps, 'exit ' + ns() + '\\n');
  process.exit(1);
}, 50);
`;

export interface Stamp {
  kind: 'start' | 'exit';
  ns: bigint;
}

export interface Restart {
  /** the previous instance's exit stamp, wall ms */
  exitMs: number;
  /** the next instance's start stamp, wall ms */
  startMs: number;
  /** startMs − exitMs, computed in integer ns */
  gapMs: number;
}

/** Wall-clock ms (µs precision) of a ns stamp; exact, unlike Number(ns) / 1e6. */
export const nsToMs = (ns: bigint): number => Number(ns / 1000n) / 1000;

/** A file's text, or '' when it does not exist (yet). */
export async function readIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return '';
  }
}

export async function readStamps(file: string): Promise<Stamp[]> {
  const text = await readIfExists(file);
  const out: Stamp[] = [];
  for (const line of text.split('\n')) {
    const m = /^(start|exit) (\d+)$/.exec(line);
    if (m) out.push({ kind: m[1] as 'start' | 'exit', ns: BigInt(m[2]!) });
  }
  return out;
}

/** Every exit → next start pair, in order. */
export function restarts(stamps: Stamp[]): Restart[] {
  const out: Restart[] = [];
  let exit: bigint | undefined;
  for (const s of stamps) {
    if (s.kind === 'exit') exit = s.ns;
    else if (exit !== undefined) {
      out.push({ exitMs: nsToMs(exit), startMs: nsToMs(s.ns), gapMs: Number(s.ns - exit) / 1e6 });
      exit = undefined;
    }
  }
  return out;
}
