// A ReplicaSet keeps its pods alive, as a user sees it with the real kubectl
// against `hale up`: a deleted pod is replaced by a new one, a killed
// container process is restarted in place (same pod, same node), and
// scale-down removes the unready pods first.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../src/api/object.js';
import { containerStatus, phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';
import { pidsWithArg } from '../support/processes.js';

const MARKER = '86411';

const rsYaml = (hostDir: string, replicas: number): string => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 2
      volumes:
      - name: flags
        hostPath: {path: ${hostDir}}
      containers:
      - name: app
        image: busybox
        command: ["sleep", "${MARKER}"]
        volumeMounts: [{name: flags, mountPath: /flags}]
        readinessProbe:
          exec: {command: ["sh", "-c", "test ! -f /flags/unready-$(hostname)"]}
          periodSeconds: 1
`;

describe('ReplicaSet healing with the real kubectl', () => {
  let c: Cluster;
  let hostDir: string;
  before(async () => {
    c = await startCluster();
    hostDir = await mkdtemp(join(tmpdir(), 'hale-rs-'));
  });
  after(async () => {
    await c?.stop();
    await rm(hostDir, { recursive: true, force: true });
  });

  const pods = async (): Promise<KObject[]> => (JSON.parse(ok(await c.hale.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']))) as { items: KObject[] }).items;
  const running = async (): Promise<KObject[]> => (await pods()).filter((p) => !p.metadata.deletionTimestamp && phase(p) === 'Running' && containerStatus(p)?.ready);

  it('creates its pods and reports them ready', async () => {
    await c.apply(rsYaml(hostDir, 3));
    await c.waitFor('3 ready pods', async () => (await running()).length === 3);
    await c.waitFor('kubectl get rs shows 3 ready', async () => /web\s+3\s+3\s+3\s/.test(ok(await c.hale.kubectl(['get', 'rs', 'web']))));
  });

  it('kubectl delete pod: a new pod replaces it', async () => {
    const before = await running();
    const victim = before[0]!.metadata.name!;
    ok(await c.hale.kubectl(['delete', 'pod', victim, '--wait=false']));
    const after = await c.waitFor('3 ready pods again, without the deleted one', async () => {
      const r = await running();
      return r.length === 3 && !r.some((p) => p.metadata.name === victim) ? r : undefined;
    });
    assert.equal(after.filter((p) => !before.some((b) => b.metadata.name === p.metadata.name)).length, 1, 'exactly one new pod');
    const events = JSON.parse(ok(await c.hale.kubectl(['get', 'events', '--field-selector', 'involvedObject.kind=ReplicaSet,involvedObject.name=web', '-o', 'json']))) as { items: { reason: string; message: string }[] };
    assert.ok(events.items.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: web-/.test(e.message)), JSON.stringify(events.items));
  });

  it('a killed container process is restarted in place: same pod, same node, restartCount 1', async () => {
    const target = (await running())[0]!;
    const name = target.metadata.name!;
    const pids = await pidsWithArg(MARKER);
    assert.ok(pids.length >= 3, `container processes found: ${pids.length}`);
    // The container of `target`: its process runs in a UTS namespace named after the pod; kill every
    // candidate whose hostname matches by asking the pod's restart count afterwards.
    const before = containerStatus(target)?.containerID;
    const { readFile } = await import('node:fs/promises');
    let killed = 0;
    for (const pid of pids) {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
      if (environ.split('\0').includes(`HOSTNAME=${name}`)) {
        process.kill(pid, 'SIGKILL');
        killed++;
      }
    }
    assert.equal(killed, 1);
    const healed = await c.waitFor('restarted in place', async () => {
      const p = await c.pod(name);
      const s = containerStatus(p);
      return s && s.restartCount === 1 && s.ready && s.containerID !== before ? p : undefined;
    });
    assert.equal((healed.spec as { nodeName: string }).nodeName, (target.spec as { nodeName: string }).nodeName);
    assert.equal((await pods()).length, 3, 'no replacement pod: the kubelet heals it');
  });

  it('scale-down removes unready pods first', async () => {
    ok(await c.hale.kubectl(['scale', 'rs', 'web', '--replicas', '4']));
    const four = await c.waitFor('4 ready', async () => {
      const r = await running();
      return r.length === 4 ? r : undefined;
    });
    const unready = four.slice(0, 2).map((p) => p.metadata.name!);
    for (const n of unready) await writeFile(join(hostDir, `unready-${n}`), '');
    await c.waitFor('2 pods unready', async () => (await pods()).filter((p) => unready.includes(p.metadata.name!) && !containerStatus(p)?.ready).length === 2);
    ok(await c.hale.kubectl(['scale', 'rs', 'web', '--replicas', '2']));
    const left = await c.waitFor('2 pods left', async () => {
      const all = (await pods()).filter((p) => !p.metadata.deletionTimestamp);
      return all.length === 2 ? all : undefined;
    });
    assert.deepEqual(left.map((p) => p.metadata.name).sort(), four.slice(2).map((p) => p.metadata.name).sort(), 'the ready pods stay');
  });
});
