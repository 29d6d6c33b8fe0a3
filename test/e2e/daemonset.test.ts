// DaemonSets as a user drives them with the real kubectl against `hale up
// --nodes 2`: a Running pod on every node and `rollout status`; a node added
// later (`hale node add`) gets its pod; a deleted pod is replaced on the same
// node; `rollout restart` rolls every node over, `rollout history` lists
// both revisions and `rollout undo` goes back. One cluster for the file;
// each step builds on the previous one.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import { HALE_BIN } from '../support/hale-process.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);

const manifest = `apiVersion: apps/v1
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
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
`;

describe('DaemonSets with kubectl', () => {
  let c: Cluster;
  const kubectl = (args: string[], timeoutMs?: number) => c.hale.kubectl(args, timeoutMs !== undefined ? { timeoutMs } : {});
  const pods = async (): Promise<KObject[]> =>
    (JSON.parse(ok(await kubectl(['get', 'pods', '-l', 'app=agent', '-o', 'json']))) as { items: KObject[] }).items.filter((p) => !p.metadata.deletionTimestamp);
  const nodeOf = (p: KObject): string => (p.spec as { nodeName?: string }).nodeName ?? '';
  const ready = (p: KObject): boolean =>
    ((p.status as { phase?: string }).phase === 'Running') && ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
  const nodeNames = async (): Promise<string[]> =>
    (JSON.parse(ok(await kubectl(['get', 'nodes', '-o', 'json']))) as { items: KObject[] }).items.map((n) => n.metadata.name ?? '').sort();
  /** one Ready pod on each node, and nothing else: the pods by node */
  const onEveryNode = async (): Promise<Map<string, KObject> | undefined> => {
    const nodes = await nodeNames();
    const mine = await pods();
    if (mine.length !== nodes.length || !mine.every(ready)) return undefined;
    const byNode = new Map(mine.map((p) => [nodeOf(p), p]));
    return nodes.every((n) => byNode.has(n)) ? byNode : undefined;
  };
  const rolledOut = async (): Promise<void> => {
    const r = await kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=90s'], 100_000);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /daemon set "agent" successfully rolled out/);
  };

  before(async () => {
    c = await startCluster({ args: ['--nodes', '2'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('runs a Ready pod on every node and rolls out', async () => {
    await c.apply(manifest);
    const byNode = await c.waitFor('a Ready pod on both nodes', onEveryNode);
    assert.deepEqual([...byNode.keys()].sort(), ['node-1', 'node-1-2']);
    const pod = byNode.get('node-1-2')!;
    const terms = (pod.spec as { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: unknown } } } }).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    assert.deepEqual(terms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1-2'] }] }]);
    assert.ok(pod.metadata.labels?.['controller-revision-hash']);
    await rolledOut();
    const ds = JSON.parse(ok(await kubectl(['get', 'ds', 'agent', '-o', 'json']))) as { status: Record<string, number> };
    assert.equal(ds.status.desiredNumberScheduled, 2);
    assert.equal(ds.status.numberReady, 2);
    assert.equal(ds.status.updatedNumberScheduled, 2);
    const table = ok(await kubectl(['get', 'ds', 'agent']));
    assert.match(table, /agent\s+2\s+2\s+2\s+2\s+2\s/);
  });

  it('gives a node added later its pod', async () => {
    await run(process.execPath, [HALE_BIN, 'node', 'add', 'node-late', '--data-dir', c.hale.dataDir]);
    const byNode = await c.waitFor('a Ready pod on node-late', async () => {
      const m = await onEveryNode();
      return m?.has('node-late') ? m : undefined;
    }, 90_000);
    assert.equal(byNode.size, 3);
    await rolledOut();
  });

  it('replaces a deleted pod on the same node', async () => {
    const victim = (await pods()).find((p) => nodeOf(p) === 'node-1-2')!;
    ok(await kubectl(['delete', 'pod', victim.metadata.name!]));
    const byNode = await c.waitFor('a new Ready pod on node-1-2', async () => {
      const m = await onEveryNode();
      return m && m.get('node-1-2')?.metadata.name !== victim.metadata.name ? m : undefined;
    });
    assert.equal(nodeOf(byNode.get('node-1-2')!), 'node-1-2');
    const events = await c.events('agent');
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: agent-/.test(e.message)), JSON.stringify(events));
  });

  it('rollout restart, history and undo go through ControllerRevisions', async () => {
    const before = new Set((await pods()).map((p) => p.metadata.name));
    ok(await kubectl(['rollout', 'restart', 'daemonset/agent']));
    await rolledOut();
    const after = await c.waitFor('every pod replaced', async () => {
      const m = await onEveryNode();
      return m && [...m.values()].every((p) => !before.has(p.metadata.name)) ? m : undefined;
    }, 90_000);
    assert.equal(after.size, 3);
    const history = ok(await kubectl(['rollout', 'history', 'daemonset/agent']));
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const second = ok(await kubectl(['rollout', 'history', 'daemonset/agent', '--revision=2']));
    assert.match(second, /Pod Template:/);
    assert.match(second, /kubectl\.kubernetes\.io\/restartedAt/);

    ok(await kubectl(['rollout', 'undo', 'daemonset/agent']));
    await rolledOut();
    const ds = JSON.parse(ok(await kubectl(['get', 'ds', 'agent', '-o', 'json']))) as { spec: { template: { metadata: { annotations?: Record<string, string> } } } };
    assert.equal(ds.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], undefined);
    const revisions = ok(await kubectl(['rollout', 'history', 'daemonset/agent']));
    assert.match(revisions, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
  });
});
