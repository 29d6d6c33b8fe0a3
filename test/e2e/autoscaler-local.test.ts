// Node autoscaling with the `local` provider, driven by the real kubectl
// against `hale up` (root: each pool node is a local node in its own
// namespaces, with its own `hale agent`): a Deployment scaled beyond the
// pool makes it grow and every pod run; scaling it back drains and removes
// the extra node; powering a pool node off gets it replaced and its pod
// Running on a new node.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import { HALE_BIN } from '../support/hale-process.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);

const POOL = `apiVersion: autoscaling.hale.dev/v1alpha1
kind: NodePool
metadata: {name: burst}
spec:
  minNodes: 0
  maxNodes: 3
  provider: {type: local}
  template:
    metadata: {labels: {tier: burst}}
  scaleDown: {unneededFor: 10s}
  repair: {after: 10s}
  provisionTimeout: 2m
`;

// Each local node offers this machine's CPUs; a replica asks for 40 % of them, so two fit on a node.
const deployment = (replicas: number, cpuMilli: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {tier: burst}
      terminationGracePeriodSeconds: 2
      containers:
      - name: web
        image: busybox
        command: ["sleep", "3600"]
        resources: {requests: {cpu: ${cpuMilli}m}}
`;

interface PodView {
  name: string;
  node: string;
  phase: string;
  ready: boolean;
}

describe('node autoscaling: local provider', () => {
  let c: Cluster;
  let cpuMilli = 0;
  const kubectlJson = async <T>(args: string[]): Promise<T> => JSON.parse(ok(await c.hale.kubectl([...args, '-o', 'json']))) as T;
  const poolNodes = async (): Promise<KObject[]> => (await kubectlJson<{ items: KObject[] }>(['get', 'nodes', '-l', 'autoscaling.hale.dev/nodepool=burst'])).items;
  const pods = async (): Promise<PodView[]> =>
    (await kubectlJson<{ items: KObject[] }>(['get', 'pods', '-l', 'app=web'])).items
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => {
        const st = p.status as { phase?: string; conditions?: { type: string; status: string }[] } | undefined;
        return { name: p.metadata.name ?? '', node: String((p.spec as { nodeName?: string }).nodeName ?? ''), phase: st?.phase ?? '', ready: !!st?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') };
      });
  const allReady = async (n: number): Promise<PodView[] | undefined> => {
    const ps = await pods();
    return ps.length === n && ps.every((p) => p.ready) ? ps : undefined;
  };

  before(async () => {
    c = await startCluster();
    const host = await kubectlJson<KObject>(['get', 'node', 'node-1']);
    const cpus = Number((host.status as { allocatable: { cpu: string } }).allocatable.cpu);
    cpuMilli = Math.floor((cpus * 1000 * 40) / 100);
  });
  after(async () => {
    await c?.stop();
  });

  it('kubectl serves the pool; scaling a Deployment beyond it grows the pool until every pod runs', async () => {
    await c.apply(POOL);
    await c.apply(deployment(4, cpuMilli));
    const ready = await c.waitFor('4 web pods Ready', () => allReady(4), 180_000);
    const nodes = await poolNodes();
    assert.equal(nodes.length, 2, 'two nodes for four pods that fit two to a node');
    for (const p of ready) assert.match(p.node, /^burst-[a-z0-9]{5}$/);
    const events = await c.events(ready[0]!.name);
    assert.ok(events.some((e) => e.reason === 'TriggeredScaleUp') || (await c.events(ready[3]!.name)).some((e) => e.reason === 'TriggeredScaleUp'));
    // The pool's status counts a machine once its launch has finished, which may be a moment after its node is Ready.
    const table = await c.waitFor('the pool status at 2 nodes, 2 Ready', async () => {
      const t = ok(await c.hale.kubectl(['get', 'nodepools']));
      return /burst\s+local\s+0\s+3\s+2\s+2\s/.test(t) ? t : undefined;
    });
    assert.match(table, /NAME\s+PROVIDER\s+MIN\s+MAX\s+NODES\s+READY\s+AGE/);
  });

  it('scaling the Deployment back drains and removes the extra node', async () => {
    ok(await c.hale.kubectl(['scale', 'deployment', 'web', '--replicas', '1']));
    await c.waitFor('one pool node left', async () => (await poolNodes()).length === 1, 120_000);
    const ps = await c.waitFor('the remaining pod Ready', () => allReady(1), 60_000);
    const [node] = await poolNodes();
    assert.equal(ps[0]!.node, node!.metadata.name);
    const events = await kubectlJson<{ items: { reason: string; message: string }[] }>(['get', 'events', '--field-selector', 'involvedObject.name=burst']);
    assert.ok(events.items.some((e) => e.reason === 'ScaleDown' && /removed node burst-/.test(e.message)), JSON.stringify(events.items.map((e) => e.reason)));
  });

  it('a powered-off pool node is replaced and its pod runs on a new node', async () => {
    const [dead] = (await pods()).map((p) => p.node);
    await run(process.execPath, [HALE_BIN, 'node', 'power-off', dead!, '--data-dir', c.hale.dataDir]);
    await c.waitFor(`node ${dead} deleted`, async () => !(await poolNodes()).some((n) => n.metadata.name === dead), 120_000);
    const ps = await c.waitFor('the pod Ready on another pool node', async () => {
      const r = await allReady(1);
      return r && r[0]!.node !== dead ? r : undefined;
    }, 120_000);
    assert.match(ps[0]!.node, /^burst-[a-z0-9]{5}$/);
    const events = await kubectlJson<{ items: { reason: string; message: string }[] }>(['get', 'events', '--field-selector', 'involvedObject.name=burst']);
    assert.ok(events.items.some((e) => e.reason === 'NodeRepair' && e.message.includes(dead!)), JSON.stringify(events.items.map((e) => `${e.reason}: ${e.message}`)));
  });
});
