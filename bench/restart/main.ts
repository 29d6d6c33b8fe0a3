// bench/restart: crash → new process latency, PM2 against hale, in one run, on
// the same crashing Node script (crash-script.ts: it stamps its start and its
// exit with the wall clock and exits 1 after 50 ms; latency = next start −
// previous exit, Node start-up included on every side).
//
// Rows: a floor (this process respawning node from the 'exit' event), PM2
// (restart_delay 0), and hale's first restart — the one its crash-loop
// back-off lets happen at once — in host mode and, as root, in isolated mode
// (netns + rootfs + PID namespace + cgroups). hale backs off after that
// (1 s, 2 s, 4 s … ±10 %), so the first restart is measured over many fresh
// pods, and one pod's later restarts are compared with the delay its back-off
// drew. Prints the tables and rewrites the restart section of
// docs/benchmarks.md. Goal: hale's median ≤ PM2's.
//
// Sizes: BENCH_NAIVE_RESTARTS, BENCH_PM2_RESTARTS, BENCH_HALE_PODS,
// BENCH_ISOLATED_PODS, BENCH_SCHEDULE_RESTARTS.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodNetwork } from '../../src/agent/runtime/process/network/pod-network.js';
import { runIpJson } from '../../src/agent/runtime/process/network/ip-command.js';
import { listNetns } from '../../src/agent/runtime/process/network/netns.js';
import { supervisorBinary } from '../../src/agent/runtime/process/supervision/supervisor.js';
import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';
import { summarize, table, type Summary } from '../support/stats.js';
import { CRASH_SCRIPT } from './crash-script.js';
import { HaleBench, type Breakdown, type HaleSample, type Mode, type ScheduleRow } from './hale-run.js';
import { naiveRestarts, type NaiveSample } from './naive-run.js';
import { pm2Restarts, type Pm2Result } from './pm2-run.js';
import { SpawnProbe } from './spawn-probe.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const count = (name: string, dflt: number): number => Number(process.env[name] ?? String(dflt));
const NAIVE = count('BENCH_NAIVE_RESTARTS', 50);
const PM2_N = count('BENCH_PM2_RESTARTS', 150);
const HOST_PODS = count('BENCH_HALE_PODS', 100);
const ISOLATED_PODS = count('BENCH_ISOLATED_PODS', 100);
const SCHEDULE = count('BENCH_SCHEDULE_RESTARTS', 6);
const BRIDGE = 'hbench0';
const POD_CIDR = '10.199.0.0/24';
const NETNS_PREFIX = 'hbench-';

const ROW = {
  naive: "reference: node respawned on 'exit' (no supervisor)",
  pm2: 'PM2 restart (restart_delay 0)',
  host: 'hale first restart (host mode)',
  isolated: 'hale first restart (isolated: netns + rootfs + pid ns)',
};

const stat = (xs: number[]): Summary => summarize(xs, 1);

/** Why isolated mode cannot run here, or undefined. Refuses a bridge or netns names it did not make. */
async function isolatedWhyNot(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root';
  const a = PodNetwork.available();
  if (!a.ok) return a.why;
  const links = await runIpJson<{ ifname: string }>(['link', 'show']);
  if (links.some((l) => l.ifname === BRIDGE)) return `a bridge named ${BRIDGE} exists already (not this bench's)`;
  const ns = await listNetns(NETNS_PREFIX);
  if (ns.length > 0) return `network namespaces named ${NETNS_PREFIX}* exist already (not this bench's): ${ns.join(', ')}`;
  return undefined;
}

interface HaleRun {
  mode: Mode;
  samples: HaleSample[];
  wanted: number;
  leftovers: string[];
}

async function haleFirstRestarts(mode: Mode, pods: number, o: { dir: string; script: string; probe: SpawnProbe; scope: string }): Promise<HaleRun> {
  const bench = new HaleBench({ mode, dir: o.dir, script: o.script, probe: o.probe, supervisorBinary: supervisorBinary(), bridge: BRIDGE, podCidr: POD_CIDR, netnsPrefix: NETNS_PREFIX, scope: o.scope });
  const samples: HaleSample[] = [];
  let leftovers: string[] = [];
  try {
    await bench.open();
    for (let i = 0; i < pods; i++) {
      const s = await bench.firstRestart(i);
      if (s) samples.push(s);
    }
  } finally {
    leftovers = await bench.close();
  }
  return { mode, samples, wanted: pods, leftovers };
}

async function haleSchedule(o: { dir: string; script: string; probe: SpawnProbe; scope: string }): Promise<{ rows: ScheduleRow[]; leftovers: string[] }> {
  const bench = new HaleBench({ mode: 'host', dir: o.dir, script: o.script, probe: o.probe, supervisorBinary: supervisorBinary(), scope: o.scope });
  let rows: ScheduleRow[] = [];
  let leftovers: string[] = [];
  try {
    await bench.open();
    rows = await bench.schedule(SCHEDULE);
  } finally {
    leftovers = await bench.close();
  }
  return { rows, leftovers };
}

const SEGMENTS: [keyof Breakdown, string][] = [
  ['reap', 'exit stamp → supervisor reaped it, wrote its state'],
  ['notice', '→ exit event at the pod worker (supervisor exit, SIGCHLD, state read, config.json, cgroup rmdir)'],
  ['sync', '→ runtime.startContainer (worker sync: back-off check, container config)'],
  ['prepare', '→ hale-supervisor spawned (container dir, cgroups, config.json, spec)'],
  ['supervisor', '→ supervisor forked the container (exec, spec, log file, PID ns)'],
  ['exec', '→ `started` report at the agent (cgroup join, setns, mounts, exec)'],
  ['node', '→ start stamp (Node start-up after the exec)'],
];

interface Results {
  naive: NaiveSample[];
  pm2: Pm2Result;
  hale: HaleRun[];
  isolatedSkipped?: string;
  schedule: ScheduleRow[];
  seconds: number;
}

function render(r: Results): { text: string; verdict: string } {
  const pm2 = stat(r.pm2.restarts.map((x) => x.gapMs));
  const row = (label: string, xs: number[], wanted: number, ratio: boolean): (string | number)[] => {
    const s = stat(xs);
    return [label, xs.length === wanted ? xs.length : `${xs.length} of ${wanted}`, s.p50ms, s.p99ms, ratio ? (s.p50ms / pm2.p50ms).toFixed(2) : ''];
  };
  const rows: (string | number)[][] = [[`${ROW.pm2.replace('PM2', `PM2 ${r.pm2.version}`)}`, r.pm2.restarts.length, pm2.p50ms, pm2.p99ms, '1.00']];
  for (const h of r.hale) rows.push(row(ROW[h.mode], h.samples.map((s) => s.gapMs), h.wanted, true));
  if (r.isolatedSkipped) rows.push([ROW.isolated, 0, '-', '-', `not run: ${r.isolatedSkipped}`]);
  rows.push(row(ROW.naive, r.naive.map((s) => s.gapMs), NAIVE, true));
  const main = table(['crash → new process', 'n', 'median ms', 'p99 ms', 'median / PM2'], rows);

  const heads = ['where a hale first restart spends its time (median ms per step)', ...r.hale.map((h) => h.mode)];
  const breakdown = table(heads, [
    ...SEGMENTS.map(([k, label]) => [label, ...r.hale.map((h) => stat(h.samples.map((s) => s.breakdown[k])).p50ms)]),
    ['total (median of the sums = the row above)', ...r.hale.map((h) => stat(h.samples.map((s) => s.gapMs)).p50ms)],
  ]);
  const nv = (k: 'noticedMs' | 'spawnToStartMs'): number => stat(r.naive.map((s) => s[k])).p50ms;
  const floorNote = `The floor splits into exit stamp → 'exit' event ${nv('noticedMs').toFixed(1)} ms and spawn → start stamp (Node start-up) ${nv('spawnToStartMs').toFixed(1)} ms (medians).`;

  const sched = table(
    ['restart', 'nominal back-off ms', 'drawn (±10 % jitter) ms', 'observed exit → start ms', 'overhead ms (observed − drawn)'],
    r.schedule.map((s) => [s.restart, s.nominalMs, s.drawnMs, s.gapMs, s.gapMs - s.drawnMs]),
  );

  const verdicts = r.hale.map((h) => {
    const m = stat(h.samples.map((s) => s.gapMs)).p50ms;
    return `${h.mode} ${m.toFixed(1)} ms ${m <= pm2.p50ms ? '≤' : '>'} PM2 ${pm2.p50ms.toFixed(1)} ms: ${m <= pm2.p50ms ? 'met' : 'NOT met'}`;
  });
  const verdict = `Goal (hale's median first restart ≤ PM2's median restart): ${verdicts.join('; ')}.`;
  const text = [
    main,
    floorNote,
    breakdown,
    `Later restarts of one pod (host mode) against the back-off delay CrashBackoff drew for each (1 s doubling, ±10 % jitter; the delay counts from the supervisor's exit time, so the overhead includes the reap):`,
    sched,
    verdict,
  ].join('\n\n');
  return { text, verdict };
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'hale-bench-restart-'));
  const script = join(dir, 'crash.cjs');
  await writeFile(script, CRASH_SCRIPT);
  await mkdir(join(dir, 'stamps'));
  const probe = new SpawnProbe(supervisorBinary());
  probe.install();
  // Supervisors are unref'd (an agent never waits on them): keep this process alive while it measures.
  const keepAlive = setInterval(() => undefined, 1000);
  const scope = `bench-restart-${process.pid}`;
  const o = { dir, script, probe, scope };
  const leftovers: string[] = [];
  try {
    process.stderr.write(`floor: ${NAIVE} restarts …\n`);
    const naive = await naiveRestarts({ script, stamps: join(dir, 'stamps', 'naive'), count: NAIVE });
    process.stderr.write(`PM2: ${PM2_N} restarts …\n`);
    const pm2 = await pm2Restarts({ root, dir, script, count: PM2_N });
    const hale: HaleRun[] = [];
    process.stderr.write(`hale host: ${HOST_PODS} pods …\n`);
    hale.push(await haleFirstRestarts('host', HOST_PODS, o));
    const why = await isolatedWhyNot();
    if (!why) {
      process.stderr.write(`hale isolated: ${ISOLATED_PODS} pods …\n`);
      hale.push(await haleFirstRestarts('isolated', ISOLATED_PODS, o));
    } else process.stderr.write(`hale isolated: skipped (${why})\n`);
    process.stderr.write(`hale back-off schedule: ${SCHEDULE} restarts of one pod …\n`);
    const sched = await haleSchedule(o);
    for (const h of hale) leftovers.push(...h.leftovers);
    leftovers.push(...sched.leftovers);
    const seconds = (performance.now() - started) / 1000;
    const results: Results = { naive, pm2, hale, schedule: sched.rows, seconds, ...(why ? { isolatedSkipped: why } : {}) };
    const { text } = render(results);
    process.stdout.write(`${text}\n`);
    if (leftovers.length > 0) process.stdout.write(`\nleft running after cleanup: ${leftovers.join(', ')}\n`);
    const intro =
      `\`npm run bench:restart\` — ${machineLine()}; ${seconds.toFixed(0)} s. ` +
      `One crashing Node script (stamps \`start\` and \`exit\` with the wall clock in ns, exits 1 after 50 ms) under PM2 ${pm2.version} ` +
      `(fork mode, own daemon, ${pm2.settings}) and under hale's pod worker + process runtime + crash back-off ` +
      `(one hale-supervisor per container, no API server; events and status go nowhere), in one run. ` +
      `Latency = an instance's exit stamp → the next instance's start stamp, Node start-up included on every side. ` +
      `hale restarts the first crash at once and backs off after it, so its rows are the first restarts of fresh pods (n of them), one pod after the other.`;
    await writeSection('restart', `## restart\n\n${intro}\n\n${text}\n`);
  } finally {
    clearInterval(keepAlive);
    probe.uninstall();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
