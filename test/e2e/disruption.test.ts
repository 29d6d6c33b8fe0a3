// PodDisruptionBudgets as a user sees them with the real kubectl against
// `hale up --nodes 2` (the disruption controller keeps PDB status; the
// eviction subresource decides from it):
//
// - a PDB minAvailable 2 over a 3-replica Deployment: `kubectl get pdb`
//   shows ALLOWED DISRUPTIONS 1;
// - evictions through `kubectl create --raw …/eviction`: the first is
//   admitted, a second right after is refused with 429, and once the
//   replacement is Ready one is allowed again;
// - `kubectl drain` of the node holding all three pods evicts them one at a
//   time (retrying on 429) while at least 2 stay Ready, and succeeds.
//
// Pods become Ready 3 s after they start (readinessProbe initialDelaySeconds),
// so "right after" an eviction no replacement can be Ready yet.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../src/api/object.js';
import { phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  replicas: 3
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: app
        image: busybox:1.36
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
        readinessProbe:
          exec: {command: ["true"]}
          initialDelaySeconds: 3
          periodSeconds: 1
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: x
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: x}
`;

interface PdbStatus {
  observedGeneration: number;
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
  disruptedPods?: Record<string, string>;
  conditions: { type: string; status: string; reason: string }[];
}

describe('PodDisruptionBudgets with kubectl', () => {
  let c: Cluster;
  const kubectl = (args: string[], o: { input?: string; timeoutMs?: number } = {}) => c.hale.kubectl(args, o);
  const isReady = (p: KObject): boolean =>
    !p.metadata.deletionTimestamp && phase(p) === 'Running' && ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
  const pods = async (): Promise<KObject[]> => (JSON.parse(ok(await kubectl(['get', 'pods', '-l', 'app=x', '-o', 'json']))) as { items: KObject[] }).items;
  const ready = async (): Promise<KObject[]> => (await pods()).filter(isReady);
  const pdb = async (): Promise<PdbStatus> => (JSON.parse(ok(await kubectl(['get', 'pdb', 'x', '-o', 'json']))) as { status: PdbStatus }).status;
  const nodeOf = (p: KObject): string => (p.spec as { nodeName?: string }).nodeName ?? '';
  const evict = (pod: string) =>
    kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${pod}/eviction`, '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' } }),
    });
  const settled = async (): Promise<void> => {
    await c.waitFor('3 Ready pods and 1 disruption allowed', async () => (await ready()).length === 3 && (await pods()).length === 3 && (await pdb()).disruptionsAllowed === 1);
  };

  before(async () => {
    c = await startCluster({ args: ['--nodes', '2'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('kubectl get pdb shows ALLOWED DISRUPTIONS 1 for minAvailable 2 of 3 Ready pods', async () => {
    await c.apply(manifest);
    const r = await kubectl(['rollout', 'status', 'deployment/x', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const table = await c.waitFor('ALLOWED 1 in kubectl get pdb', async () => {
      const out = ok(await kubectl(['get', 'pdb', 'x']));
      return /\nx\s+2\s+N\/A\s+1\s+\S+\n?$/.test(out) ? out : undefined;
    });
    assert.match(table, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\n/);
    const s = await pdb();
    assert.deepEqual([s.observedGeneration, s.expectedPods, s.currentHealthy, s.desiredHealthy, s.disruptionsAllowed], [1, 3, 3, 2, 1]);
    assert.deepEqual(s.conditions.map((x) => [x.type, x.status, x.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
  });

  it('the first eviction is admitted, a second right after is refused with 429, and one is allowed again once the replacement is Ready', async () => {
    await settled();
    const [first, second] = (await ready()).map((p) => p.metadata.name!);
    const admitted = await evict(first!);
    assert.equal(admitted.code, 0, admitted.stderr);
    const refused = await evict(second!);
    assert.notEqual(refused.code, 0, 'the second eviction must be refused');
    assert.equal(refused.stderr.trim(), "Error from server (TooManyRequests): Cannot evict pod as it would violate the pod's disruption budget.");

    const evicted = (await pods()).find((p) => p.metadata.name === first);
    if (evicted) {
      assert.ok(evicted.metadata.deletionTimestamp, 'the evicted pod is terminating');
      const target = ((evicted.status as { conditions?: { type: string; status: string; reason?: string }[] }).conditions ?? []).find((x) => x.type === 'DisruptionTarget');
      assert.deepEqual([target?.status, target?.reason], ['True', 'EvictionByEvictionAPI']);
    }
    assert.ok((await pods()).some((p) => p.metadata.name === second && !p.metadata.deletionTimestamp), 'the refused pod is untouched');
    const during = await pdb();
    assert.equal(during.disruptionsAllowed, 0);
    assert.deepEqual(during.conditions.map((x) => [x.type, x.status, x.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);

    await settled();
    const again = await evict(second!);
    assert.equal(again.code, 0, again.stderr);
    await settled();
  });

  it('kubectl drain evicts the pods of a node one at a time within the budget', async () => {
    await settled();
    // Gather all three pods on node-1: keep node-1-2 cordoned while its pods are replaced.
    ok(await kubectl(['cordon', 'node-1-2']));
    for (const p of (await pods()).filter((x) => nodeOf(x) === 'node-1-2')) ok(await kubectl(['delete', 'pod', p.metadata.name!, '--wait=false']));
    await c.waitFor('all three Ready on node-1', async () => {
      const all = await pods();
      return all.length === 3 && all.every((p) => isReady(p) && nodeOf(p) === 'node-1');
    });
    ok(await kubectl(['uncordon', 'node-1-2']));
    await settled();

    // Watch the budget from the side while the drain runs: never fewer than 2 Ready pods.
    let minReady = 3;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        minReady = Math.min(minReady, (await ready()).length);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const drain = await kubectl(['drain', 'node-1', '--ignore-daemonsets', '--delete-emptydir-data', '--pod-selector', 'app=x', '--timeout', '90s'], { timeoutMs: 100_000 });
    watching = false;
    await watcher;
    assert.equal(drain.code, 0, `${drain.stdout}\n${drain.stderr}`);
    assert.match(drain.stdout, /node\/node-1 cordoned/);
    assert.match(drain.stdout, /node\/node-1 drained/);
    assert.equal((drain.stdout.match(/pod\/x-\S+ evicted/g) ?? []).length, 3, drain.stdout);
    // Two of the three had to wait for the budget.
    assert.match(drain.stderr, /\(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.ok(minReady >= 2, `only ${minReady} Ready pods during the drain`);

    await settled();
    assert.ok((await pods()).every((p) => nodeOf(p) === 'node-1-2'));
    ok(await kubectl(['uncordon', 'node-1']));
  });
});
