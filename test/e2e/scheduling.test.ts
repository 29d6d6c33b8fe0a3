// The scheduler as a user meets it: pods that fit nowhere stay Pending with
// a FailedScheduling event worded as Kubernetes words it, a cordoned node
// gets no new pods, and two replicas of a port-8080 server on one node both
// answer on their own pod IPs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

function httpStatus(ip: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get({ host: ip, port, path: '/', timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

describe('scheduling on hale up', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('a pod that fits no node stays Pending with FailedScheduling naming the reason', async () => {
    await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "1000"]
    resources: {requests: {cpu: "1000"}}
`);
    const ev = await c.waitFor('FailedScheduling', async () => (await c.events('huge')).find((e) => e.reason === 'FailedScheduling'));
    assert.equal(ev.type, 'Warning');
    assert.match(ev.message, /^0\/1 nodes are available: 1 Insufficient cpu\. preemption: /);
    const pod = await c.pod('huge');
    assert.equal(phase(pod), 'Pending');
    const cond = (pod.status as { conditions: { type: string; status: string; reason: string }[] }).conditions.find((x) => x.type === 'PodScheduled');
    assert.deepEqual([cond?.status, cond?.reason], ['False', 'Unschedulable']);
  });

  it('a cordoned node gets no new pods; uncordoned, it does', async () => {
    ok(await c.hale.kubectl(['cordon', 'node-1']));
    await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: waits}
spec:
  containers:
  - {name: app, image: busybox, command: ["sleep", "1000"]}
`);
    const ev = await c.waitFor('FailedScheduling', async () => (await c.events('waits')).find((e) => e.reason === 'FailedScheduling'));
    assert.match(ev.message, /^0\/1 nodes are available: 1 node\(s\) were unschedulable\./);
    ok(await c.hale.kubectl(['uncordon', 'node-1']));
    await c.waitFor('scheduled after uncordon', async () => phase(await c.pod('waits')) === 'Running');
  });

  it('two replicas of a port-8080 server on one node both answer on their pod IPs', async () => {
    for (const n of ['http-a', 'http-b']) {
      await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: ${n}}
spec:
  containers:
  - name: web
    image: python
    command: ["python3", "-m", "http.server", "8080"]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
`);
    }
    const ips: string[] = [];
    for (const n of ['http-a', 'http-b']) {
      ips.push(await c.waitFor(`${n} ready`, async () => {
        const p = await c.pod(n);
        const st = p.status as { podIP?: string; containerStatuses?: { ready: boolean }[] };
        return st.containerStatuses?.[0]?.ready ? st.podIP : undefined;
      }));
    }
    assert.notEqual(ips[0], ips[1]);
    for (const ip of ips) assert.equal(await httpStatus(ip, 8080), 200);
  });

  it('a scheduling field hale does not honour is refused at admission', async () => {
    const r = await c.hale.kubectl(['apply', '-f', '-'], { input: `apiVersion: v1
kind: Pod
metadata: {name: prio}
spec:
  priorityClassName: high
  containers:
  - {name: app, image: busybox, command: ["sleep", "1"]}
` });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is invalid: spec\.priorityClassName/);
  });
});
