// A StatefulSet pod moves off a node that is cut off the network, and two
// copies of it never run at once. On a 3-node local cluster (fencing armed:
// three members), the node of a 1-replica StatefulSet is cut off; its
// container appends "<pod uid> <time>" lines to a hostPath file every node
// shares. The cut-off agent cannot renew its Lease: its supervisor kills the
// container at the fencing deadline (8 s after the last renewal was sent);
// the control plane, 12 s after it last saw a renewal and with two of three
// members healthy, revokes the Lease, marks the node out of service and
// force-deletes the pod; the StatefulSet recreates it on another node. The
// file must show two incarnations and no line of the old one after the new
// one's first. Healed, the old node must not start the pod again.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import { HALE_BIN } from '../support/hale-process.js';
import { containerStatus, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);
const nodeOf = (p: KObject): string => (p.spec as { nodeName?: string }).nodeName ?? '';

describe('node fencing', () => {
  let c: Cluster;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hale-fence-'));
    c = await startCluster({ args: ['--nodes', '3'] });
  });
  after(async () => {
    await c?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const hale = (...args: string[]): Promise<unknown> => run(process.execPath, [HALE_BIN, 'node', ...args, '--data-dir', c.hale.dataDir], { timeout: 60_000 });
  const kubectl = async (...args: string[]): Promise<string> => ok(await c.hale.kubectl(args));

  it('a cut-off node’s StatefulSet pod starts elsewhere only after the old one is dead, and never again on the old node', async () => {
    const victim = 'node-1-2';
    // Only the victim may take the pod at first.
    await kubectl('cordon', 'node-1');
    await kubectl('cordon', 'node-1-3');
    await c.apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: busybox
        command: [sh, -c, 'while true; do echo "$UID_ $(date +%s)" >> /shared/log; sleep 0.2; done']
        env: [{name: UID_, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}]
        volumeMounts: [{name: shared, mountPath: /shared}]
      volumes: [{name: shared, hostPath: {path: ${dir}}}]
`);
    const first = await c.waitFor('db-0 running on the victim', async () => {
      const p = await c.pod('db-0');
      return containerStatus(p)?.ready && nodeOf(p) === victim ? p : undefined;
    }, 90_000);
    await kubectl('uncordon', 'node-1');
    await kubectl('uncordon', 'node-1-3');
    const lease = JSON.parse(await kubectl('get', 'lease', '-n', 'kube-node-lease', victim, '-o', 'json')) as KObject;
    await c.waitFor('the victim’s fencing armed (three members)', async () => {
      const l = JSON.parse(await kubectl('get', 'lease', '-n', 'kube-node-lease', victim, '-o', 'json')) as KObject;
      return l.metadata.annotations?.['hale.dev/fencing-armed'] === 'true';
    }, 30_000);
    assert.ok(lease);

    const t0 = Date.now();
    await hale('cut', victim);
    const second = await c.waitFor('db-0 recreated and ready on another node', async () => {
      const p = await c.pod('db-0');
      return p.metadata.uid !== first.metadata.uid && containerStatus(p)?.ready && nodeOf(p) !== victim ? p : undefined;
    }, 120_000);
    process.stdout.write(`# cut-off node: StatefulSet pod ready elsewhere after ${Date.now() - t0} ms\n`);
    const events = await c.events(victim, 'default');
    assert.ok(events.some((e) => e.reason === 'NodeFenced'), JSON.stringify(events.map((e) => e.reason)));

    await hale('heal', victim);
    await c.waitFor('the healed node Ready again', async () => {
      const n = JSON.parse(await kubectl('get', 'node', victim, '-o', 'json')) as KObject;
      return ((n.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
    }, 90_000);
    await new Promise((r) => setTimeout(r, 3000)); // time for a wrong restart to show in the file

    const lines = (await readFile(join(dir, 'log'), 'utf8')).trim().split('\n').map((l) => l.split(' ')[0]);
    const firstNew = lines.indexOf(second.metadata.uid!);
    assert.ok(lines.includes(first.metadata.uid!) && firstNew > 0, 'two incarnations wrote');
    assert.equal(lines.slice(firstNew).filter((u) => u === first.metadata.uid).length, 0, 'no line of the old incarnation after the new one’s first');
    assert.deepEqual([...new Set(lines)].sort(), [first.metadata.uid, second.metadata.uid].sort(), 'no third incarnation');
    const now = await c.pod('db-0');
    assert.equal(now.metadata.uid, second.metadata.uid);
    assert.notEqual(nodeOf(now), victim);
  });
});
