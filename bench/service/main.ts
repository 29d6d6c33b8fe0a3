// bench/service (issue 7): how fast a Service stops sending traffic to a pod
// whose server died, and what the node's userspace proxy costs. `hale up`
// runs as a child process (root: one node, isolated mode: ClusterIPs on the
// node's lo, the agent's proxy listening on them), with a 3-replica python
// http.server Deployment behind a ClusterIP Service.
//   1. Reaction, BENCH_REPEATS times (default 10): SIGKILL one pod's server
//      (reaction.ts) and time its endpoint ready=false (EndpointSlice watch)
//      and the proxy dropping it (probe loop through the ClusterIP with the
//      agent's retry counter read after every request), counting failed and
//      retried requests.
//   2. Load, BENCH_LOAD_SECONDS each (default 10), 8 concurrent workers, new
//      connection per request and keep-alive: one pod's IP directly, the
//      three pod IPs directly (the peer run: same backends, same spread, no
//      proxy), and the ClusterIP through the proxy; keep-alive also with the
//      response in one send (GET /one); the ratio is to the peer.
// Prints the tables and rewrites the service section of docs/benchmarks.md
// (only at the default sizes or larger: smaller runs are for development).

import { benchClient, type BenchClient } from '../support/client.js';
import { machineLine } from '../support/machine.js';
import { writeSection } from '../support/results.js';
import { waitFor } from '../support/time.js';
import { AgentMetrics } from './agent-metrics.js';
import { hostState, leftovers, startServiceCluster, type ServiceCluster } from './cluster.js';
import { CONCURRENCY, runLoad, type LoadResult } from './load.js';
import { PAUSE_MS } from './probe-loop.js';
import { CLEAN_RUN, runReactionRepeat, steadyPods, type ReactionContext, type ReactionRepeat } from './reaction.js';
import { byPathTable, loadTable, reactionTable, repeatsTable, totalsLine } from './report.js';
import { SliceWatch } from './slice-watch.js';
import { APP, createWorkload, deleteWorkload, NS, POD_PORT, REPLICAS, SERVICE_PORT } from './workload.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? '10');
const LOAD_MS = Number(process.env.BENCH_LOAD_SECONDS ?? '10') * 1000;

interface Results {
  reaction: ReactionRepeat[];
  load: LoadResult[];
  seconds: number;
}

async function nodeReady(client: BenchClient, name: string): Promise<void> {
  const ok = await waitFor(async () => {
    const r = await client.call('GET', `/api/v1/nodes/${name}`);
    if (r.status !== 200) return undefined;
    const n = JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } };
    return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
  }, 90_000, 100);
  if (!ok) throw new Error(`node ${name} not Ready within 90 s`);
}

async function runAll(cluster: ServiceCluster): Promise<Results> {
  const started = performance.now();
  const client = benchClient(cluster.kubeconfig, 4);
  const slices = new SliceWatch(client, NS, APP);
  let metrics: AgentMetrics | undefined;
  const res: Results = { reaction: [], load: [], seconds: 0 };
  try {
    await nodeReady(client, cluster.nodeName);
    await slices.start();
    const clusterIP = await createWorkload(client);
    metrics = await AgentMetrics.open(client, cluster.dataDir, cluster.nodeName);
    const ctx: ReactionContext = { client, slices, metrics, clusterIP, log: (line) => console.log(line) };
    const pods = await steadyPods(ctx, 120_000);
    console.log(`cluster up (log: ${cluster.logFile}); Service ${APP} ${clusterIP}:${SERVICE_PORT} → ${pods.map((p) => `${p.name} ${p.ip}`).join(', ')}`);

    console.log(`reaction: ${REPEATS} repeats`);
    for (let i = 0; i < REPEATS; i++) res.reaction.push(await runReactionRepeat(ctx, i));

    const ready = await steadyPods(ctx, 120_000);
    const direct = (path: string): string[] => ready.map((p) => `http://${p.ip}:${POD_PORT}${path}`);
    const viaProxy = (path: string): string[] => [`http://${clusterIP}:${SERVICE_PORT}${path}`];
    const one = `direct, 1 pod (${ready[0]!.name})`;
    const three = 'direct, 3 pods (worker w → pod w mod 3)';
    const proxied = `ClusterIP ${clusterIP}:${SERVICE_PORT} through the proxy`;
    const runs: { group: string; keepAlive: boolean; label: string; targets: string[] }[] = [
      { group: 'new per request (2 sends)', keepAlive: false, label: one, targets: direct('/').slice(0, 1) },
      { group: 'new per request (2 sends)', keepAlive: false, label: three, targets: direct('/') },
      { group: 'new per request (2 sends)', keepAlive: false, label: proxied, targets: viaProxy('/') },
      { group: 'keep-alive (2 sends)', keepAlive: true, label: one, targets: direct('/').slice(0, 1) },
      { group: 'keep-alive (2 sends)', keepAlive: true, label: three, targets: direct('/') },
      { group: 'keep-alive (2 sends)', keepAlive: true, label: proxied, targets: viaProxy('/') },
      { group: 'keep-alive (1 send)', keepAlive: true, label: three, targets: direct('/one') },
      { group: 'keep-alive (1 send)', keepAlive: true, label: proxied, targets: viaProxy('/one') },
    ];
    for (const run of runs) {
      const r = await runLoad({ ...run, durationMs: LOAD_MS });
      console.log(`  load ${run.group}, ${run.label}: ${r.perSecond.toFixed(0)} req/s, median ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms, ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}`);
      res.load.push(r);
    }
    await deleteWorkload(client);
    if (slices.errors > 0) throw new Error(`the EndpointSlice watch reported ${slices.errors} errors`);
  } finally {
    slices.stop();
    metrics?.close();
    client.destroy();
  }
  res.seconds = (performance.now() - started) / 1000;
  return res;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/service needs root: the node runs in isolated mode (pod network namespaces, ClusterIPs on lo)');
  const before = hostState();
  const cluster = await startServiceCluster({ bridge: 'hbsvc0', second: 206, nodeName: 'svc-node' });
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
    const left = leftovers(before);
    if (left.length > 0) console.error(`left on the host after hale down:\n  ${left.join('\n  ')}`);
    else console.log('hale down: nothing of the run left on the host (network namespaces, hale-supervisor processes, addresses on lo)');
  }

  const text = `Reaction to a killed server process (${res.reaction.length} repeats):

${reactionTable(res.reaction)}

${totalsLine(res.reaction)}

By restart path (the pod worker restarts an exited container before it publishes the pod's readiness, so when the restart is immediate the EndpointSlice waits for the restart's start-up; the node's own proxy does not: the agent marks the pod unready the moment it sees the exit):

${byPathTable(res.reaction)}

Each repeat:

${repeatsTable(res.reaction)}

Throughput and added latency (${LOAD_MS / 1000} s per row after a 1 s warm-up, ${CONCURRENCY} concurrent workers from this process):

${loadTable(res.load)}`;
  console.log(`\n${text}\n`);
  if (REPEATS < 10 || LOAD_MS < 10_000) return;

  const section = `## service — a killed pod's endpoint dropped, and the proxy's cost

${machineLine()}; ${res.seconds.toFixed(0)} s.

\`npm run bench:service\`: \`hale up\` as root (one node, process runtime, isolated mode: the Service's ClusterIP on the node's \`lo\`, the node agent's userspace proxy listening on it), a ${REPLICAS}-replica Deployment of a python3 \`http.server\` (ThreadingHTTPServer, HTTP/1.1, Nagle off, no request log; each pod answers with its own name; httpGet readiness probe, period 1 s, first probe 1 s after a start) behind a ClusterIP Service; the client is this process, on the node.

**Reaction.** ${res.reaction.length} times, with every endpoint ready, the bench SIGKILLs one pod's server process (found with \`pgrep -f\`; the pods taken in turn; restartPolicy Always restarts it, at once the first time, then after hale's crash back-off of 1 s, 2 s, …) and times from the kill: (i) the pod's endpoint \`ready=false\`, from a watch on the Service's EndpointSlices (the event's arrival here, not polling); (ii) the proxy dropping it, from a probe loop that sends GET http://ClusterIP/ on a new connection each, ${PAUSE_MS} ms apart, and after each request reads the agent's \`hale_proxy_connect_retries_total\` (its \`/metrics\`: pinned TLS, the node join secret as bearer token). The loop is the only traffic through the proxy, so a request with a retry was first routed to the killed pod; the proxy has dropped the pod at the start of the first ${CLEAN_RUN} consecutive requests after the kill that succeeded, were answered by another pod and were not retried (round-robin over three endpoints picks each at least every third connection; the resolution is one probe cycle: request, metrics read, pause). A request fails when the client sees an error (one in flight to the server when it is killed is reset). The agent's proxy skips a local pod as soon as the agent's pod worker has computed it unready, before the EndpointSlice says so, and retries a refused connect on another endpoint.

**Load.** ${LOAD_MS / 1000} s per row after a 1 s warm-up, ${CONCURRENCY} workers each sending GETs back to back, worker w always to the same target: one pod's IP:${POD_PORT} directly, the three pod IPs directly (the peer run: same backends and spread, no proxy), and the ClusterIP through the proxy; with a new connection per request and with keep-alive (a socket per worker; through the proxy a kept-alive connection stays on the pod it was given). python's handler writes a response in two sends (headers, then body: "2 sends"); GET /one gets the same response in one send ("1 send"), to tell a stall of the proxy on a split response from its other costs. Ratios are to the peer run of the same group. Client, proxy and servers share this machine's cores.

**Kubernetes** does not run here: its column is what its 1.32 defaults give, computed, not measured. A killed container: the kubelet's generic PLEG relists every 1 s, so the pod turns unready 0–1 s after the kill (≈ 0.5 s on average), the EndpointSlice follows at once and kube-proxy's iptables rules change at its next sync (at once if the last one is ≥ 1 s old, else within 1 s); until then iptables DNATs about a third of the Service's new connections to the dead pod, where they are refused — no retry, the client sees each as a failure. A pod whose readiness probe starts failing (alive, not ready) leaves the endpoints after failureThreshold × periodSeconds = 3 × 10 s ≈ 30 s plus that sync (in hale, after its probe's own failureThreshold × periodSeconds, the proxy skipping the pod as soon as the agent's probe fails; not measured here, see test/e2e/service-healing.test.ts).

${text}

`;
  await writeSection('service', section);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
