// bench/scale: the control plane at size, on simulated nodes (`hale sim`).
// Steps (default 500 nodes / 10,000 pods → 1,000 / 30,000 → 5,000 /
// 150,000; BENCH_SCALE_STEPS="500x10000,1000x30000" to choose): time until
// every pod of one Deployment is Running and Ready and pods/s end to end (the
// first step's rollout on the freshly started server, then BENCH_SCALE_REPEATS
// (default 3) more from 0 on the warm one, their median the steady-state
// figure); API p50/p99 of common calls under the nodes' steady heartbeats;
// server memory and store size; time to replace the pods of 10 nodes that
// stop heartbeating.
// Prints the tables and rewrites the scale section of docs/benchmarks.md.

import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';
import { availableParallelism } from 'node:os';
import { percentile, table } from '../support/stats.js';
import { SIM_NICE, runScale, type ScaleStep, type StepResult } from './scenario.js';
import type { Rollout } from './rollout.js';

/** The median rollout of `runs` by pods/s (the middle one; the lower middle of an even count). */
function medianRun(runs: Rollout[]): Rollout | undefined {
  const sorted = [...runs].sort((a, b) => a.podsPerSecond - b.podsPerSecond);
  const pps = percentile(sorted.map((r) => r.podsPerSecond), 50);
  return sorted.find((r) => r.podsPerSecond === pps);
}

function parseSteps(text: string): ScaleStep[] {
  return text.split(',').map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim());
    if (!m) throw new Error(`BENCH_SCALE_STEPS: "${s}" is not <nodes>x<pods>`);
    return { nodes: Number(m[1]), pods: Number(m[2]) };
  });
}

function verdicts(results: StepResult[]): string[] {
  const out: string[] = [];
  const first = results[0];
  if (first) {
    const warm = medianRun(first.repeats);
    const met = (pps: number): string => (pps >= 1000 ? 'met' : 'not met');
    out.push(
      `End to end, ${first.nodes} nodes / ${first.pods} pods: ${first.podsPerSecond.toFixed(0)} pods/s on the freshly started server` +
        (warm
          ? `; scaled to 0 and up again ${first.repeats.length} times on the warm server, median ${warm.podsPerSecond.toFixed(0)} pods/s (${first.repeats.map((r) => r.podsPerSecond.toFixed(0)).join(', ')}). Target ≥ 1,000 pods/s: ${met(warm.podsPerSecond)} warm, ${met(first.podsPerSecond)} fresh.`
          : ` (target ≥ 1,000 pods/s: ${met(first.podsPerSecond)})`),
    );
  }
  const k = results.find((r) => r.nodes >= 1000 && r.pods >= 30_000);
  if (k) {
    const worst = Math.max(...k.api.filter((r) => r.op !== 'list nodes').map((r) => r.s.p99ms));
    out.push(`${k.nodes} nodes / ${k.pods} pods: worst p99 of get/list-node-pods/create/patch ${worst.toFixed(0)} ms (target ≤ 1,000 ms: ${worst <= 1000 ? 'met' : 'not met'}), server RSS ${k.serverRssMiB.toFixed(0)} MiB (target ≤ 2,048 MiB: ${k.serverRssMiB <= 2048 ? 'met' : 'not met'})`);
  }
  return out;
}

async function report(results: StepResult[], planned: ScaleStep[], started: number): Promise<void> {
  const sizes = table(
    ['nodes', 'pods', 'all Ready s', 'pods/s', 'all bound s', 'server RSS MiB', 'server peak MiB', 'sim RSS MiB', 'store MiB', '10 nodes lost: pods', 'Ready elsewhere s'],
    results.map((r) => [r.nodes, r.pods, r.rolloutSeconds, r.podsPerSecond, r.scheduledSeconds, r.serverRssMiB, r.serverPeakMiB, r.simRssMiB, r.storeMiB, r.replacedPods ?? '-', r.replaceSeconds ?? '-']),
  );
  const api = table(
    ['nodes', 'pods', 'call', 'calls/s', 'median ms', 'p99 ms'],
    results.flatMap((r) => r.api.map((a) => [r.nodes, r.pods, a.op, a.s.perSecond, a.s.p50ms, a.s.p99ms])),
  );
  const stages = table(
    ['nodes', 'pods', 'stage', 'pods in stage', 'first s', 'last s'],
    results.flatMap((r) => (r.replaceStages ?? []).map((x) => [r.nodes, r.pods, x.stage, x.pods, x.firstS, x.lastS])),
  );
  const cores = availableParallelism();
  const firstStep = results[0];
  const again = table(
    ['rollout', 'all Ready s', 'pods/s', 'all bound s', 'CPU ms/pod: server main', 'server all', 'sims', 'client', 'all', 'cores busy'],
    firstStep
      ? [{ run: 'first (fresh server)', r: firstStep as Rollout }, ...firstStep.repeats.map((r, i) => ({ run: `again ${i + 1} (warm)`, r }))].map(({ run, r }) => [
          run, r.rolloutSeconds, r.podsPerSecond, r.scheduledSeconds, r.cpu.serverMainMs, r.cpu.serverMs, r.cpu.simMs, r.cpu.clientMs, r.cpu.serverMs + r.cpu.simMs + r.cpu.clientMs, r.cpu.coresBusy,
        ])
      : [],
  );
  const cpu = table(
    ['nodes', 'pods', 'pods/s', 'server main thread', 'server all threads', 'sims', 'client', 'all', 'cores busy', `pods/s at ${cores} cores busy`],
    results.map((r) => {
      const all = r.cpu.serverMs + r.cpu.simMs + r.cpu.clientMs;
      return [r.nodes, r.pods, r.podsPerSecond, r.cpu.serverMainMs, r.cpu.serverMs, r.cpu.simMs, r.cpu.clientMs, all, r.cpu.coresBusy, (cores * 1000) / all];
    }),
  );
  const lines = verdicts(results);
  const pending = planned.slice(results.length).map((s) => `${s.nodes} nodes / ${s.pods} pods`);
  if (pending.length) lines.push(`Not reached in this run: ${pending.join(', ')}.`);
  process.stdout.write(`\n${sizes}\n\n${again}\n\n${cpu}\n\n${stages}\n\n${api}\n\n${lines.join('\n')}\n`);
  const minutes = ((Date.now() - started) / 60_000).toFixed(0);
  await writeSection(
    'scale',
    `## scale\n\n\`npm run bench:scale\` — ${machineLine()}; ${minutes} min. One \`hale server\` (SQLite) and simulated nodes in \`hale sim\` processes (Lease renewed every 10 s, duration 40 s, as Kubernetes), all on this machine — the sims at nice ${SIM_NICE}: they stand in for other machines, so they get the CPU the control plane leaves rather than a share of it (their CPU is in the table below all the same); one Deployment scaled up step by step (pods request 10m CPU / 16Mi); the client (this process) counts pods from one watch. "Ready elsewhere": 10 nodes (the fullest) stop heartbeating; seconds until as many pods as the Deployment wants are Ready on other nodes — the node is declared Unknown after its 40 s lease, its pods evicted 2 s later (hale's default toleration).\n\n${sizes}\n\nThe first step's rollout met a server started a moment before (its code not yet compiled by V8's optimizing compiler, its heap still growing); the Deployment was then scaled to 0 and, once every pod was gone, up again, ${firstStep?.repeats.length ?? 0} times — the same rollout on the warm server, as a long-running control plane meets it:\n\n${again}\n\nCPU per new pod (ms, user + system, from the scale-up until all Ready; /proc) by process — what bounds pods/s on this machine once its cores are busy:\n\n${cpu}\n\nWhere "Ready elsewhere" goes, in seconds after the heartbeats stopped (first and last pod of each stage; client receipt times): the lost nodes' pods turn NotReady (node Unknown), are evicted (deletionTimestamp), and their replacements are created, bound and Ready:\n\n${stages}\n\nAPI latency under the nodes' steady heartbeats (4 concurrent clients; list nodes with 2):\n\n${api}\n\n${lines.join('\n\n')}\n`,
  );
}

async function main(): Promise<void> {
  const steps = parseSteps(process.env.BENCH_SCALE_STEPS ?? '500x10000,1000x30000,5000x150000');
  const started = Date.now();
  const results = await runScale({ steps, failNodes: 10, latencySeconds: Number(process.env.BENCH_SECONDS ?? '5'), repeats: Number(process.env.BENCH_SCALE_REPEATS ?? '3'), say: (l) => process.stdout.write(`  ${l}\n`), onStep: (r) => report(r, steps, started) });
  if (results.length === 0) throw new Error('no step completed');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
