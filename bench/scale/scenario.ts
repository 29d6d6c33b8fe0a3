// The scale scenario, shared by `npm run bench:scale` and the CI smoke test:
// one `hale server` (SQLite), simulated nodes in `hale sim` child processes,
// one Deployment. Each step adds nodes, scales the Deployment up and times it
// until every pod is Running and Ready (the first step's rollout meets a
// freshly started server: `repeats` times more it is scaled to 0 and up again,
// on a warm one); then measures API latency under the nodes' steady
// heartbeats, the server's memory and store size, and the time until the pods
// of `failNodes` nodes whose heartbeat stopped are replaced by Ready pods
// elsewhere (the nodes are revived afterwards).

import { startHale, type HaleProcess } from '../../test/support/hale-process.js';
import { benchClient, type BenchClient } from '../support/client.js';
import { sleep, wallMs } from '../support/time.js';
import { measureApi, type LatencyRow } from './api-latency.js';
import { rssMiB, storeMiB } from './footprint.js';
import { PodCensus } from './pod-census.js';
import { ReplaceStages, type StageSpan } from './replace-stages.js';
import { startSim, type SimProcess } from '../../test/support/sim-process.js';
import { timeRollout, type Rollout } from './rollout.js';

export interface ScaleStep {
  nodes: number;
  pods: number;
}

export interface ScaleOptions {
  steps: ScaleStep[];
  /** nodes whose heartbeat is stopped per step; 0 skips the failure */
  failNodes: number;
  /** seconds per API latency row; 0 skips the latency measurement */
  latencySeconds: number;
  /** after the first step's rollout, scale the Deployment to 0 and up again this many times (default 0) */
  repeats?: number;
  /** extra `hale sim` flags (the CI smoke shortens the leases) */
  simArgs?: string[];
  /** called with the results so far after every step (the benchmark writes them at once) */
  onStep?: (results: StepResult[]) => Promise<void>;
  /** called with progress lines */
  say?: (line: string) => void;
}

/** A step: its rollout (the scale-up to `pods`), then what was measured at that size. */
export interface StepResult extends Rollout {
  nodes: number;
  pods: number;
  api: LatencyRow[];
  serverRssMiB: number;
  serverPeakMiB: number;
  simRssMiB: number;
  storeMiB: number;
  /** s from stopping the heartbeats until the pods of those nodes were Ready elsewhere; undefined: not measured */
  replaceSeconds?: number;
  replacedPods?: number;
  /** the replacement split into its stages (first and last pod of each) */
  replaceStages?: StageSpan[];
  /** the first step only: the same rollout again after scaling to 0, `repeats` times (the server warm) */
  repeats: Rollout[];
}

const NAMESPACE = 'scale';
/** the nice value of the `hale sim` processes */
export const SIM_NICE = 10;
const DEPLOYMENT = 'scale';

function deployment(replicas: number): unknown {
  const labels = { app: DEPLOYMENT };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEPLOYMENT, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  };
}

async function must(c: BenchClient, method: string, path: string, body: unknown, ok: number[]): Promise<string> {
  const r = await c.call(method, path, body);
  if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
  return r.body;
}

export async function runScale(o: ScaleOptions): Promise<StepResult[]> {
  const say = o.say ?? (() => undefined);
  // A /9 of /24s: 32,768 node ranges, enough for the 5,000-node envelope.
  // Node's default heap limit (4 GiB here) until the envelope's 150,000 pods, which need more.
  const big = o.steps.some((st) => st.pods > 50_000);
  const hale: HaleProcess = await startHale({ args: ['--cluster-cidr', '10.128.0.0/9'], ...(big ? { env: { NODE_OPTIONS: '--max-old-space-size=16384' } } : {}) });
  const sims: SimProcess[] = [];
  const census = new PodCensus();
  const c = benchClient(hale.kubeconfig, 8);
  const results: StepResult[] = [];
  try {
    await must(c, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }, [201]);
    await census.start(c, NAMESPACE);
    const scaleTo = async (replicas: number): Promise<void> => {
      await must(c, 'PATCH', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}/scale`, { spec: { replicas } }, [200]);
    };
    let nodes = 0;
    let pods = 0;
    for (const step of o.steps) {
      if (step.nodes > nodes) {
        const t = wallMs();
        // The simulated nodes stand in for other machines: they run niced, on the CPU the control plane leaves.
        sims.push(await startSim({ url: hale.url, dataDir: hale.dataDir, nodes: step.nodes - nodes, prefix: 'sim', firstIndex: nodes, nice: SIM_NICE, ...(o.simArgs ? { args: o.simArgs } : {}) }));
        say(`${step.nodes - nodes} simulated nodes joined in ${((wallMs() - t) / 1000).toFixed(1)} s`);
        nodes = step.nodes;
      }
      const from = pods;
      const createOrScale = async (): Promise<void> => {
        if (from === 0) await must(c, 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment(step.pods), [201]);
        else await scaleTo(step.pods);
      };
      const timed = (scaleUp: () => Promise<void>, base: number): Promise<Rollout> =>
        timeRollout({ census, from: base, to: step.pods, serverPid: hale.proc.pid!, simPids: sims.map((x) => x.pid), scaleUp });
      const first = await timed(createOrScale, from);
      pods = step.pods;
      say(`${nodes} nodes / ${pods} pods: all Ready ${first.rolloutSeconds.toFixed(1)} s after the scale-up (${first.podsPerSecond.toFixed(0)} pods/s)`);
      const repeats: Rollout[] = [];
      for (let i = 0; results.length === 0 && i < (o.repeats ?? 0); i++) {
        await scaleTo(0);
        await census.until(() => census.size === 0, Math.max(180_000, pods * 20), 'every pod gone after the scale-down to 0');
        const again = await timed(() => scaleTo(pods), 0);
        repeats.push(again);
        say(`  again from 0 (warm, ${i + 1}/${o.repeats}): all Ready ${again.rolloutSeconds.toFixed(1)} s after the scale-up (${again.podsPerSecond.toFixed(0)} pods/s)`);
      }
      const result: StepResult = {
        nodes,
        pods,
        ...first,
        api: [],
        serverRssMiB: NaN,
        serverPeakMiB: NaN,
        simRssMiB: NaN,
        storeMiB: NaN,
        repeats,
      };
      const perNode = census.byNode();
      if (o.latencySeconds > 0) {
        await sleep(2000);
        const podList = JSON.parse(await must(c, 'GET', `/api/v1/namespaces/${NAMESPACE}/pods?limit=500`, undefined, [200])) as { items: { metadata: { name: string } }[] };
        result.api = await measureApi(c, { namespace: NAMESPACE, podNames: podList.items.map((p) => p.metadata.name), nodeNames: [...perNode.keys()], workers: 4, seconds: o.latencySeconds, tag: String(nodes) });
        say(`API latency measured (${result.api.map((r) => `${r.op} p99 ${r.s.p99ms.toFixed(1)} ms`).join(', ')})`);
      }
      const mem = rssMiB(hale.proc.pid!);
      result.serverRssMiB = mem.rss;
      result.serverPeakMiB = mem.peak;
      result.simRssMiB = sims.reduce((a, s) => a + rssMiB(s.pid).rss, 0);
      result.storeMiB = storeMiB(hale.dataDir);
      if (o.failNodes > 0) {
        const victims = [...perNode.entries()].sort((a, b) => b[1] - a[1]).slice(0, o.failNodes).map(([n]) => n);
        const lost = victims.reduce((a, n) => a + (perNode.get(n) ?? 0), 0);
        const set = new Set(victims);
        const t1 = wallMs();
        const stages = new ReplaceStages(t1, set, census.names());
        census.onChange = (name, old, now, at) => stages.observe(name, old, now, at);
        await Promise.all(victims.map((n) => must(c, 'PATCH', `/api/v1/nodes/${n}`, { metadata: { annotations: { 'sim.hale.dev/heartbeat': 'stopped' } } }, [200])));
        const tBack = await census.until(() => census.readyOutside(set) >= pods, 300_000, `the pods of ${victims.length} failed nodes Ready elsewhere`);
        result.replaceSeconds = (tBack - t1) / 1000;
        result.replacedPods = lost;
        census.onChange = undefined;
        result.replaceStages = stages.result();
        const spans = result.replaceStages.map((x) => `${x.stage} ${x.firstS.toFixed(1)}–${x.lastS.toFixed(1)} s (${x.pods})`).join(', ');
        say(`${victims.length} nodes stopped heartbeating: their ${lost} pods Ready elsewhere after ${result.replaceSeconds.toFixed(1)} s: ${spans}`);
        await Promise.all(victims.map((n) => must(c, 'PATCH', `/api/v1/nodes/${n}`, { metadata: { annotations: { 'sim.hale.dev/heartbeat': null } } }, [200])));
        // The revived nodes delete their evicted pods; wait until only the Deployment's pods are left.
        await census.until(() => census.size === pods, 300_000, 'the evicted pods gone');
      }
      results.push(result);
      await o.onStep?.(results);
    }
  } finally {
    census.stop();
    c.destroy();
    for (const s of sims) await s.stop();
    const t = wallMs();
    await hale.stop();
    // hale.stop() sends SIGKILL after 10 s; the server logs a stop step slower than 2 s at warn level.
    const slow = hale.stderr().split('\n').filter((l) => l.includes('slow stop step')).map((l) => {
      try {
        const j = JSON.parse(l) as { step?: string; ms?: number };
        return `${j.step} ${j.ms} ms`;
      } catch {
        return l;
      }
    });
    say(`server stopped ${((wallMs() - t) / 1000).toFixed(1)} s after SIGTERM${hale.proc.signalCode === 'SIGKILL' ? ' (killed)' : ''}${slow.length ? `; ${slow.join('; ')}` : ''}`);
  }
  return results;
}
