// bench/restart: crash → new process latency, PM2 against hale, in one run, on
// the same crashing Node script (crash-script.ts: it stamps its start and its
// exit with the wall clock and exits 1 after 50 ms; latency = next start −
// previous exit, Node start-up included on every side).
//
// Rows: PM2 (restart_delay 0; with its default @pm2/io wrapper and without),
// hale's first restart — the one its crash-loop back-off lets happen at
// once — in host mode and, as root, in isolated mode (netns + rootfs + PID
// namespace + cgroups), and a floor (this process respawning node from the
// 'exit' event). The rows are measured in turns (BENCH_ROUNDS rounds, each
// taking its share of every row), so whatever else the machine does
// meanwhile weighs on all of them alike. hale backs off after the first
// restart (1 s, 2 s, 4 s … ±10 %), so that row is the first restart of many
// fresh pods, and one pod's later restarts are compared, at the end, with
// the delay its back-off drew. Prints the tables and rewrites the restart
// section of docs/benchmarks.md. Goal: hale's median ≤ PM2's.
//
// Sizes: BENCH_ROUNDS, BENCH_NAIVE_RESTARTS, BENCH_PM2_RESTARTS (each PM2
// row), BENCH_HALE_PODS, BENCH_ISOLATED_PODS, BENCH_SCHEDULE_RESTARTS.

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
import { CRASH_SCRIPT, type Restart } from './crash-script.js';
import { HaleBench, type Breakdown, type HaleSample, type Mode, type ScheduleRow } from './hale-run.js';
import { naiveRestarts, type NaiveSample } from './naive-run.js';
import { Pm2Session } from './pm2-run.js';
import { SpawnProbe } from './spawn-probe.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const count = (name: string, dflt: number): number => Number(process.env[name] ?? String(dflt));
const ROUNDS = count('BENCH_ROUNDS', 4);
const NAIVE = count('BENCH_NAIVE_RESTARTS', 40);
const PM2_N = count('BENCH_PM2_RESTARTS', 80);
const HOST_PODS = count('BENCH_HALE_PODS', 60);
const ISOLATED_PODS = count('BENCH_ISOLATED_PODS', 40);
const SCHEDULE = count('BENCH_SCHEDULE_RESTARTS', 6);
const BRIDGE = 'hbench0';
const POD_CIDR = '10.199.0.0/24';
const NETNS_PREFIX = 'hbench-';

/** Round `round`'s share of `total`. */
const share = (total: number, round: number): number => Math.floor((total * (round + 1)) / ROUNDS) - Math.floor((total * round) / ROUNDS);
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

interface HaleRow {
  mode: Mode;
  pods: number;
  bench: HaleBench;
  samples: HaleSample[];
  next: number;
}

interface Results {
  pm2Version: string;
  pm2: Restart[];
  pm2bare: Restart[];
  naive: NaiveSample[];
  hale: HaleRow[];
  isolatedSkipped: string | undefined;
  schedule: ScheduleRow[];
}

const SEGMENTS: [keyof Breakdown, string][] = [
  ['reap', 'exit stamp → supervisor reaped it, wrote its state'],
  ['supervisorExit', "→ agent saw the supervisor exit (state file, exit, SIGCHLD, 'exit' event)"],
  ['record', '→ exit event at the pod worker (state read, config.json written, cgroups removed)'],
  ['sync', '→ runtime.startContainer (worker sync: back-off check, container config)'],
  ['prepare', '→ spawn(hale-supervisor) called (container dir, cgroups, config.json, spec)'],
  ['launch', "→ spawn() returned (libuv fork of the agent process + exec of hale-supervisor)"],
  ['supervisor', '→ supervisor forked the container (spec, log file, PID ns)'],
  ['exec', '→ `started` report at the agent (child: cgroup join, setns, mounts, exec; then state file + fsync)'],
  ['node', '→ start stamp (the rest of Node start-up, which began at the exec)'],
];

const LABEL: Record<Mode, string> = { host: 'hale first restart (host mode)', isolated: 'hale first restart (isolated: netns + rootfs + pid ns)' };

function render(r: Results): string {
  const pm2 = stat(r.pm2.map((x) => x.gapMs));
  const row = (label: string, xs: number[], wanted: number): (string | number)[] => {
    const s = stat(xs);
    return [label, xs.length === wanted ? xs.length : `${xs.length} of ${wanted}`, s.p50ms, s.p99ms, (s.p50ms / pm2.p50ms).toFixed(2)];
  };
  const rows: (string | number)[][] = [
    row(`PM2 ${r.pm2Version} restart (restart_delay 0)`, r.pm2.map((x) => x.gapMs), PM2_N),
    row(`PM2 ${r.pm2Version} restart (restart_delay 0, pmx false)`, r.pm2bare.map((x) => x.gapMs), PM2_N),
    ...r.hale.map((h) => row(LABEL[h.mode], h.samples.map((s) => s.gapMs), h.pods)),
    ...(r.isolatedSkipped ? [[LABEL.isolated, 0, '-', '-', `not run: ${r.isolatedSkipped}`]] : []),
    row("reference: node respawned on 'exit' (no supervisor)", r.naive.map((s) => s.gapMs), NAIVE),
  ];
  const main = table(['crash → new process', 'n', 'median ms', 'p99 ms', 'median / PM2'], rows);

  const nv = (k: 'noticedMs' | 'spawnMs' | 'nodeMs'): number => stat(r.naive.map((s) => s[k])).p50ms;
  const floorNote =
    `pmx false: PM2 loads the script without its @pm2/io agent (PM2's default loads it into every app before the script runs). ` +
    `The floor splits into exit stamp → 'exit' event ${nv('noticedMs').toFixed(1)} ms, → spawn() returned (fork of this process + exec of node) ${nv('spawnMs').toFixed(1)} ms, → start stamp (Node start-up) ${nv('nodeMs').toFixed(1)} ms (medians).`;

  const breakdown = table(
    ['where a hale first restart spends its time (median ms per step)', ...r.hale.map((h) => h.mode)],
    [
      ...SEGMENTS.map(([k, label]) => [label, ...r.hale.map((h) => stat(h.samples.map((s) => s.breakdown[k])).p50ms)]),
      ['exit stamp → start stamp (median of the totals: the row above)', ...r.hale.map((h) => stat(h.samples.map((s) => s.gapMs)).p50ms)],
    ],
  );

  const sched = table(
    ['restart', 'nominal back-off ms', 'drawn (±10 % jitter) ms', 'observed exit → start ms', 'overhead ms (observed − drawn)'],
    r.schedule.map((s) => [s.restart, s.nominalMs, s.drawnMs, s.gapMs, s.gapMs - s.drawnMs]),
  );

  const bare = stat(r.pm2bare.map((x) => x.gapMs));
  const verdicts = r.hale.map((h) => {
    const m = stat(h.samples.map((s) => s.gapMs)).p50ms;
    const vs = (p: Summary): string => `${m <= p.p50ms ? '≤' : '>'} ${p.p50ms.toFixed(1)} ms`;
    return `${h.mode} ${m.toFixed(1)} ms ${vs(pm2)}: ${m <= pm2.p50ms ? 'met' : 'NOT met'} (against pmx false: ${vs(bare)})`;
  });
  const verdict = `Goal, hale's median first restart ≤ PM2's median restart (restart_delay 0, PM2's defaults otherwise): ${verdicts.join('; ')}.`;
  return [
    main,
    floorNote,
    breakdown,
    `Later restarts of one pod (host mode, measured alone after the rounds) against the delay CrashBackoff drew for each (1 s doubling, ±10 % jitter; the delay counts from the supervisor's exit time, so the overhead includes the reap and the restart itself):`,
    sched,
    verdict,
  ].join('\n\n');
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
  const haleBench = (mode: Mode, name: string = mode): HaleBench =>
    new HaleBench({ mode, name, dir, script, probe, supervisorBinary: supervisorBinary(), bridge: BRIDGE, podCidr: POD_CIDR, netnsPrefix: NETNS_PREFIX, scope });
  const pm2 = new Pm2Session({ root, dir, script });
  const hale: HaleRow[] = [];
  const leftovers: string[] = [];
  try {
    const isolatedSkipped = await isolatedWhyNot();
    hale.push({ mode: 'host', pods: HOST_PODS, bench: haleBench('host'), samples: [], next: 0 });
    if (!isolatedSkipped) hale.push({ mode: 'isolated', pods: ISOLATED_PODS, bench: haleBench('isolated'), samples: [], next: 0 });
    for (const h of hale) await h.bench.open();
    const r: Results = { pm2Version: await pm2.version(), pm2: [], pm2bare: [], naive: [], hale, isolatedSkipped, schedule: [] };

    for (let round = 0; round < ROUNDS; round++) {
      const t = performance.now();
      r.naive.push(...(await naiveRestarts({ script, stamps: join(dir, 'stamps', `naive-${round}`), count: share(NAIVE, round) })));
      r.pm2.push(...(await pm2.collect(share(PM2_N, round), true)));
      r.pm2bare.push(...(await pm2.collect(share(PM2_N, round), false)));
      for (const h of hale) {
        for (let i = 0; i < share(h.pods, round); i++) {
          const s = await h.bench.firstRestart(h.next++);
          if (s) h.samples.push(s);
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    }
    await pm2.close();
    for (const h of hale) leftovers.push(...(await h.bench.close()));

    const t = performance.now();
    const sched = haleBench('host', 'schedule');
    try {
      await sched.open();
      r.schedule = await sched.schedule(SCHEDULE);
    } finally {
      leftovers.push(...(await sched.close()));
    }
    process.stderr.write(`back-off schedule: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

    const seconds = (performance.now() - started) / 1000;
    const text = render(r);
    process.stdout.write(`${text}\n`);
    if (leftovers.length > 0) process.stdout.write(`\nleft running after cleanup: ${leftovers.join(', ')}\n`);
    const intro =
      `\`npm run bench:restart\` — ${machineLine()}; ${seconds.toFixed(0)} s. ` +
      `One crashing Node script (stamps \`start\` and \`exit\` with the wall clock in ns, exits 1 after 50 ms) under PM2 ${r.pm2Version} ` +
      `(fork mode, own daemon, ${pm2.settings()}) and under hale's pod worker + process runtime + crash back-off ` +
      `(one hale-supervisor per container, no API server: events and status go nowhere), in one run, the rows taken in ${ROUNDS} alternating rounds. ` +
      `Latency = an instance's exit stamp → the next instance's start stamp, Node start-up included on every side; every side runs the script with the environment a hale container gets (PATH, HOME). ` +
      `hale restarts a first crash at once and backs off after it, so its rows are the first restarts of fresh pods, one pod after the other.`;
    await writeSection('restart', `## restart\n\n${intro}\n\n${text}\n`);
  } finally {
    clearInterval(keepAlive);
    // Idempotent: after a failure half-way, whatever is still up goes now.
    await pm2.close();
    for (const h of hale) await h.bench.close();
    probe.uninstall();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
