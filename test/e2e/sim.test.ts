// `hale sim` against a real `hale server`, driven with the real kubectl:
// simulated nodes register and stay Ready, a Deployment's pods become Running
// and Ready on them with IPs from each node's pod CIDR, an annotated pod
// crash-loops (restart count, BackOff event) and recovers when the annotation
// goes, a node whose heartbeat is stopped goes Unknown and its pods are
// replaced elsewhere, and it cleans up after itself when revived.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHale, type HaleProcess } from '../support/hale-process.js';
import { startSim, type SimProcess } from '../support/sim-process.js';
import { ok } from '../support/kubectl.js';

interface Pod {
  metadata: { name: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { restartCount: number; ready: boolean; image: string }[] };
}

const ready = (p: Pod): boolean => !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example/web:1}]
`;

describe('hale sim', () => {
  let hale: HaleProcess;
  let sim: SimProcess | undefined;
  const pods = async (): Promise<Pod[]> => (JSON.parse(ok(await hale.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']))) as { items: Pod[] }).items;
  async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  before(async () => {
    hale = await startHale();
    sim = await startSim({ url: hale.url, dataDir: hale.dataDir, nodes: 3, prefix: 'sim', args: ['--lease-renew', '1', '--lease-duration', '4'] });
  });
  after(async () => {
    await sim?.stop();
    await hale?.stop();
  });

  it('registers three Ready simulated nodes', async () => {
    const nodes = JSON.parse(ok(await hale.kubectl(['get', 'nodes', '-l', 'hale/simulated=true', '-o', 'json']))) as { items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[] };
    assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), ['sim-0', 'sim-1', 'sim-2']);
    for (const n of nodes.items) assert.equal(n.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    // Each node takes its Lease as it registers (as a kubelet does): a joined sim's nodes all hold one.
    const leases = ok(await hale.kubectl(['get', 'leases', '-n', 'kube-node-lease', '-o', 'name']));
    for (const n of ['sim-0', 'sim-1', 'sim-2']) assert.ok(leases.includes(`lease.coordination.k8s.io/${n}\n`), `${n} holds its Lease once the sim is up:\n${leases}`);
  });

  it('runs a Deployment: every pod Running and Ready, with an IP of its node', async () => {
    ok(await hale.kubectl(['apply', '-f', '-'], { input: deployment }));
    const all = await until('6 ready pods', async () => {
      const ps = await pods();
      return ps.length === 6 && ps.every((p) => p.status.phase === 'Running' && ready(p)) ? ps : undefined;
    });
    const nodes = JSON.parse(ok(await hale.kubectl(['get', 'nodes', '-o', 'json']))) as { items: { metadata: { name: string }; spec: { podCIDR: string } }[] };
    const cidr = new Map(nodes.items.map((n) => [n.metadata.name, n.spec.podCIDR]));
    for (const p of all) {
      const prefix = cidr.get(p.spec.nodeName ?? '')!.split('.').slice(0, 3).join('.');
      assert.ok(p.status.podIP?.startsWith(`${prefix}.`), `${p.metadata.name} ${p.status.podIP} in ${cidr.get(p.spec.nodeName ?? '')}`);
      assert.equal(p.status.containerStatuses?.[0]?.image, 'registry.example/web:1');
    }
    assert.equal(new Set(all.map((p) => p.status.podIP)).size, 6);
  });

  it('an annotated pod crash-loops with a BackOff event, and recovers when the annotation is removed', async () => {
    const victim = (await pods())[0]!.metadata.name;
    ok(await hale.kubectl(['annotate', 'pod', victim, 'sim.hale.dev/crash=true']));
    await until('a restart', async () => {
      const p = (await pods()).find((x) => x.metadata.name === victim);
      return (p?.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    });
    await until('a BackOff event', async () => {
      const ev = ok(await hale.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${victim},reason=BackOff`, '-o', 'name']));
      return ev.trim() ? ev : undefined;
    });
    ok(await hale.kubectl(['annotate', 'pod', victim, 'sim.hale.dev/crash-']));
    await until('the pod Ready again', async () => {
      const p = (await pods()).find((x) => x.metadata.name === victim);
      return p && ready(p) ? p : undefined;
    });
  });

  it('a node whose heartbeat stops goes Unknown; its pods are replaced on the others; revived, it removes the evicted pods', async () => {
    const before = await pods();
    const victim = before.find((p) => p.spec.nodeName)!.spec.nodeName!;
    ok(await hale.kubectl(['annotate', 'node', victim, 'sim.hale.dev/heartbeat=stopped']));
    await until(`${victim} Unknown`, async () => {
      const s = ok(await hale.kubectl(['get', 'node', victim, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']));
      return s === 'Unknown' ? s : undefined;
    });
    await until('6 ready pods off the lost node', async () => {
      const ps = (await pods()).filter((p) => !p.metadata.deletionTimestamp && p.spec.nodeName !== victim && ready(p));
      return ps.length >= 6 ? ps : undefined;
    }, 90_000);
    ok(await hale.kubectl(['annotate', 'node', victim, 'sim.hale.dev/heartbeat-']));
    await until('the evicted pods gone', async () => {
      const ps = await pods();
      return ps.length === 6 && ps.every((p) => p.spec.nodeName !== victim || !p.metadata.deletionTimestamp) ? ps : undefined;
    }, 90_000);
    await until(`${victim} Ready`, async () => {
      const s = ok(await hale.kubectl(['get', 'node', victim, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']));
      return s === 'True' ? s : undefined;
    });
  });

  it('a deleted pod is gone at once and replaced', async () => {
    const victim = (await pods())[0]!.metadata.name;
    ok(await hale.kubectl(['delete', 'pod', victim, '--wait=true', '--timeout=30s']));
    await until('6 ready pods', async () => {
      const ps = await pods();
      return ps.length === 6 && ps.every(ready) && !ps.some((p) => p.metadata.name === victim) ? ps : undefined;
    });
  });
});
