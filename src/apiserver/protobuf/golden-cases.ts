// Test-only access to testdata/: the kubectl commands whose protobuf bodies
// were captured, the bodies themselves and their `--dry-run=client -o json`
// output (see testdata/README.md). Used by the unit tests here and by
// test/e2e/kubectl-create.test.ts, so both run exactly the same commands.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixtures stay in the source tree: from dist/src/apiserver/protobuf back to src/apiserver/protobuf. */
export const TESTDATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../src/apiserver/protobuf/testdata');

export interface GoldenCase {
  name: string;
  apiVersion: string;
  kind: string;
  /** kubectl arguments, `{testdata}` already replaced by TESTDATA */
  args: string[];
  /** protobuf: decoded by hale; json: kubectl sends JSON; unsupported: protobuf of a kind hale refuses (415) */
  sends: 'protobuf' | 'json' | 'unsupported';
}

interface RawCase {
  name: string;
  apiVersion: string;
  kind: string;
  args: string[];
  sends?: 'json' | 'unsupported';
}

export function goldenCases(): GoldenCase[] {
  const raw = JSON.parse(readFileSync(resolve(TESTDATA, 'cases.json'), 'utf8')) as RawCase[];
  return raw.map((c) => ({
    name: c.name,
    apiVersion: c.apiVersion,
    kind: c.kind,
    args: c.args.map((a) => a.replaceAll('{testdata}', TESTDATA)),
    sends: c.sends ?? 'protobuf',
  }));
}

/** The captured request body (hex, whitespace ignored). */
export function goldenBody(name: string): Buffer {
  return Buffer.from(readFileSync(resolve(TESTDATA, `${name}.pb.hex`), 'utf8').replace(/\s+/g, ''), 'hex');
}

/** kubectl's `--dry-run=client -o json` output for the case. */
export function goldenDryRun(name: string): unknown {
  return JSON.parse(readFileSync(resolve(TESTDATA, `${name}.dry-run.json`), 'utf8'));
}

/** The same command printing its object instead of sending it: the flags go before any `--`. */
export function withDryRun(args: string[]): string[] {
  const flags = ['--dry-run=client', '-o', 'json'];
  const sep = args.indexOf('--');
  return sep < 0 ? [...args, ...flags] : [...args.slice(0, sep), ...flags, ...args.slice(sep)];
}
