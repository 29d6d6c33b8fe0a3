// `kubectl drain` and `kubectl uncordon` end to end against `hale up --nodes 3`
// with the real kubectl: a 4-replica Deployment under a PodDisruptionBudget
// `minAvailable: 3` whose pods have emptyDir data, plus a DaemonSet (so
// `--ignore-daemonsets` and `--delete-emptydir-data` matter: without them
// kubectl refuses to drain).
//
// - Draining the node with the most Deployment pods cordons it, evicts its
//   Deployment pods one at a time through pods/eviction (retrying on 429
//   while the budget is spent) and succeeds; a sampler running alongside
//   never sees fewer than 3 Ready, non-terminating Deployment pods. The node
//   is then `SchedulingDisabled`, tainted `node.kubernetes.io/unschedulable`,
//   holds no Deployment pod (4 Ready elsewhere) and still runs its DaemonSet
//   pod.
// - `kubectl uncordon` clears spec.unschedulable; the node lifecycle
//   controller then removes the taint.
// - Without those two flags a drain of another node is refused up front.
//   With the budget raised to `minAvailable: 4` no disruption is allowed: a
//   drain of that node with `--timeout=10s` fails after kubectl's 429 retry
//   messages and evicts nothing.
//
// One cluster for the file; each step builds on the previous one.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../src/api/object.js';
import { phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';
import { rawClient } from '../support/raw-client.js';

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: busybox:1.36
        command: ["sleep", "86413"]
        volumeMounts: [{name: scratch, mountPath: /scratch}]
      volumes: [{name: scratch, emptyDir: {}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 3
  selector:
    matchLabels: {app: web}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: agent
        image: busybox:1.36
        command: ["sleep", "86414"]
`;

const NODES = ['node-1', 'node-1-2', 'node-1-3'];
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable:NoSchedule';
const PDB_REFUSAL = "Cannot evict pod as it would violate the pod's disruption budget.";

const nodeOf = (p: KObject): string => (p.spec as { nodeName?: string }).nodeName ?? '';
const isReady = (p: KObject): boolean =>
  !p.metadata.deletionTimestamp &&
  phase(p) === 'Running' &&
  ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
const taintsOf = (n: KObject): string[] => ((n.spec as { taints?: { key: string; effect: string }[] }).taints ?? []).map((t) => `${t.key}:${t.effect}`);
const unschedulable = (n: KObject): boolean => (n.spec as { unschedulable?: boolean }).unschedulable === true;

describe('kubectl drain and uncordon', () => {
  let c: Cluster;
  const kubectl = (args: string[], o: { input?: string; timeoutMs?: number } = {}) => c.hale.kubectl(args, o);
  const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(ok(await kubectl([...args, '-o', 'json']))) as T;
  const podsOf = async (app: string): Promise<KObject[]> => (await getJson<{ items: KObject[] }>(['get', 'pods', '-l', `app=${app}`])).items;
  const node = (name: string): Promise<KObject> => getJson<KObject>(['get', 'node', name]);
  const pdbStatus = async (): Promise<{ disruptionsAllowed: number; observedGeneration: number; generation: number }> => {
    const pdb = await getJson<KObject & { status?: { disruptionsAllowed: number; observedGeneration: number } }>(['get', 'pdb', 'web']);
    return { disruptionsAllowed: pdb.status?.disruptionsAllowed ?? -1, observedGeneration: pdb.status?.observedGeneration ?? -1, generation: pdb.metadata.generation ?? 0 };
  };
  /** Deployment pods by node name (Ready, non-terminating ones only) */
  const readyWebByNode = async (): Promise<Map<string, string[]>> => {
    const m = new Map<string, string[]>();
    for (const p of (await podsOf('web')).filter(isReady)) m.set(nodeOf(p), [...(m.get(nodeOf(p)) ?? []), p.metadata.name ?? '']);
    return m;
  };
  /** all 4 Deployment pods Ready (nothing terminating) and the budget at the expected allowance */
  const settled = async (allowed: number): Promise<Map<string, string[]>> =>
    c.waitFor(`4 Ready Deployment pods, ${allowed} disruption(s) allowed`, async () => {
      const all = await podsOf('web');
      const s = await pdbStatus();
      if (all.length !== 4 || !all.every(isReady) || s.observedGeneration !== s.generation || s.disruptionsAllowed !== allowed) return undefined;
      return readyWebByNode();
    }, 90_000);
  /** the node with the most Deployment pods, preferring one that is not node-1 */
  const busiest = (byNode: Map<string, string[]>, except: string[] = []): string => {
    const candidates = [...byNode.entries()].filter(([n]) => !except.includes(n));
    candidates.sort(([a, pa], [b, pb]) => pb.length - pa.length || Number(a === 'node-1') - Number(b === 'node-1'));
    return candidates[0]?.[0] ?? '';
  };

  before(async () => {
    c = await startCluster({ args: ['--nodes', '3'] });
  });
  after(async () => {
    await c?.stop();
  });

  let drained = '';

  it('drain evicts a node’s Deployment pods within the budget and leaves its DaemonSet pod', async () => {
    await c.apply(manifest);
    const byNode = await settled(1);
    const agents = await c.waitFor('a Ready DaemonSet pod on every node', async () => {
      const ps = (await podsOf('agent')).filter(isReady);
      return ps.length === 3 && NODES.every((n) => ps.some((p) => nodeOf(p) === n)) ? ps : undefined;
    });
    drained = busiest(byNode);
    const victims = byNode.get(drained) ?? [];
    assert.ok(victims.length > 0, `a node holds Deployment pods: ${JSON.stringify([...byNode])}`);
    const agentOnNode = agents.find((p) => nodeOf(p) === drained)!.metadata.name!;

    // Sample the Ready, non-terminating Deployment pods alongside the drain
    // (plain HTTPS GETs: a kubectl process per sample would take longer than the interval).
    const api = rawClient(c.hale.kubeconfig);
    let minReady = 4;
    const seen: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await api.request('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
        if (r.status === 200) {
          const n = (JSON.parse(r.body) as { items: KObject[] }).items.filter(isReady).length;
          minReady = Math.min(minReady, n);
          seen.push(n);
        }
        await new Promise((res) => setTimeout(res, 200));
      }
    })();
    const t0 = Date.now();
    const drain = await kubectl(['drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s'], { timeoutMs: 130_000 });
    const took = Date.now() - t0;
    sampling = false;
    await sampler;
    process.stdout.write(`# drain of ${drained} (${victims.length} Deployment pods): ${took} ms, Ready Deployment pods sampled ${seen.join(',')}\n`);

    assert.equal(drain.code, 0, `${drain.stdout}\n${drain.stderr}`);
    assert.match(drain.stdout, new RegExp(`node/${drained} cordoned`));
    assert.match(drain.stdout, new RegExp(`node/${drained} drained`));
    for (const v of victims) assert.match(drain.stdout, new RegExp(`pod/${v} evicted`), drain.stdout);
    assert.equal((drain.stdout.match(/ evicted$/gm) ?? []).length, victims.length, drain.stdout);
    assert.match(drain.stderr, new RegExp(`Warning: ignoring DaemonSet-managed Pods: default/${agentOnNode}`), drain.stderr);
    assert.doesNotMatch(drain.stdout, /pod\/agent-\S+ evicted/);
    if (victims.length > 1) assert.match(drain.stderr, new RegExp(`\\(will retry after 5s\\): ${PDB_REFUSAL.replace(/[.()]/g, '\\$&')}`), drain.stderr);
    assert.ok(seen.length > 0, 'the sampler ran');
    assert.ok(minReady >= 3, `only ${minReady} Ready Deployment pods during the drain`);

    // The node: SchedulingDisabled, spec.unschedulable, tainted by the node lifecycle controller.
    const table = ok(await kubectl(['get', 'nodes', drained, '--no-headers']));
    assert.match(table, new RegExp(`^${drained}\\s+Ready,SchedulingDisabled\\s`), table);
    assert.ok(unschedulable(await node(drained)));
    await c.waitFor('the unschedulable taint on the drained node', async () => taintsOf(await node(drained)).includes(UNSCHEDULABLE_TAINT));

    // No Deployment pod left on it, 4 Ready elsewhere; its DaemonSet pod stayed.
    const after = await settled(1);
    assert.equal(after.get(drained), undefined, JSON.stringify([...after]));
    assert.ok((await podsOf('web')).every((p) => nodeOf(p) !== drained));
    const agentsAfter = await podsOf('agent');
    const stayed = agentsAfter.find((p) => p.metadata.name === agentOnNode);
    assert.ok(stayed && isReady(stayed) && nodeOf(stayed) === drained, `the DaemonSet pod ${agentOnNode} still runs on ${drained}`);
  });

  it('uncordon clears spec.unschedulable and the unschedulable taint goes', async () => {
    assert.ok(drained, 'the drain step ran');
    const r = ok(await kubectl(['uncordon', drained]));
    assert.match(r, new RegExp(`node/${drained} uncordoned`));
    assert.ok(!unschedulable(await node(drained)));
    await c.waitFor('the unschedulable taint removed', async () => !taintsOf(await node(drained)).includes(UNSCHEDULABLE_TAINT));
    const table = ok(await kubectl(['get', 'nodes', drained, '--no-headers']));
    assert.match(table, new RegExp(`^${drained}\\s+Ready\\s`), table);
  });

  it('with minAvailable 4 a drain cannot evict anything and fails at its timeout', async () => {
    const target = busiest(await settled(1), [drained]);
    // Without the flags kubectl refuses up front (DaemonSet pod, emptyDir data): nothing is evicted.
    const refused = await kubectl(['drain', target, '--timeout=10s'], { timeoutMs: 60_000 });
    assert.notEqual(refused.code, 0, `${refused.stdout}\n${refused.stderr}`);
    assert.match(refused.stderr, /cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\): default\/agent-/, refused.stderr);
    assert.match(refused.stderr, /cannot delete Pods with local storage \(use --delete-emptydir-data to override\): default\/web-/, refused.stderr);
    assert.doesNotMatch(refused.stdout, /evict/, refused.stdout);

    ok(await kubectl(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":4}}']));
    const byNode = await settled(0);
    const before = byNode.get(target) ?? [];
    assert.ok(before.length > 0, `${target} holds Deployment pods: ${JSON.stringify([...byNode])}`);

    const drain = await kubectl(['drain', target, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=10s'], { timeoutMs: 60_000 });
    assert.notEqual(drain.code, 0, `${drain.stdout}\n${drain.stderr}`);
    assert.match(drain.stdout, new RegExp(`node/${target} already cordoned`));
    assert.match(drain.stderr, new RegExp(`\\(will retry after 5s\\): ${PDB_REFUSAL.replace(/[.()]/g, '\\$&')}`), drain.stderr);
    for (const p of before) assert.match(drain.stderr, new RegExp(`error when evicting pods/"${p}" -n "default": global timeout reached: 10s`), drain.stderr);
    assert.match(drain.stderr, new RegExp(`error: unable to drain node "${target}"`), drain.stderr);
    assert.doesNotMatch(drain.stdout, /evicted/, drain.stdout);

    // Nothing was evicted: the same pods, none terminating, the budget untouched.
    const pods = await podsOf('web');
    assert.equal(pods.length, 4);
    assert.ok(pods.every(isReady), 'no Deployment pod is terminating');
    assert.deepEqual(pods.filter((p) => nodeOf(p) === target).map((p) => p.metadata.name).sort(), [...before].sort());
    assert.equal((await pdbStatus()).disruptionsAllowed, 0);

    ok(await kubectl(['uncordon', target]));
    await c.waitFor('the unschedulable taint removed', async () => !taintsOf(await node(target)).includes(UNSCHEDULABLE_TAINT));
  });
});
