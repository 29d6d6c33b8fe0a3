// The stateless case: a 6-replica Deployment of `sleep` (grace 1 s) spread
// over the three nodes. Each repeat powers off a local node that runs some
// of its pods and measures, from the power-off's return: the node
// Ready=Unknown, the node tainted unreachable:NoExecute, every lost pod
// marked for deletion (taint eviction, or fencing's force-delete if that
// comes first), all 6 replicas Running and Ready on the live nodes, and —
// off the recovery's path — the node fenced (its Terminating pods
// force-deleted). The node is then powered on and the next repeat starts
// from a healthy cluster.

import type { Snapshot } from './observer.js';
import { readyPods } from './observer.js';
import { fencedMilestone, fmtS, milestone, NS, nodeTainted, nodeUnknown, powerOff, recover, TAINT_UNREACHABLE, type BenchContext, type Milestone } from './scenario.js';

export const REPLICAS = 6;
const APP = 'nf-web';

export interface StatelessRepeat {
  node: string;
  lost: number;
  callMs: number;
  deadBeforeT0Ms: number | undefined;
  fencingArmed: string | undefined;
  unknown: Milestone;
  tainted: Milestone;
  evicted: Milestone;
  fenced: Milestone;
  replaced: Milestone;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: APP },
  spec: {
    replicas: REPLICAS,
    selector: { matchLabels: { app: APP } },
    template: {
      metadata: { labels: { app: APP } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '86412'] }] },
    },
  },
};

const allReady = (s: Snapshot): boolean => readyPods(s, 'app', APP).length >= REPLICAS && s.pods.filter((p) => p.labels.app === APP).length === REPLICAS;

export async function setUpStateless(ctx: BenchContext): Promise<string> {
  const r = await ctx.client.call('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment);
  if (r.status !== 201) throw new Error(`create Deployment: ${r.status} ${r.body}`);
  const nodes = ctx.cluster.localNodes.length + 1;
  const up = await ctx.observer.until((s) => allReady(s) && new Set(readyPods(s, 'app', APP).map((p) => p.node)).size === nodes, 120_000);
  if (up === undefined) throw new Error(`${REPLICAS} ready pods of ${APP} on ${nodes} nodes: not within 120 s`);
  return readyPods(ctx.observer.latest, 'app', APP)[0]!.name;
}

export async function runStatelessRepeat(ctx: BenchContext, i: number): Promise<StatelessRepeat> {
  const before = ctx.observer.latest;
  const running = readyPods(before, 'app', APP);
  // Alternate between the local nodes, taking one that runs some of the pods.
  const order = ctx.cluster.localNodes.map((_, k) => ctx.cluster.localNodes[(i + k) % ctx.cluster.localNodes.length]!);
  const node = order.find((n) => running.some((p) => p.node === n));
  if (!node) throw new Error(`no local node runs a pod of ${APP}: ${JSON.stringify(running.map((p) => p.node))}`);
  const lost = running.filter((p) => p.node === node).map((p) => p.uid);
  ctx.log(`stateless repeat ${i + 1}: powering off ${node} (${lost.length} of ${REPLICAS} pods)`);

  const off = await powerOff(ctx, node);
  const [unknown, tainted, evicted, replaced, fenced] = await Promise.all([
    milestone(ctx, off.t0, nodeUnknown(node)),
    milestone(ctx, off.t0, nodeTainted(node, TAINT_UNREACHABLE)),
    milestone(ctx, off.t0, (s) => lost.every((uid) => s.pods.find((p) => p.uid === uid)?.deleting ?? true)),
    milestone(ctx, off.t0, (s) => readyPods(s, 'app', APP).filter((p) => p.node !== node).length >= REPLICAS),
    fencedMilestone(ctx, off.t0, node),
  ]);
  const rep: StatelessRepeat = { node, lost: lost.length, callMs: off.callMs, deadBeforeT0Ms: off.deadBeforeT0Ms, fencingArmed: off.fencingArmed, unknown, tainted, evicted, fenced, replaced };
  ctx.log(`  Unknown ${fmtS(unknown)}, tainted ${fmtS(tainted)}, lost pods deleting ${fmtS(evicted)}, ${REPLICAS} Ready on live nodes ${fmtS(replaced)}, fenced ${fmtS(fenced)}`);

  await recover(ctx, node, (s) => allReady(s) && !s.pods.some((p) => lost.includes(p.uid)));
  return rep;
}

export async function tearDownStateless(ctx: BenchContext): Promise<void> {
  const r = await ctx.client.call('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/${APP}`);
  if (r.status !== 200 && r.status !== 202) throw new Error(`delete Deployment: ${r.status} ${r.body}`);
  const gone = await ctx.observer.until((s) => !s.pods.some((p) => p.labels.app === APP), 60_000);
  if (gone === undefined) throw new Error(`pods of ${APP} still there 60 s after the Deployment was deleted`);
}
