// A Service's endpoints follow its pods' readiness, as a user sees it with
// the real kubectl against `hale up`: a 2-replica Deployment behind a
// Service shows two ready endpoints in its EndpointSlice (and in the legacy
// Endpoints); when one pod's readiness probe starts failing, its endpoint
// turns ready=false serving=false and moves to notReadyAddresses, while the
// other stays ready.
//
// The probe checks /tmp/ready inside the container; the container removes it
// when the test drops a `down-<pod name>` file into a shared hostPath
// (hale has no `kubectl exec`).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

interface SliceJson {
  metadata: { name: string; labels?: Record<string, string> };
  addressType: string;
  ports?: { name?: string; port?: number; protocol?: string }[];
  endpoints?: { addresses: string[]; conditions: { ready?: boolean; serving?: boolean; terminating?: boolean }; targetRef?: { name?: string }; nodeName?: string }[];
}

const manifests = (hostDir: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ep-web
spec:
  replicas: 2
  selector:
    matchLabels: {app: ep-web}
  template:
    metadata:
      labels: {app: ep-web}
    spec:
      terminationGracePeriodSeconds: 1
      volumes:
      - name: shared
        hostPath: {path: ${hostDir}}
      containers:
      - name: app
        image: busybox
        ports:
        - {name: http, containerPort: 8080}
        env:
        - name: POD_NAME
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        volumeMounts:
        - {name: shared, mountPath: /shared}
        command: ["sh", "-c", "touch /tmp/ready; while true; do if [ -e /shared/down-$POD_NAME ]; then rm -f /tmp/ready; fi; sleep 0.3; done"]
        readinessProbe:
          exec: {command: ["test", "-f", "/tmp/ready"]}
          periodSeconds: 1
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata:
  name: ep-web
spec:
  selector: {app: ep-web}
  ports:
  - {name: web, port: 80, targetPort: http}
`;

describe('Service endpoints follow pod readiness', () => {
  let c: Cluster;
  let hostDir: string;
  before(async () => {
    hostDir = await mkdtemp(join(tmpdir(), 'hale-endpoints-'));
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
    await rm(hostDir, { recursive: true, force: true });
  });

  const slices = async (): Promise<SliceJson[]> =>
    (JSON.parse(ok(await c.hale.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ep-web', '-o', 'json']))) as { items: SliceJson[] }).items;
  const endpoints = async (): Promise<NonNullable<SliceJson['endpoints']>> => (await slices()).flatMap((s) => s.endpoints ?? []);

  it('two ready endpoints; a failing readiness probe turns one ready=false serving=false', async () => {
    await c.apply(manifests(hostDir));
    const ready = await c.waitFor('2 ready endpoints', async () => {
      const eps = await endpoints();
      return eps.length === 2 && eps.every((e) => e.conditions.ready === true) ? eps : undefined;
    });
    const [slice] = await slices();
    assert.equal(slice?.addressType, 'IPv4');
    assert.equal(slice?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(slice?.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    assert.ok(ready.every((e) => e.nodeName === 'node-1' && e.addresses.length === 1));
    const table = ok(await c.hale.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ep-web']));
    assert.match(table, /ep-web-\S+\s+IPv4\s+8080\s+\S+,\S+/);

    const victim = ready[0]!;
    const other = ready[1]!;
    await writeFile(join(hostDir, `down-${victim.targetRef?.name}`), '');
    await c.waitFor('victim endpoint not ready', async () => {
      const eps = await endpoints();
      const v = eps.find((e) => e.targetRef?.name === victim.targetRef?.name);
      return v?.conditions.ready === false && v.conditions.serving === false && v.conditions.terminating === false;
    });
    const o = (await endpoints()).find((e) => e.targetRef?.name === other.targetRef?.name);
    assert.equal(o?.conditions.ready, true);

    // The legacy Endpoints agrees.
    const ep = await c.waitFor('Endpoints split', async () => {
      const e = JSON.parse(ok(await c.hale.kubectl(['get', 'endpoints', 'ep-web', '-o', 'json']))) as { subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports?: { port: number }[] }[] };
      const s = e.subsets?.[0];
      return s?.notReadyAddresses?.length === 1 && s.addresses?.length === 1 ? s : undefined;
    });
    assert.equal(ep.notReadyAddresses?.[0]?.ip, victim.addresses[0]);
    assert.equal(ep.addresses?.[0]?.ip, other.addresses[0]);
    assert.deepEqual(ep.ports?.map((p) => p.port), [8080]);
  });
});
