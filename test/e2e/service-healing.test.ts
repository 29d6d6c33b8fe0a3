// Service healing under load (issue 7's scenarios), one node: a 3-replica
// HTTP Deployment behind a NodePort Service; a bounded load generator on the
// host sends requests through the ClusterIP and through the NodePort on
// 127.0.0.1, each on a new connection, while the test
//   (a) SIGKILLs one pod's server process: no request fails but one already
//       in flight to that process (at most one per loop);
//   (b) makes one pod's readiness probe fail: no request that starts after
//       the API shows the pod unready reaches it, and none fails;
//   (c) deletes a pod: none fails;
//   (d) runs a rolling update (the pods have a 2 s preStop): none fails.
// The pods' readiness is an exec probe on a control file in a hostPath the
// test owns (hale has no `kubectl exec`).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';
import { HttpLoad, type Sample } from '../support/http-load.js';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const failures = (s: Sample[]): Sample[] => s.filter((x) => !x.ok);
const summary = (s: Sample[]): string => `${s.length} requests, ${failures(s).length} failed${failures(s).length ? `: ${JSON.stringify(failures(s).slice(0, 5))}` : ''}`;

describe('service healing under load', () => {
  let c: Cluster;
  let ctl: string;
  let load: HttpLoad;
  before(async () => {
    ctl = await mkdtemp(join(tmpdir(), 'hale-svc-ctl-'));
    c = await startCluster();
    await c.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 3
  selector: {matchLabels: {app: echo}}
  strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: http
        image: python
        command: [sh, -c, 'mkdir -p /tmp/www-$POD_NAME && echo "$POD_NAME" > /tmp/www-$POD_NAME/index.html && exec python3 -m http.server 8080 --bind 0.0.0.0 --directory /tmp/www-$POD_NAME']
        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {exec: {command: [sh, -c, 'test ! -f /ctl/down-$POD_NAME']}, periodSeconds: 1, failureThreshold: 1}
        lifecycle: {preStop: {exec: {command: [sleep, '2']}}}
        volumeMounts: [{name: ctl, mountPath: /ctl}]
      volumes: [{name: ctl, hostPath: {path: ${ctl}}}]
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  type: NodePort
  selector: {app: echo}
  ports: [{name: http, port: 80, targetPort: http}]
`);
    await readyPods(3);
    const svc = JSON.parse(await kubectl('get', 'svc', 'echo', '-o', 'json')) as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
    load = new HttpLoad([`http://${svc.spec.clusterIP}/`, `http://127.0.0.1:${svc.spec.ports[0]!.nodePort}/`]);
    load.start();
    await sleep(1000);
  });
  after(async () => {
    await load?.stop();
    await c?.stop();
    await rm(ctl, { recursive: true, force: true });
  });

  const kubectl = async (...args: string[]): Promise<string> => ok(await c.hale.kubectl(args));
  const pods = async (): Promise<KObject[]> => (JSON.parse(await kubectl('get', 'pods', '-l', 'app=echo', '-o', 'json')) as { items: KObject[] }).items;
  const isReady = (p: KObject): boolean => ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
  async function readyPods(n: number): Promise<KObject[]> {
    return c.waitFor(`${n} ready echo pods and endpoints`, async () => {
      const ps = (await pods()).filter((p) => isReady(p) && !p.metadata.deletionTimestamp);
      const slices = JSON.parse(await kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo', '-o', 'json')) as { items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] };
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
      return ps.length === n && ready === n ? ps : undefined;
    }, 120_000);
  }

  it('(a) a SIGKILLed server process costs at most the request in flight to it', async () => {
    const [victim] = await readyPods(3);
    const name = victim!.metadata.name!;
    const t = Date.now();
    const { stdout } = await run('pgrep', ['-f', `http.server 8080 .*www-${name}`]);
    for (const pid of stdout.trim().split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    await sleep(3000);
    await readyPods(3);
    const s = load.since(t);
    process.stdout.write(`# (a) ${summary(s)}\n`);
    assert.ok(failures(s).length <= 2, summary(s));
  });

  it('(b) an unready pod gets no request once the API shows it unready, and none fails', async () => {
    const [victim] = await readyPods(3);
    const name = victim!.metadata.name!;
    const t = Date.now();
    await writeFile(join(ctl, `down-${name}`), '');
    const seenUnready = await c.waitFor(`${name} unready`, async () => (!isReady(await c.pod(name)) ? Date.now() : undefined));
    await sleep(3000);
    const s = load.since(t);
    const late = s.filter((x) => x.ok && x.body === name && x.t0 > seenUnready);
    process.stdout.write(`# (b) ${summary(s)}; requests to ${name} after it was seen unready: ${late.length}\n`);
    assert.equal(late.length, 0);
    assert.equal(failures(s).length, 0, summary(s));
    await rm(join(ctl, `down-${name}`));
    await readyPods(3);
  });

  it('(c) a deleted pod: no request fails', async () => {
    const [victim] = await readyPods(3);
    const t = Date.now();
    await kubectl('delete', 'pod', victim!.metadata.name!, '--wait=false');
    await sleep(1000);
    await readyPods(3);
    await sleep(3000); // the old pod's preStop and exit
    const s = load.since(t);
    process.stdout.write(`# (c) ${summary(s)}\n`);
    assert.equal(failures(s).length, 0, summary(s));
  });

  it('(d) a rolling update: no request fails', async () => {
    const t = Date.now();
    await kubectl('set', 'env', 'deployment/echo', 'VERSION=2');
    ok(await c.hale.kubectl(['rollout', 'status', 'deployment/echo', '--timeout=120s'], { timeoutMs: 130_000 }));
    await readyPods(3);
    await sleep(3000);
    const s = load.since(t);
    process.stdout.write(`# (d) ${summary(s)}\n`);
    assert.equal(failures(s).length, 0, summary(s));
  });
});
