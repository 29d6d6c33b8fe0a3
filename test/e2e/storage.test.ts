// Persistent storage with the real kubectl on a 3-node local cluster: a claim
// of the default `shared` class is provisioned and bound; data written by one
// pod is read by its replacement on another node; a second pod on another
// node that wants the same ReadWriteOnce claim waits with Multi-Attach until
// the first is gone; a StatefulSet keeps each ordinal's data across pod
// deletion and scale down/up; a vanished backing directory is a visible
// storage failure that deletes nothing and heals when the directory is back;
// reclaim Delete removes the data only with the claim. Last, the node of a
// StatefulSet pod with a shared RWO volume is cut off: the volume follows the
// pod to another node only after fencing, the data from before is intact and
// no write of the old incarnation lands after the new one's first.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rename, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { KObject } from '../../src/api/object.js';
import { HALE_BIN } from '../support/hale-process.js';
import { containerStatus, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);
const nodeOf = (p: KObject): string => (p.spec as { nodeName?: string }).nodeName ?? '';
const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

describe('persistent storage', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ args: ['--nodes', '3'] });
  });
  after(async () => {
    await c?.stop();
  });

  const kubectl = async (...args: string[]): Promise<string> => ok(await c.hale.kubectl(args));
  const json = async (...args: string[]): Promise<KObject> => JSON.parse(await kubectl(...args, '-o', 'json')) as KObject;
  const claimPath = async (claim: string): Promise<string> => {
    const pvc = await json('get', 'pvc', claim);
    const pv = await json('get', 'pv', (pvc.spec as { volumeName: string }).volumeName);
    return (pv.spec as { csi: { volumeAttributes: { path: string } } }).csi.volumeAttributes.path;
  };
  const podOn = (name: string, node: string, claim: string, script: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeSelector: {kubernetes.io/hostname: ${node}}
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: [sh, -c, '${script}']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: ${claim}}}]
`;
  const ready = (name: string): Promise<KObject> => c.waitFor(`${name} ready`, async () => {
    const p = await c.pod(name);
    return containerStatus(p)?.ready ? p : undefined;
  }, 90_000);

  it('a claim is provisioned and bound; its data moves with the pod; a second node waits with Multi-Attach', async () => {
    await c.apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`);
    await c.waitFor('claim Bound', async () => (await kubectl('get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}')) === 'Bound');
    const pvc = await json('get', 'pvc', 'data');
    assert.equal((pvc.spec as { storageClassName?: string }).storageClassName, 'shared', 'the default class');
    const path = await claimPath('data');
    assert.ok(await exists(path), `backing directory ${path}`);

    await c.apply(podOn('writer', 'node-1', 'data', 'echo hello-from-writer > /data/greeting; sleep 3600'));
    await ready('writer');
    await c.apply(podOn('reader', 'node-1-2', 'data', 'cat /data/greeting; sleep 3600'));
    await c.waitFor('Multi-Attach event on the reader', async () => (await c.events('reader')).some((e) => e.reason === 'FailedAttachVolume' && /Multi-Attach error for volume ".*" Volume is already used by pod\(s\) writer/.test(e.message)));
    const waiting = await c.pod('reader');
    assert.notEqual(containerStatus(waiting)?.ready, true, 'the reader does not start while the writer has the volume');

    await kubectl('delete', 'pod', 'writer', '--wait=true');
    await ready('reader');
    await c.waitFor('the reader saw the writer\'s data', async () => (await kubectl('logs', 'reader')).includes('hello-from-writer'));
    await kubectl('delete', 'pod', 'reader', '--wait=true');
  });

  it('a vanished backing directory: FailedMount, VolumeUnavailable, the pod waits, nothing is deleted; it starts once restored', async () => {
    const path = await claimPath('data');
    await rename(path, `${path}.away`);
    await c.apply(podOn('fragile', 'node-1-3', 'data', 'cat /data/greeting; sleep 3600'));
    await c.waitFor('FailedMount on the pod', async () => (await c.events('fragile')).some((e) => e.reason === 'FailedMount' && e.message.includes(path) && e.message.includes('does not exist')));
    const pvName = (await json('get', 'pvc', 'data')).spec as { volumeName: string };
    await c.waitFor('VolumeUnavailable on the volume', async () => (await c.events(pvName.volumeName)).some((e) => e.reason === 'VolumeUnavailable'));
    const p = await c.pod('fragile');
    const cond = ((p.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] }).conditions ?? []).find((x) => x.type === 'hale.dev/VolumesReady');
    assert.equal(cond?.status, 'False');
    assert.equal(cond?.reason, 'VolumeUnavailable');
    assert.equal(await kubectl('get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}'), 'Bound', 'the claim is untouched');

    await rename(`${path}.away`, path);
    await ready('fragile');
    await c.waitFor('data intact', async () => (await kubectl('logs', 'fragile')).includes('hello-from-writer'));
    await kubectl('delete', 'pod', 'fragile', '--wait=true');
  });

  it('reclaim Delete removes the data only when the claim is deleted', async () => {
    const path = await claimPath('data');
    assert.ok(await exists(path));
    await kubectl('delete', 'pvc', 'data', '--wait=true');
    await c.waitFor('volume and data gone', async () => !(await exists(path)) && !(await kubectl('get', 'pv', '-o', 'name')).includes('pvc-'));
  });

  it('a StatefulSet keeps each ordinal\'s data across pod deletion and scale down/up', async () => {
    await c.apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 2
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: busybox
        command: [sh, -c, '[ -f /data/born ] || echo "$HOSTNAME-$(date +%s%N)" > /data/born; cat /data/born; sleep 3600']
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`);
    await ready('web-0');
    await ready('web-1');
    const born = async (pod: string): Promise<string> => c.waitFor(`${pod} printed its identity`, async () => (await kubectl('logs', pod)).trim() || undefined);
    const id0 = await born('web-0');
    const id1 = await born('web-1');
    assert.match(id0, /^web-0-/);
    assert.match(id1, /^web-1-/);

    const old = await c.pod('web-0');
    await kubectl('delete', 'pod', 'web-0', '--wait=true');
    await c.waitFor('web-0 recreated and ready', async () => {
      const p = await c.pod('web-0');
      return p.metadata.uid !== old.metadata.uid && containerStatus(p)?.ready ? p : undefined;
    }, 90_000);
    assert.equal(await born('web-0'), id0, 'same data after the pod was replaced');

    await kubectl('scale', 'statefulset', 'web', '--replicas=1');
    await c.waitFor('web-1 gone', async () => !(await kubectl('get', 'pods', '-o', 'name')).includes('pod/web-1'));
    assert.equal(await kubectl('get', 'pvc', 'data-web-1', '-o', 'jsonpath={.status.phase}'), 'Bound', 'the claim outlives the scale-down (retention Retain)');
    await kubectl('scale', 'statefulset', 'web', '--replicas=2');
    await ready('web-1');
    assert.equal(await born('web-1'), id1, 'same data after scale down and up');
    await kubectl('delete', 'statefulset', 'web', '--wait=true');
  });

  it('the local class: the volume is made on the node the first pod is scheduled to, and its pods stay there', async () => {
    await c.apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: scratch}
spec:
  storageClassName: local
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`);
    await c.waitFor('WaitForFirstConsumer', async () => (await c.events('scratch')).some((e) => e.reason === 'WaitForFirstConsumer'));
    const script = 'echo hi >> /data/seen; wc -l < /data/seen; sleep 3600';
    const pod = (name: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: [sh, -c, '${script}']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: scratch}}]
`;
    await c.apply(pod('local-1'));
    const first = await ready('local-1');
    const pv = await json('get', 'pv', ((await json('get', 'pvc', 'scratch')).spec as { volumeName: string }).volumeName);
    const affinity = JSON.stringify((pv.spec as { nodeAffinity?: unknown }).nodeAffinity);
    assert.ok(affinity.includes(`"${nodeOf(first)}"`), `volume pinned to ${nodeOf(first)}: ${affinity}`);
    await kubectl('delete', 'pod', 'local-1', '--wait=true');
    await c.apply(pod('local-2'));
    const second = await ready('local-2');
    assert.equal(nodeOf(second), nodeOf(first), 'scheduled where its volume is');
    await c.waitFor('the data from the first pod', async () => (await kubectl('logs', 'local-2')).trim() === '2');
    await kubectl('delete', 'pod', 'local-2', '--wait=true');
    await kubectl('delete', 'pvc', 'scratch', '--wait=true');
  });

  it('PVC retention whenScaled: Delete removes the condemned ordinal\'s claim, volume and data after its pod is gone', async () => {
    await c.apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: tmp}
spec:
  replicas: 2
  serviceName: tmp
  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Retain}
  selector: {matchLabels: {app: tmp}}
  template:
    metadata: {labels: {app: tmp}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: busybox
        command: [sh, -c, 'echo x > /data/x; sleep 3600']
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`);
    await ready('tmp-1');
    const path = await claimPath('data-tmp-1');
    assert.ok(await exists(path));
    await kubectl('scale', 'statefulset', 'tmp', '--replicas=1');
    await c.waitFor('claim, volume and data of tmp-1 gone', async () => !(await kubectl('get', 'pvc', '-o', 'name')).includes('data-tmp-1') && !(await exists(path)), 90_000);
    assert.equal(await kubectl('get', 'pvc', 'data-tmp-0', '-o', 'jsonpath={.status.phase}'), 'Bound', 'the kept ordinal keeps its claim');
    await kubectl('delete', 'statefulset', 'tmp', '--wait=true');
  });

  it('the node of a StatefulSet pod with a shared RWO volume is cut off: the volume follows the pod only after fencing', async () => {
    const victim = 'node-1-2';
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
        command: [sh, -c, 'while true; do echo "$UID_ $(date +%s)" >> /data/log; sleep 0.2; done']
        env: [{name: UID_, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}]
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: shared
      resources: {requests: {storage: 1Gi}}
`);
    const first = await c.waitFor('db-0 running on the victim', async () => {
      const p = await c.pod('db-0');
      return containerStatus(p)?.ready && nodeOf(p) === victim ? p : undefined;
    }, 90_000);
    await kubectl('uncordon', 'node-1');
    await kubectl('uncordon', 'node-1-3');
    await c.waitFor('the victim’s fencing armed', async () => {
      const l = await json('get', 'lease', '-n', 'kube-node-lease', victim);
      return l.metadata.annotations?.['hale.dev/fencing-armed'] === 'true';
    }, 30_000);
    const path = await claimPath('data-db-0');
    await new Promise((r) => setTimeout(r, 1000)); // some lines from before the failure

    const t0 = Date.now();
    await run(process.execPath, [HALE_BIN, 'node', 'cut', victim, '--data-dir', c.hale.dataDir], { timeout: 60_000 });
    const second = await c.waitFor('db-0 recreated and ready on another node', async () => {
      const p = await c.pod('db-0');
      return p.metadata.uid !== first.metadata.uid && containerStatus(p)?.ready && nodeOf(p) !== victim ? p : undefined;
    }, 120_000);
    process.stdout.write(`# cut-off node: StatefulSet pod with its volume ready elsewhere after ${Date.now() - t0} ms\n`);
    const attachments = JSON.parse(await kubectl('get', 'volumeattachments', '-o', 'json')) as { items: KObject[] };
    const pvName = ((await json('get', 'pvc', 'data-db-0')).spec as { volumeName: string }).volumeName;
    const mine = attachments.items.filter((a) => (a.spec as { source: { persistentVolumeName: string } }).source.persistentVolumeName === pvName);
    assert.equal(mine.length, 1, 'one attachment');
    assert.ok(mine.every((a) => (a.spec as { nodeName: string }).nodeName !== victim), 'the cut-off node holds no attachment of the volume');
    await new Promise((r) => setTimeout(r, 1500)); // lines from the new incarnation

    const lines = (await readFile(`${path}/log`, 'utf8')).trim().split('\n').map((l) => l.split(' ')[0]);
    const firstNew = lines.indexOf(second.metadata.uid!);
    assert.ok(lines.includes(first.metadata.uid!) && firstNew > 0, 'data from before the failure is there');
    assert.equal(lines.slice(firstNew).filter((u) => u === first.metadata.uid).length, 0, 'no write of the old incarnation after the new one’s first');
    await run(process.execPath, [HALE_BIN, 'node', 'heal', victim, '--data-dir', c.hale.dataDir], { timeout: 60_000 });
  });
});
