// The stateful case: a 1-replica StatefulSet of `sleep` with a ReadWriteOnce
// persistent volume (class `shared`; grace 1 s; no headless Service: hale's StatefulSet controller, like Kubernetes', only
// uses serviceName for the pod's subdomain). The host's node is cordoned so
// `nf-db-0` always runs on a local node, which can be powered off. Each
// repeat powers off the pod's node and measures, from the power-off's
// return: the node Unknown, tainted unreachable, fenced (the out-of-service
// taint or the `hale.dev/fenced` mark), the old pod object gone, and
// `nf-db-0` Running and Ready again on another node. Kubernetes never gets
// there without a person: the old pod stays Terminating on the dead node and
// the StatefulSet will not create a second `nf-db-0`. A repeat whose pod is
// not back within 90 s is recorded as not recovered; the bench goes on.

import type { Snapshot } from './observer.js';
import { fencedMilestone, fmtS, milestone, NS, nodeTainted, nodeUnknown, powerOff, recover, TAINT_UNREACHABLE, type BenchContext, type Milestone } from './scenario.js';

const APP = 'nf-db';
export const POD = `${APP}-0`;

export interface StatefulRepeat {
  node: string;
  callMs: number;
  deadBeforeT0Ms: number | undefined;
  fencingArmed: string | undefined;
  unknown: Milestone;
  tainted: Milestone;
  fenced: Milestone;
  oldGone: Milestone;
  replaced: Milestone;
  /** where the replacement ran ('' when it did not) */
  replacementNode: string;
}

const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: APP },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: APP } },
    template: {
      metadata: { labels: { app: APP } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'app', image: 'busybox', command: ['sleep', '86413'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      },
    },
    // Its ReadWriteOnce volume of the default `shared` class moves with it: released after fencing, attached on the new node.
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
};

const podUp = (s: Snapshot): boolean => s.pods.some((p) => p.name === POD && p.phase === 'Running' && p.ready && !p.deleting);

async function setUnschedulable(ctx: BenchContext, node: string, unschedulable: boolean): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const g = await ctx.client.call('GET', `/api/v1/nodes/${node}`);
    if (g.status !== 200) throw new Error(`get node ${node}: ${g.status} ${g.body}`);
    const n = JSON.parse(g.body) as { spec?: Record<string, unknown> };
    n.spec = { ...n.spec, unschedulable };
    const u = await ctx.client.call('PUT', `/api/v1/nodes/${node}`, n);
    if (u.status === 200) return;
    if (u.status !== 409) throw new Error(`update node ${node}: ${u.status} ${u.body}`);
  }
  throw new Error(`update node ${node}: conflicts 10 times`);
}

export async function setUpStateful(ctx: BenchContext): Promise<void> {
  await setUnschedulable(ctx, ctx.cluster.hostNode, true);
  const r = await ctx.client.call('POST', `/apis/apps/v1/namespaces/${NS}/statefulsets`, statefulSet);
  if (r.status !== 201) throw new Error(`create StatefulSet: ${r.status} ${r.body}`);
  if ((await ctx.observer.until(podUp, 120_000)) === undefined) throw new Error(`${POD} not Running and Ready within 120 s`);
}

export async function runStatefulRepeat(ctx: BenchContext, i: number): Promise<StatefulRepeat> {
  const old = ctx.observer.latest.pods.find((p) => p.name === POD);
  if (!old || !ctx.cluster.localNodes.includes(old.node)) throw new Error(`${POD} is not on a local node: ${JSON.stringify(old)}`);
  const node = old.node;
  ctx.log(`stateful repeat ${i + 1}: powering off ${node} (runs ${POD})`);

  const off = await powerOff(ctx, node);
  const replacement = (s: Snapshot): boolean => s.pods.some((p) => p.name === POD && p.uid !== old.uid && p.node !== node && p.phase === 'Running' && p.ready && !p.deleting);
  const [unknown, tainted, fenced, oldGone, replaced] = await Promise.all([
    milestone(ctx, off.t0, nodeUnknown(node)),
    milestone(ctx, off.t0, nodeTainted(node, TAINT_UNREACHABLE)),
    fencedMilestone(ctx, off.t0, node),
    milestone(ctx, off.t0, (s) => !s.pods.some((p) => p.uid === old.uid)),
    milestone(ctx, off.t0, replacement),
  ]);
  const replacementNode = replaced === undefined ? '' : (ctx.observer.latest.pods.find((p) => p.name === POD && p.uid !== old.uid)?.node ?? '');
  ctx.log(`  Unknown ${fmtS(unknown)}, tainted ${fmtS(tainted)}, fenced ${fmtS(fenced)}, old pod gone ${fmtS(oldGone)}, ${POD} Ready on ${replacementNode || 'no other node'} ${fmtS(replaced)}`);

  // Back to a healthy cluster; a pod that never moved comes back on its node when it powers on.
  await recover(ctx, node, (s) => podUp(s) && !s.pods.some((p) => p.uid === old.uid));
  return { node, callMs: off.callMs, deadBeforeT0Ms: off.deadBeforeT0Ms, fencingArmed: off.fencingArmed, unknown, tainted, fenced, oldGone, replaced, replacementNode };
}

export async function tearDownStateful(ctx: BenchContext): Promise<void> {
  const r = await ctx.client.call('DELETE', `/apis/apps/v1/namespaces/${NS}/statefulsets/${APP}`);
  if (r.status !== 200 && r.status !== 202) throw new Error(`delete StatefulSet: ${r.status} ${r.body}`);
  await setUnschedulable(ctx, ctx.cluster.hostNode, false);
}
