// `npm test`: every test file of the build, in two lanes running at once.
//
// - the "host" lane: files that start a `hale up` (they use support/cluster.ts,
//   or run `up` themselves) or make network namespaces and routes on the host
//   themselves. A node agent holds its network namespace
//   (src/agent/netns-lock.ts), so two clusters can never overlap, and the
//   host's namespaces and routes are shared state: one file after another;
// - the other lane: unit tests, server-only and simulated-node scenarios,
//   one file after another.
//
// Each lane is one `node --test` (TAP); their lines are printed as they come,
// prefixed with the lane, and a combined summary closes the run. The exit
// code is non-zero when either lane failed.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = /support\/cluster\.js|command: 'up'|netns/;

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

interface Totals {
  tests: number;
  pass: number;
  fail: number;
}

function runLane(name: string, files: string[]): Promise<{ code: number; totals: Totals }> {
  const totals: Totals = { tests: 0, pass: 0, fail: 0 };
  if (files.length === 0) return Promise.resolve({ code: 0, totals });
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', ...files.map((f) => relative(process.cwd(), f))], { stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}] `;
  const print = (line: string): void => {
    process.stdout.write(`${prefix}${line}\n`);
    const m = /^# (tests|pass|fail) (\d+)$/.exec(line);
    if (m) totals[m[1] as keyof Totals] = Number(m[2]);
  };
  createInterface({ input: child.stdout! }).on('line', print);
  createInterface({ input: child.stderr! }).on('line', print);
  return new Promise((res) => child.on('close', (code, signal) => res({ code: code ?? (signal ? 1 : 0), totals })));
}

async function main(): Promise<void> {
  const files = ['test', 'bench', 'src'].flatMap((d) => testFiles(join(dist, d)));
  const host = files.filter((f) => HOST.test(readFileSync(f, 'utf8')));
  const rest = files.filter((f) => !host.includes(f));
  process.stdout.write(`# ${files.length} test files: ${host.length} on the host's network (one at a time), ${rest.length} others alongside\n`);
  const lanes = await Promise.all([runLane('host', host), runLane('other', rest)]);
  const sum = (k: keyof Totals): number => lanes.reduce((a, l) => a + l.totals[k], 0);
  process.stdout.write(`# tests ${sum('tests')}\n# pass ${sum('pass')}\n# fail ${sum('fail')}\n${sum('pass')} passed, ${sum('fail')} failed\n`);
  process.exitCode = lanes.some((l) => l.code !== 0) ? 1 : 0;
}

void main();
