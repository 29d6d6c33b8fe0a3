// bench/replace: how fast a Deployment replaces a deleted pod. `hale up` runs
// as a child process (control plane + node agent + real container
// processes); a 10-replica Deployment is brought up; then, BENCH_TRIALS
// times, one Ready pod is deleted (an ordinary graceful DELETE, as
// `kubectl delete pod` sends) and the time from the call to the replacement
// being Ready is taken from one pod watch, with its milestones: the
// replacement pod created (controller), bound (scheduler), Running (agent),
// Ready. The next trial waits for the old pod to be gone. Runs twice: with
// the node agent in isolated mode (hale's default as root: a netns, PID,
// mount and UTS namespaces, rootfs and cgroups per container) and in host
// mode (`--host-mode`: plain processes). Prints the table and rewrites the
// replace section of docs/benchmarks.md. Goal: median ≤ 100 ms, p99 ≤ 300 ms.
//
// Sizes: BENCH_TRIALS (default 50), BENCH_REPLICAS (default 10);
// BENCH_WORKLOAD=replicaset runs the same on a bare ReplicaSet.

import { benchClient } from '../support/client.js';
import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';
import { percentile, table } from '../support/stats.js';
import { sleep, wallMs, waitFor } from '../support/time.js';
import { startBenchCluster } from './cluster.js';
import { PodTimelines } from './pod-timeline.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? '50');
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? '10');
const NS = 'default';
const KIND = process.env.BENCH_WORKLOAD === 'replicaset' ? 'ReplicaSet' : 'Deployment';

const deployment = {
  apiVersion: 'apps/v1',
  kind: KIND,
  metadata: { name: 'bench' },
  spec: {
    replicas: REPLICAS,
    selector: { matchLabels: { app: 'bench' } },
    template: {
      metadata: { labels: { app: 'bench' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] },
    },
  },
};

interface Sample {
  created: number;
  bound: number;
  running: number;
  ready: number;
}

async function runMode(hostMode: boolean): Promise<Sample[]> {
  const cluster = await startBenchCluster({ bridge: 'hbrepl0', second: 196, nodeName: 'bench-node', hostMode });
  const client = benchClient(cluster.kubeconfig, 8);
  const timelines = new PodTimelines();
  const samples: Sample[] = [];
  try {
    const nodeReady = await waitFor(async () => {
      const r = await client.call('GET', '/api/v1/nodes');
      const items = (JSON.parse(r.body) as { items?: { status?: { conditions?: { type: string; status: string }[] } }[] }).items ?? [];
      return items.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ? true : undefined;
    }, 60_000, 100);
    if (!nodeReady) throw new Error('the node did not become Ready');
    const list = JSON.parse((await client.call('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dbench`)).body) as { metadata: { resourceVersion: string } };
    await timelines.start(client, NS, 'app=bench', list.metadata.resourceVersion);
    const created = await client.call('POST', `/apis/apps/v1/namespaces/${NS}/${KIND.toLowerCase()}s`, deployment);
    if (created.status !== 201) throw new Error(`create ${KIND}: ${created.status} ${created.body}`);
    if (!(await waitFor(async () => (timelines.readyPods().length >= REPLICAS ? true : undefined), 120_000, 20))) throw new Error(`${REPLICAS} pods did not become Ready`);

    for (let i = 0; i < TRIALS; i++) {
      const ready = timelines.readyPods();
      const victim = ready[i % ready.length]!;
      const before = new Set(timelines.pods.keys());
      const t0 = wallMs();
      const del = await client.call('DELETE', `/api/v1/namespaces/${NS}/pods/${victim}`);
      if (del.status !== 200) throw new Error(`delete ${victim}: ${del.status} ${del.body}`);
      const replacement = await waitFor(async () => {
        for (const [name, t] of timelines.pods) if (!before.has(name) && t.ready !== undefined) return t;
        return undefined;
      }, 60_000, 1);
      if (!replacement) throw new Error(`trial ${i}: no Ready replacement for ${victim} within 60 s`);
      samples.push({ created: replacement.seen - t0, bound: (replacement.bound ?? NaN) - t0, running: (replacement.running ?? NaN) - t0, ready: replacement.ready! - t0 });
      // Steady state for the next trial: the old pod gone, every replica Ready.
      await waitFor(async () => (timelines.pods.get(victim)?.gone !== undefined && timelines.readyPods().length >= REPLICAS ? true : undefined), 60_000, 5);
      await sleep(50);
    }
  } finally {
    timelines.stop();
    client.destroy();
    await cluster.stop();
  }
  return samples;
}

async function main(): Promise<void> {
  const isolated = process.getuid?.() === 0 ? await runMode(false) : undefined;
  const host = await runMode(true);
  const row = (label: string, xs: number[]): (string | number)[] => {
    const s = [...xs].sort((a, b) => a - b);
    return [label, s.length, percentile(s, 50), percentile(s, 99), s[s.length - 1]!];
  };
  const rows: (string | number)[][] = [];
  for (const [mode, samples] of [['isolated', isolated], ['host', host]] as const) {
    if (!samples) continue;
    rows.push(
      row(`${mode}: created (controller)`, samples.map((s) => s.created)),
      row(`${mode}: bound (scheduler)`, samples.map((s) => s.bound)),
      row(`${mode}: Running (node agent)`, samples.map((s) => s.running)),
      row(`${mode}: **Ready**`, samples.map((s) => s.ready)),
    );
  }
  const text = table(['delete → replacement … (goal for Ready: median ≤ 100, p99 ≤ 300)', 'trials', 'median ms', 'p99 ms', 'max ms'], rows);
  console.log(text);
  const section = `## replace — a deleted ${KIND} pod replaced\n\n${machineLine()}\n\n\`npm run bench:replace\`: \`hale up\` (one node, process runtime), a ${REPLICAS}-replica ${KIND} of \`sleep\`; ${TRIALS} times a Ready pod is deleted with a graceful DELETE and the replacement's milestones are taken from a pod watch, from the DELETE call; once with the agent in isolated mode (root's default: per-pod netns from a warm pool, per-container PID/mount/UTS namespaces, rootfs, cgroups) and once in host mode (\`--host-mode\`). A container counts as Ready 25 ms after its start is seen (the agent's ready settle). No peer runs on this machine (no Kubernetes here); the goal is the issue's.\n\n${text}\n\n`;
  await writeSection('replace', section);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
