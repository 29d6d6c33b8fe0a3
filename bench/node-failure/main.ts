// bench/node-failure: how fast hale recovers a workload from a dead node.
// `hale up --nodes 3` runs as a child process (root: the host's node plus two
// local nodes, each in its own network namespace). BENCH_REPEATS times
// (default 5) a local node is powered off (`hale node power-off`: every
// process in its cgroup killed at once) under a 6-replica Deployment, and
// then under a 1-replica StatefulSet; the milestones are timed from the
// power-off command's return by polling the API every 50 ms; the node is
// powered on and the cluster settles between repeats. Prints the hale
// settings read from the cluster, the tables (median, p99; Kubernetes'
// timeline from its 1.32 defaults — computed, not measured — and the ratio),
// and rewrites the node-failure section of docs/benchmarks.md.
// Goals: stateless ≤ 15 s, stateful ≤ 30 s (medians).
//
// BENCH_CASES=stateless|stateful runs one case only (for development; the
// docs section is written only when both ran).

import { execFileSync } from 'node:child_process';
import { benchClient } from '../support/client.js';
import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';
import { startNodeFailureCluster, type NodeFailureCluster } from './cluster.js';
import { Observer } from './observer.js';
import { deadBeforeT0, goals, notes, repeatsTable, settingsTable, statefulTable, statelessTable } from './report.js';
import { NS, type BenchContext } from './scenario.js';
import { fencedSilences, readSettings, type HaleSettings } from './settings.js';
import { POD, runStatefulRepeat, setUpStateful, tearDownStateful, type StatefulRepeat } from './stateful.js';
import { REPLICAS, runStatelessRepeat, setUpStateless, tearDownStateless, type StatelessRepeat } from './stateless.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? '5');
const CASES = (process.env.BENCH_CASES ?? 'stateless,stateful').split(',');
const NODES = 3;

interface Results {
  settings: HaleSettings | undefined;
  stateless: StatelessRepeat[];
  stateful: StatefulRepeat[];
  silences: number[];
  seconds: number;
}

async function runAll(cluster: NodeFailureCluster): Promise<Results> {
  const started = performance.now();
  const client = benchClient(cluster.kubeconfig, 4);
  const observer = new Observer(client, NS);
  const ctx: BenchContext = { cluster, client, observer, log: (line) => console.log(line) };
  const res: Results = { settings: undefined, stateless: [], stateful: [], silences: [], seconds: 0 };
  try {
    await observer.start();
    const all = [cluster.hostNode, ...cluster.localNodes];
    const ready = await observer.until((s) => all.every((n) => s.nodes.get(n)?.ready === 'True'), 90_000);
    if (ready === undefined) throw new Error(`nodes ${all.join(', ')} not all Ready within 90 s`);
    console.log(`cluster up: ${all.join(', ')} Ready; log: ${cluster.logFile}`);

    if (CASES.includes('stateless')) {
      const pod = await setUpStateless(ctx);
      res.settings = await readSettings(client, cluster.localNodes[0]!, { namespace: NS, name: pod });
      console.log(`hale settings: ${JSON.stringify(res.settings)}`);
      for (let i = 0; i < REPEATS; i++) res.stateless.push(await runStatelessRepeat(ctx, i));
      await tearDownStateless(ctx);
    }
    if (CASES.includes('stateful')) {
      await setUpStateful(ctx);
      res.settings ??= await readSettings(client, cluster.localNodes[0]!, { namespace: NS, name: POD });
      for (let i = 0; i < REPEATS; i++) res.stateful.push(await runStatefulRepeat(ctx, i));
      await tearDownStateful(ctx);
    }
    for (const n of cluster.localNodes) res.silences.push(...(await fencedSilences(client, n)));
    if (observer.errors.length > 0) console.error(`observer: ${observer.errors.length} failed LISTs, first: ${observer.errors[0]}`);
  } finally {
    await observer.stop();
    client.destroy();
  }
  res.seconds = (performance.now() - started) / 1000;
  return res;
}

/** Anything of this run's left on the host after `hale down`: network namespaces, supervisors. */
function leftovers(): string[] {
  const out: string[] = [];
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).trim();
  if (netns) out.push(`network namespaces: ${netns.replace(/\n/g, ', ')}`);
  try {
    const sup = execFileSync('pgrep', ['-af', 'hale-supervisor'], { encoding: 'utf8' }).trim();
    if (sup) out.push(`hale-supervisor processes: ${sup.replace(/\n/g, '; ')}`);
  } catch (err) {
    if ((err as { status?: number }).status !== 1) throw err; // pgrep exits 1 when nothing matches
  }
  return out;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/node-failure needs root: `hale up --nodes 3` runs each extra local node in its own network namespace');
  const cluster = await startNodeFailureCluster({ bridge: 'hbnf0', second: 186, nodeName: 'nf-node', nodes: NODES });
  const onSignal = (sig: NodeJS.Signals): void => {
    console.error(`${sig}: stopping the bench cluster`);
    void cluster.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let res: Results;
  try {
    res = await runAll(cluster);
  } finally {
    await cluster.stop();
    const left = leftovers();
    if (left.length > 0) console.error(`left on the host after hale down:\n  ${left.join('\n  ')}`);
  }

  const parts: string[] = [];
  if (res.settings) parts.push(settingsTable(res.settings, res.silences, [...res.stateless, ...res.stateful].map((r) => r.fencingArmed)));
  if (res.stateless.length > 0) parts.push(`Stateless: a ${REPLICAS}-replica Deployment, a node running some of its pods powered off.\n\n${statelessTable(res.stateless, REPLICAS)}`);
  if (res.stateful.length > 0) parts.push(`Stateful: a 1-replica StatefulSet, the node running ${POD} powered off.\n\n${statefulTable(res.stateful, POD)}`);
  parts.push(`Each repeat (times from t0, the power-off command's return):\n\n${repeatsTable(res.stateless, res.stateful)}\n\n${deadBeforeT0(res.stateless, res.stateful)}`);
  parts.push(notes(res.stateless, res.stateful, res.settings?.unreachableTolerationS));
  if (res.stateless.length > 0 && res.stateful.length > 0) parts.push(goals(res.stateless, res.stateful));
  const text = parts.join('\n\n');
  console.log(`\n${text}\n`);
  if (!(CASES.includes('stateless') && CASES.includes('stateful'))) return;

  const section = `## node-failure — a node powered off under a Deployment and a StatefulSet

${machineLine()}; ${res.seconds.toFixed(0)} s.

\`npm run bench:node-failure\`: \`hale up --nodes ${NODES}\` as root (the host's node and two local nodes, each in its own network namespace; process runtime, isolated mode). ${REPEATS} repeats per case: a local node is powered off with \`hale node power-off\` (every process of the node — agent, supervisors, containers — killed at once) and each milestone is timed from the command's return, by polling the nodes and pods every 50 ms from this process (the fencing marks, which can last milliseconds, through a watch on the node); then the node is powered on, the bench waits until it is Ready, untainted and unfenced, its old pods gone and the workload healthy, and 10 s more (so its Lease counts for fencing's quorum again). Stateless: a ${REPLICAS}-replica Deployment of \`sleep\` (grace 1 s) over the three nodes, a node running some of its pods powered off. Stateful: a 1-replica StatefulSet of \`sleep\` (grace 1 s, no Service) with the host's node cordoned so the pod runs on a node that can be powered off; a repeat not recovered within 90 s is shown as such. No Kubernetes runs here: its column is the timeline its 1.32 defaults give (node-monitor-grace-period 50 s, then the 300 s default toleration; a StatefulSet pod on a dead node is never replaced without a person), computed, not measured; the ratio is that time over hale's median.

${text}

`;
  await writeSection('node-failure', section);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
