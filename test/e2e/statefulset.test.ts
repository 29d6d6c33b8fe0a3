// StatefulSets as a user drives them with the real kubectl against `hale up`:
// web-0, web-1, web-2 start in order (each after its predecessor is Ready),
// a deleted pod comes back under the same name, a killed container process
// is restarted in place by the kubelet, `rollout restart|status|history|undo`
// work through ControllerRevisions, and scaling down stops the highest
// ordinal first, one at a time. One cluster for the whole file; each step
// builds on the previous one.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { KObject } from '../../src/api/object.js';
import { containerStatus, phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';
import { pidsWithArg } from '../support/processes.js';

const MARKER = '86433';

const manifest = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: app
        image: busybox
        command: ["sleep", "${MARKER}"]
`;

interface Cond {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

describe('StatefulSet with kubectl', () => {
  let c: Cluster;
  const kubectl = (args: string[], timeoutMs?: number) => c.hale.kubectl(args, timeoutMs !== undefined ? { timeoutMs } : {});
  const pods = async (): Promise<KObject[]> => (JSON.parse(ok(await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']))) as { items: KObject[] }).items;
  const isReady = (p: KObject): boolean => ((p.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
  const readyAt = (p: KObject): number => Date.parse(((p.status as { conditions?: Cond[] }).conditions ?? []).find((x) => x.type === 'Ready')?.lastTransitionTime ?? '');
  const readyNames = async (): Promise<string[]> => (await pods()).filter((p) => !p.metadata.deletionTimestamp && phase(p) === 'Running' && isReady(p)).map((p) => p.metadata.name!).sort();
  const rolledOut = async (): Promise<string> => {
    const r = await kubectl(['rollout', 'status', 'statefulset/web', '--timeout=90s'], 100_000);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('starts web-0, web-1, web-2 in order, each after the previous one is Ready', async () => {
    await c.apply(manifest);
    await c.waitFor('3 ready pods', async () => (await readyNames()).join() === 'web-0,web-1,web-2');
    const byName = new Map((await pods()).map((p) => [p.metadata.name!, p]));
    for (const [prev, next] of [['web-0', 'web-1'], ['web-1', 'web-2']] as const) {
      const p = byName.get(prev)!;
      const n = byName.get(next)!;
      // Timestamps have whole seconds: "not before" is what can be checked.
      assert.ok(readyAt(p) <= Date.parse(n.metadata.creationTimestamp!), `${next} created before ${prev} was Ready`);
      assert.ok(Date.parse(p.metadata.creationTimestamp!) <= Date.parse(n.metadata.creationTimestamp!));
    }
    for (const [name, p] of byName) {
      assert.equal(p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], name);
      assert.equal((p.spec as { hostname?: string; subdomain?: string }).hostname, name);
      assert.equal((p.spec as { hostname?: string; subdomain?: string }).subdomain, 'web');
    }
    const events = JSON.parse(ok(await kubectl(['get', 'events', '--field-selector', 'involvedObject.kind=StatefulSet,involvedObject.name=web', '-o', 'json']))) as { items: { reason: string; message: string }[] };
    for (const n of ['web-0', 'web-1', 'web-2']) assert.ok(events.items.some((e) => e.reason === 'SuccessfulCreate' && e.message === `create Pod ${n} in StatefulSet web successful`), JSON.stringify(events.items));
    assert.match(await rolledOut(), /partitioned roll out complete: 3 new pods have been updated/);
    assert.match(ok(await kubectl(['get', 'statefulset', 'web'])), /web\s+3\/3\s/);
  });

  it('kubectl delete pod web-1: web-1 comes back under the same name', async () => {
    const old = (await pods()).find((p) => p.metadata.name === 'web-1')!;
    ok(await kubectl(['delete', 'pod', 'web-1', '--wait=false']));
    let twins = 0;
    await c.waitFor('a new web-1, Ready', async () => {
      const all = (await pods()).filter((p) => p.metadata.name === 'web-1');
      if (all.length > 1) twins++;
      const p = all[0];
      return !!p && p.metadata.uid !== old.metadata.uid && isReady(p);
    });
    assert.equal(twins, 0);
    assert.deepEqual(await readyNames(), ['web-0', 'web-1', 'web-2']);
  });

  it('a killed container process is restarted in place: same pod, restartCount 1', async () => {
    const target = (await pods()).find((p) => p.metadata.name === 'web-2')!;
    const before = containerStatus(target)?.containerID;
    let killed = 0;
    for (const pid of await pidsWithArg(MARKER)) {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
      if (environ.split('\0').includes('HOSTNAME=web-2')) {
        process.kill(pid, 'SIGKILL');
        killed++;
      }
    }
    assert.equal(killed, 1);
    await c.waitFor('restarted in place', async () => {
      const p = await c.pod('web-2');
      const s = containerStatus(p);
      return p.metadata.uid === target.metadata.uid && s?.restartCount === 1 && s.ready && s.containerID !== before;
    });
  });

  it('rollout restart, history and undo go through ControllerRevisions', async () => {
    ok(await kubectl(['rollout', 'restart', 'statefulset/web']));
    assert.match(await rolledOut(), /partitioned roll out complete: 3 new pods have been updated/);
    const history = ok(await kubectl(['rollout', 'history', 'statefulset/web']));
    assert.match(history, /REVISION\s+CHANGE-CAUSE\s*\n1\s+<none>\s*\n2\s+<none>/);
    const restarted = (p: KObject): boolean => !!p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    assert.ok((await pods()).every(restarted), 'every pod was replaced by the restart');
    ok(await kubectl(['rollout', 'undo', 'statefulset/web']));
    await rolledOut();
    await c.waitFor('every pod at the first template again', async () => {
      const all = await pods();
      return all.length === 3 && all.every((p) => !restarted(p) && isReady(p) && !p.metadata.deletionTimestamp);
    });
    assert.match(ok(await kubectl(['rollout', 'history', 'statefulset/web'])), /\n2\s+<none>\s*\n3\s+<none>/);
  });

  it('scale to 1 stops web-2, then web-1', async () => {
    ok(await kubectl(['scale', 'statefulset', 'web', '--replicas', '1']));
    let outOfOrder = '';
    await c.waitFor('only web-0 left', async () => {
      const all = await pods();
      const has = (n: string) => all.find((p) => p.metadata.name === n);
      const w1 = has('web-1');
      if ((!w1 || w1.metadata.deletionTimestamp) && has('web-2')) outOfOrder = 'web-1 went while web-2 was still there';
      return all.length === 1 && all[0]!.metadata.name === 'web-0';
    });
    assert.equal(outOfOrder, '');
    assert.match(await rolledOut(), /partitioned roll out complete: 1 new pods have been updated/);
  });
});
