// A control-plane outage stops nothing. On a 3-node local cluster (fencing
// armed), `hale up` — API server, controllers — is killed for longer than
// fenceAfter (8 s) and started again on the same data dir. Meanwhile no node
// can renew its Lease, so each would fence at its deadline; instead they
// grant each other leave to hold (none can reach the API) and keep running.
// Afterwards: no pod was evicted or replaced, no container stopped or
// restarted — the StatefulSet's included.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../src/api/object.js';
import { pidsWithArg } from '../support/processes.js';
import { clusterNetwork, containerStatus, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

interface Seen {
  uid: string;
  node: string;
  containerID: string;
  startedAt: string;
}

async function snapshot(c: Cluster): Promise<Map<string, Seen>> {
  const list = JSON.parse(ok(await c.hale.kubectl(['get', 'pods', '-o', 'json']))) as { items: KObject[] };
  const out = new Map<string, Seen>();
  for (const p of list.items) {
    const s = containerStatus(p);
    out.set(p.metadata.name!, { uid: p.metadata.uid!, node: (p.spec as { nodeName?: string }).nodeName ?? '', containerID: s?.containerID ?? '', startedAt: s?.state.running?.startedAt ?? '' });
  }
  return out;
}

describe('control-plane outage', () => {
  it('killing hale up for longer than fenceAfter evicts, stops and restarts nothing, stateful pods included', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hale-outage-'));
    const net = clusterNetwork();
    const args = ['--nodes', '3'];
    const first = await startCluster({ dataDir, ...net, args });
    let second: Cluster | undefined;
    try {
      await first.apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  podManagementPolicy: Parallel
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox, command: [sleep, "86433"]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox, command: [sleep, "86434"]}]
`);
      const before = await first.waitFor('6 pods running, every node armed', async () => {
        const snap = await snapshot(first);
        const leases = JSON.parse(ok(await first.hale.kubectl(['get', 'leases', '-n', 'kube-node-lease', '-o', 'json']))) as { items: KObject[] };
        const armed = leases.items.filter((l) => l.metadata.annotations?.['hale.dev/fencing-armed'] === 'true').length;
        return snap.size === 6 && [...snap.values()].every((s) => s.startedAt) && armed === 3 ? snap : undefined;
      }, 120_000);
      assert.ok(new Set([...before.values()].filter((_, i) => i < 3).map((s) => s.node)).size >= 1);

      // The containers themselves, as the kernel sees them.
      const pids = async (): Promise<number[]> => [...(await pidsWithArg('86433')), ...(await pidsWithArg('86434'))].sort((a, b) => a - b);
      const pidsBefore = await pids();
      assert.equal(pidsBefore.length, 6);
      first.hale.proc.kill('SIGKILL');
      await new Promise((r) => first.hale.proc.once('exit', r));
      await new Promise((r) => setTimeout(r, 15_000)); // well past fenceAfter (8 s)
      assert.deepEqual(await pids(), pidsBefore, 'every container process lived through the outage');

      second = await startCluster({ dataDir, ...net, args });
      const c = second;
      // Long enough for the controllers to act if they were going to: lifecycle grace, toleration, fencing.
      await new Promise((r) => setTimeout(r, 16_000));
      const afterSnap = await snapshot(c);
      assert.deepEqual([...afterSnap.keys()].sort(), [...before.keys()].sort(), 'the same pods');
      for (const [name, b] of before) {
        const a = afterSnap.get(name)!;
        assert.equal(a.uid, b.uid, `${name} was replaced`);
        assert.equal(a.containerID, b.containerID, `${name}'s container was restarted`);
        assert.equal(a.startedAt, b.startedAt, `${name}'s container was restarted`);
      }
      const pods = JSON.parse(ok(await c.hale.kubectl(['get', 'pods', '-o', 'json']))) as { items: KObject[] };
      for (const p of pods.items) {
        assert.equal(containerStatus(p)?.restartCount, 0, `${p.metadata.name} restarted`);
        assert.ok(!p.metadata.deletionTimestamp, `${p.metadata.name} is being deleted`);
      }
    } finally {
      await first.stop();
      await second?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
