// The node autoscaler at size, on simulated nodes (the `sim` provider runs
// them in a `hale sim` child of the server): one pool brought up to `nodes`
// from zero (its minNodes); 10 of its nodes stop heartbeating and are
// repaired — declared Unknown after their 40 s lease, deleted after the
// pool's repair.after, replaced; then a second pool, empty, grows for a
// Deployment of `pods` replicas that only its nodes take, until every pod
// is Running and Ready. Times are from the client's view (this process).

import { startHale, type HaleProcess } from '../../test/support/hale-process.js';
import { benchClient, type BenchClient } from '../support/client.js';
import { sleep, wallMs } from '../support/time.js';
import { PodCensus } from '../scale/pod-census.js';

export interface AutoscaleOptions {
  /** nodes of the base pool */
  nodes: number;
  /** nodes that fail in the base pool */
  failNodes: number;
  /** replicas of the Deployment that needs the burst pool */
  pods: number;
  /** the pools' repair.after (a Go duration) */
  repairAfter: string;
  /** server flags (the CI smoke shortens the simulated leases) */
  serverArgs?: string[];
  say?: (line: string) => void;
}

export interface AutoscaleResult {
  nodes: number;
  /** s from creating the pool until all its nodes were Ready */
  upSeconds: number;
  failNodes: number;
  /** s from stopping the heartbeats until all were declared Unknown (Ready=Unknown) */
  unknownSeconds: number;
  /** … until all were deleted by the autoscaler */
  deletedSeconds: number;
  /** … until the pool had `nodes` Ready nodes again, none of the failed */
  repairedSeconds: number;
  pods: number;
  burstNodes: number;
  /** s from creating the Deployment until the burst pool's first node registered */
  firstNodeSeconds: number;
  /** … until every pod was Running and Ready */
  podsReadySeconds: number;
}

const NAMESPACE = 'autoscale';

async function must(c: BenchClient, method: string, path: string, body: unknown, ok: number[]): Promise<string> {
  const r = await c.call(method, path, body);
  if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
  return r.body;
}

interface NodeView {
  name: string;
  ready: string;
}

async function poolNodes(c: BenchClient, pool: string): Promise<NodeView[]> {
  const body = await must(c, 'GET', `/api/v1/nodes?labelSelector=${encodeURIComponent(`autoscaling.hale.dev/nodepool=${pool}`)}`, undefined, [200]);
  const list = JSON.parse(body) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
  return list.items.map((n) => ({ name: n.metadata.name, ready: n.status?.conditions?.find((x) => x.type === 'Ready')?.status ?? 'Unknown' }));
}

async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined | false>): Promise<{ at: number; value: T }> {
  const end = wallMs() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return { at: wallMs(), value: v };
    if (wallMs() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

function pool(name: string, min: number, max: number, repairAfter: string, labels: Record<string, string>): unknown {
  return {
    apiVersion: 'autoscaling.hale.dev/v1alpha1',
    kind: 'NodePool',
    metadata: { name },
    spec: { minNodes: min, maxNodes: max, provider: { type: 'sim' }, template: { metadata: { labels } }, repair: { after: repairAfter }, scaleDown: { enabled: false } },
  };
}

export async function runAutoscale(o: AutoscaleOptions): Promise<AutoscaleResult> {
  const say = o.say ?? (() => undefined);
  const hale: HaleProcess = await startHale({ args: ['--cluster-cidr', '10.128.0.0/9', ...(o.serverArgs ?? [])] });
  const c = benchClient(hale.kubeconfig, 8);
  const census = new PodCensus();
  try {
    await must(c, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }, [201]);
    await census.start(c, NAMESPACE);

    // 1. a pool from zero to its minNodes.
    const t0 = wallMs();
    await must(c, 'POST', '/apis/autoscaling.hale.dev/v1alpha1/nodepools', pool('base', o.nodes, o.nodes, o.repairAfter, { tier: 'base' }), [201]);
    const up = await until(`${o.nodes} base nodes Ready`, Math.max(300_000, o.nodes * 2_000), async () => {
      const ns = await poolNodes(c, 'base');
      return ns.filter((n) => n.ready === 'True').length >= o.nodes ? ns : undefined;
    });
    const upSeconds = (up.at - t0) / 1000;
    say(`base pool: ${o.nodes} nodes Ready ${upSeconds.toFixed(1)} s after the NodePool was created`);

    // 2. repair.
    const victims = up.value.slice(0, o.failNodes).map((n) => n.name);
    const gone = new Set(victims);
    const t1 = wallMs();
    await Promise.all(victims.map((n) => must(c, 'PATCH', `/api/v1/nodes/${n}`, { metadata: { annotations: { 'sim.hale.dev/heartbeat': 'stopped' } } }, [200])));
    const unknown = await until(`${victims.length} nodes Unknown`, 300_000, async () => {
      const ns = await poolNodes(c, 'base');
      return victims.every((v) => ns.find((n) => n.name === v)?.ready !== 'True') || undefined;
    });
    const deleted = await until(`${victims.length} nodes deleted`, 600_000, async () => {
      const ns = await poolNodes(c, 'base');
      return !ns.some((n) => gone.has(n.name)) || undefined;
    });
    const repaired = await until(`${o.nodes} base nodes Ready again`, 600_000, async () => {
      const ns = await poolNodes(c, 'base');
      return ns.filter((n) => n.ready === 'True' && !gone.has(n.name)).length >= o.nodes || undefined;
    });
    const result = {
      unknownSeconds: (unknown.at - t1) / 1000,
      deletedSeconds: (deleted.at - t1) / 1000,
      repairedSeconds: (repaired.at - t1) / 1000,
    };
    say(`repair of ${victims.length} nodes: Unknown ${result.unknownSeconds.toFixed(1)} s, deleted ${result.deletedSeconds.toFixed(1)} s, replaced and Ready ${result.repairedSeconds.toFixed(1)} s`);

    // 3. scale-up for pods only the (empty) burst pool can take.
    await must(c, 'POST', '/apis/autoscaling.hale.dev/v1alpha1/nodepools', pool('burst', 0, 1000, o.repairAfter, { tier: 'burst' }), [201]);
    const labels = { app: 'burst' };
    const t2 = wallMs();
    await must(c, 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'burst', namespace: NAMESPACE },
      spec: { replicas: o.pods, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { nodeSelector: { tier: 'burst' }, containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } } },
    }, [201]);
    const first = await until('the first burst node', 300_000, async () => (await poolNodes(c, 'burst')).length > 0 || undefined);
    const tReady = await census.until(() => census.ready >= o.pods, Math.max(600_000, o.pods * 100), `${o.pods} pods Ready`);
    const burst = await poolNodes(c, 'burst');
    const r: AutoscaleResult = {
      nodes: o.nodes,
      upSeconds,
      failNodes: victims.length,
      ...result,
      pods: o.pods,
      burstNodes: burst.length,
      firstNodeSeconds: (first.at - t2) / 1000,
      podsReadySeconds: (tReady - t2) / 1000,
    };
    say(`scale-up for ${o.pods} pods: ${burst.length} nodes added (first registered ${r.firstNodeSeconds.toFixed(1)} s), all pods Ready ${r.podsReadySeconds.toFixed(1)} s`);
    return r;
  } finally {
    census.stop();
    c.destroy();
    await hale.stop();
  }
}
