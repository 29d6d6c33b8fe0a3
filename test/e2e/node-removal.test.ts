// A removed node's pods come back elsewhere: `hale node remove` stops the
// node and deletes its Node object; the pod garbage collector confirms the
// node is gone (after its 40 s quarantine) and force-deletes the pods bound
// to it, and the ReplicaSet replaces them on the nodes that are left.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import { HALE_BIN } from '../support/hale-process.js';
import { containerStatus, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);

describe('node removal', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ args: ['--nodes', '2'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('the pods of a removed node are garbage-collected and replaced on the remaining node', async () => {
    await c.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: spread}
spec:
  replicas: 4
  selector: {matchLabels: {app: spread}}
  template:
    metadata: {labels: {app: spread}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox, command: [sleep, "86423"]}]
`);
    const pods = async (): Promise<KObject[]> => (JSON.parse(ok(await c.hale.kubectl(['get', 'pods', '-l', 'app=spread', '-o', 'json']))) as { items: KObject[] }).items;
    const nodeOf = (p: KObject): string => (p.spec as { nodeName?: string }).nodeName ?? '';
    const before = await c.waitFor('4 ready pods on both nodes', async () => {
      const ps = (await pods()).filter((p) => containerStatus(p)?.ready);
      return ps.length === 4 && new Set(ps.map(nodeOf)).size === 2 ? ps : undefined;
    });
    const doomed = before.filter((p) => nodeOf(p) === 'node-1-2').map((p) => p.metadata.name);
    assert.ok(doomed.length > 0);
    await run(process.execPath, [HALE_BIN, 'node', 'remove', 'node-1-2', '--data-dir', c.hale.dataDir], { timeout: 60_000 });
    const after = await c.waitFor(
      'the removed node’s pods gone and 4 ready pods on node-1',
      async () => {
        const ps = await pods();
        const ready = ps.filter((p) => containerStatus(p)?.ready && !p.metadata.deletionTimestamp);
        return !ps.some((p) => doomed.includes(p.metadata.name)) && ready.length === 4 && ready.every((p) => nodeOf(p) === 'node-1') ? ready : undefined;
      },
      150_000,
    );
    assert.equal(after.length, 4);
  });
});
