// bench/restart: crash → new process latency. The same crashing script runs
// under PM2 (restart_delay 0, the peer) and under hale's node agent machinery
// (the real pod worker, crash back-off and process runtime with its C
// supervisor; no API server, whose status writes are not on the restart
// path). The script stamps `start` and `exit` with the wall clock, so both
// systems are measured the same way, Node's own start-up included.
//
// hale restarts the first crash at once and then backs off (1 s, 2 s, 4 s …):
// the first restart is measured over many pods, the later ones over one pod
// against the schedule they should follow.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { EventRecorder } from '../../src/client/event-recorder.js';
import { PodWorker } from '../../src/agent/pods/pod-worker.js';
import { ProcessRuntime } from '../../src/agent/runtime/process/process-runtime.js';
import { supervisorBinary } from '../../src/agent/runtime/process/supervision/supervisor.js';
import { CrashBackoff } from '../../src/lib/backoff/crash-backoff.js';
import { realClock } from '../../src/lib/clock/clock.js';
import { silentLogger } from '../../src/lib/log/log.js';
import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';
import { percentile, table } from '../support/stats.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PM2 = join(root, 'node_modules/.bin/pm2');
const PM2_RESTARTS = Number(process.env.BENCH_PM2_RESTARTS ?? '60');
const HALE_PODS = Number(process.env.BENCH_HALE_PODS ?? '60');

// CommonJS: PM2's fork mode loads scripts with require().
const CRASH = `const { appendFileSync } = require('node:fs');
const log = process.argv[2];
const ns = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
appendFileSync(log, 'start ' + ns() + '\\n');
setTimeout(() => { appendFileSync(log, 'exit ' + ns() + '\\n'); process.exit(1); }, 50);
`;

/** Gaps (ms) between each `exit` and the next `start` in a crash log. */
async function gaps(log: string): Promise<number[]> {
  const lines = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter((l) => l);
  const out: number[] = [];
  let lastExit: bigint | undefined;
  for (const l of lines) {
    const [kind, t] = l.split(' ');
    const ns = BigInt(t ?? '0');
    if (kind === 'exit') lastExit = ns;
    else if (kind === 'start' && lastExit !== undefined) {
      out.push(Number(ns - lastExit) / 1e6);
      lastExit = undefined;
    }
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function pm2Restarts(dir: string, script: string): Promise<number[]> {
  const env = { ...process.env, PM2_HOME: join(dir, 'pm2-home') };
  const log = join(dir, 'pm2.log');
  // min_uptime at its minimum (100 ms) and a huge max_restarts so PM2 never stops a crash-looping app; no delay.
  const eco = join(dir, 'pm2.json');
  await writeFile(eco, JSON.stringify({ apps: [{ name: 'crash', script, args: [log], restart_delay: 0, max_restarts: 100000, min_uptime: 100, autorestart: true }] }));
  try {
    await run(PM2, ['start', eco], { env });
    for (let i = 0; i < 600 && (await gaps(log)).length < PM2_RESTARTS; i++) await sleep(100);
  } finally {
    await run(PM2, ['kill'], { env }).catch(() => undefined);
  }
  return (await gaps(log)).slice(0, PM2_RESTARTS);
}

/** A pod worker on the real process runtime, without an API server. */
function worker(rt: ProcessRuntime, backoff: CrashBackoff, pod: KObject): PodWorker {
  const client = { create: async (_r: unknown, _n: string, o: KObject) => o, patch: async () => ({ metadata: {} }) } as unknown as ApiClient;
  const w = new PodWorker(pod, {
    runtime: rt,
    clock: realClock,
    recorder: new EventRecorder({ client, source: { component: 'kubelet' }, clock: realClock, log: silentLogger() }),
    log: silentLogger(),
    backoff,
    probes: () => ({ ready: true, started: true, stop: () => undefined }),
    hostIP: '127.0.0.1',
    configure: async (p, c, attempt) => ({ name: c.name, attempt, image: 'node', argv: c.command ?? [], env: [['PATH', process.env.PATH ?? '/usr/bin:/bin']], mounts: [], resources: {}, logPath: join(String(p.metadata.annotations?.dir), `${attempt}.log`), labels: {} }),
    runHandler: async () => undefined,
    publish: async () => undefined,
    finishDeletion: async () => undefined,
    cleanup: async () => undefined,
  });
  return w;
}

function crashPod(uid: string, dir: string, script: string, log: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: uid, namespace: 'bench', uid, annotations: { dir } },
    spec: { restartPolicy: 'Always', containers: [{ name: 'crash', image: 'node', command: [process.execPath, script, log] }] },
  };
}

async function haleRuns(dir: string, script: string): Promise<{ first: number[]; schedule: number[] }> {
  const rt = new ProcessRuntime({ root: join(dir, 'runtime'), scope: 'bench', podCidr: '10.199.0.0/24', mode: 'host', supervisorBinary: supervisorBinary(), nodeIp: '127.0.0.1', clock: realClock, log: silentLogger() });
  await rt.recover();
  const workers = new Map<string, PodWorker>();
  rt.onExit((c) => workers.get(c.podUid)?.containerExited(c));
  const backoff = new CrashBackoff({ clock: realClock });
  const first: number[] = [];
  const stopPod = async (uid: string): Promise<void> => {
    workers.get(uid)?.halt();
    for (const c of rt.listContainers().filter((x) => x.podUid === uid && x.state === 'running')) await rt.stopContainer(c.id, 0);
    for (const s of rt.listPodSandboxes().filter((x) => x.podUid === uid)) await rt.removePodSandbox(s.id);
  };
  for (let i = 0; i < HALE_PODS; i++) {
    const uid = `first-${i}`;
    const log = join(dir, `${uid}.log`);
    const w = worker(rt, backoff, crashPod(uid, dir, script, log));
    workers.set(uid, w);
    w.update(crashPod(uid, dir, script, log));
    for (let t = 0; t < 200 && (await gaps(log)).length < 1; t++) await sleep(10);
    const g = await gaps(log);
    if (g[0] !== undefined) first.push(g[0]);
    await stopPod(uid);
  }
  // One pod through its first restarts: the back-off schedule.
  const uid = 'schedule';
  const log = join(dir, `${uid}.log`);
  const w = worker(rt, backoff, crashPod(uid, dir, script, log));
  workers.set(uid, w);
  w.update(crashPod(uid, dir, script, log));
  for (let t = 0; t < 400 && (await gaps(log)).length < 5; t++) await sleep(50);
  await stopPod(uid);
  return { first, schedule: await gaps(log) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hale-bench-restart-'));
  const script = join(dir, 'crash.cjs');
  await writeFile(script, CRASH);
  // Supervisors are unref'd (an agent never waits on them): keep this process alive while it measures.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    const pm2 = await pm2Restarts(dir, script);
    const hale = await haleRuns(dir, script);
    const med = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
    const p99 = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 99);
    const rows: (string | number)[][] = [
      ['PM2 7 restart (restart_delay 0, fork mode)', pm2.length, med(pm2), p99(pm2), '1.00'],
      ['hale first restart (pod worker + process runtime, host mode)', hale.first.length, med(hale.first), p99(hale.first), (med(hale.first) / med(pm2)).toFixed(2)],
    ];
    const out = table(['crash → new process', 'n', 'median ms', 'p99 ms', 'median vs PM2'], rows);
    const expected = [0, 1000, 2000, 4000, 8000];
    const sched = table(
      ['restart', 'expected back-off ms (±10 %)', 'observed exit → start ms', 'overhead ms'],
      hale.schedule.slice(0, 5).map((g, i) => [i + 1, expected[i] ?? 0, g, g - (expected[i] ?? 0)]),
    );
    const verdict = med(hale.first) <= med(pm2) ? `Goal met: hale's median first restart (${med(hale.first).toFixed(1)} ms) ≤ PM2's (${med(pm2).toFixed(1)} ms).` : `Goal NOT met: hale's median first restart (${med(hale.first).toFixed(1)} ms) > PM2's (${med(pm2).toFixed(1)} ms).`;
    process.stdout.write(`${out}\n\n${sched}\n\n${verdict}\n`);
    await writeSection(
      'restart',
      `## restart\n\n\`npm run bench:restart\` — ${machineLine()}. The same crashing Node script (stamps start/exit with the wall clock, exits 1 after 50 ms) under PM2 and under hale's pod worker + process runtime (hale-supervisor per container; host mode: no namespaces), in one run. Latency = the script's exit stamp → the next instance's start stamp (Node start-up included on both sides).\n\n${out}\n\nLater restarts of one hale pod follow the crash-loop back-off (1 s doubling, ±10 % jitter):\n\n${sched}\n\n${verdict}\n`,
    );
  } finally {
    clearInterval(keepAlive);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
