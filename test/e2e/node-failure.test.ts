// A node that dies takes nobody's pods with it: on a 3-node local cluster a
// node is powered off under a 6-replica Deployment; the node lifecycle
// controller marks it Unknown after its Lease duration and taints it
// unreachable, taint eviction deletes its pods once their 2 s default
// toleration (DefaultTolerationSeconds admission) runs out, and the
// ReplicaSet has replacements Running and Ready on the two other nodes.
// Powered on again, the node is Ready, loses its taints and finishes the
// deletion of its old pods. The wall-clock times are printed, not asserted.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import { HALE_BIN } from '../support/hale-process.js';
import { containerStatus, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);

const nodeOf = (p: KObject): string => (p.spec as { nodeName?: string }).nodeName ?? '';
const taintKeys = (n: KObject): string[] => ((n.spec as { taints?: { key: string; effect: string }[] }).taints ?? []).map((t) => `${t.key}:${t.effect}`);
const readyOf = (n: KObject): string | undefined => ((n.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).find((c) => c.type === 'Ready')?.status;

describe('node failure', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ args: ['--nodes', '3'] });
  });
  after(async () => {
    await c?.stop();
  });

  const hale = (...args: string[]): Promise<unknown> => run(process.execPath, [HALE_BIN, 'node', ...args, '--data-dir', c.hale.dataDir], { timeout: 60_000 });
  const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(ok(await c.hale.kubectl([...args, '-o', 'json']))) as T;

  it('a powered-off node’s Deployment pods are replaced on the other nodes; back on, it is Ready and untainted', async () => {
    await c.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox, command: [sleep, "86411"]}]
`);
    const pods = async (): Promise<KObject[]> => (await getJson<{ items: KObject[] }>(['get', 'pods', '-l', 'app=web'])).items;
    const ready = (ps: KObject[]): KObject[] => ps.filter((p) => containerStatus(p)?.ready && !p.metadata.deletionTimestamp);
    const initial = await c.waitFor('6 ready pods on three nodes', async () => {
      const ps = ready(await pods());
      return ps.length === 6 && new Set(ps.map(nodeOf)).size === 3 ? ps : undefined;
    }, 90_000);
    const victim = 'node-1-2';
    const lost = initial.filter((p) => nodeOf(p) === victim).map((p) => p.metadata.name);
    assert.ok(lost.length > 0, 'the victim runs some of the pods');
    const tolerations = (initial[0]!.spec as { tolerations?: { key?: string; tolerationSeconds?: number }[] }).tolerations ?? [];
    assert.ok(tolerations.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === 2), `default toleration: ${JSON.stringify(tolerations)}`);

    const t0 = Date.now();
    await hale('power-off', victim);
    const unknownAt = await c.waitFor('the node Unknown and tainted unreachable', async () => {
      const n = await getJson<KObject>(['get', 'node', victim]);
      return readyOf(n) === 'Unknown' && taintKeys(n).includes('node.kubernetes.io/unreachable:NoExecute') ? Date.now() : undefined;
    }, 60_000);
    const replacedAt = await c.waitFor('6 ready pods on the two live nodes', async () => {
      const ps = ready(await pods()).filter((p) => nodeOf(p) !== victim);
      return ps.length === 6 ? Date.now() : undefined;
    }, 90_000);
    process.stdout.write(`# node power-off: Unknown+tainted after ${unknownAt - t0} ms, 6 replicas ready elsewhere after ${replacedAt - t0} ms\n`);
    const events = await c.events(victim, 'default');
    assert.ok(events.some((e) => e.reason === 'NodeNotReady'), JSON.stringify(events.map((e) => e.reason)));

    await hale('power-on', victim);
    await c.waitFor('the node Ready again without taints, its old pods gone', async () => {
      const n = await getJson<KObject>(['get', 'node', victim]);
      const ps = await pods();
      return readyOf(n) === 'True' && taintKeys(n).length === 0 && !ps.some((p) => lost.includes(p.metadata.name)) ? true : undefined;
    }, 90_000);
    assert.equal(ready(await pods()).length, 6);
  });
});
