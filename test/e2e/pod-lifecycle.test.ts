// The node agent heals containers by restartPolicy, as a user sees it with
// the real kubectl against `hale up`: crash-loop back-off, OnFailure and
// Never outcomes, liveness restarts, readiness flips, logs of the current
// and previous run, and graceful deletion with preStop.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerStatus, phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const podYaml = (name: string, spec: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${spec}`;

describe('pod lifecycle on a node agent', () => {
  let c: Cluster;
  let hostDir: string;
  before(async () => {
    c = await startCluster();
    hostDir = await mkdtemp(join(tmpdir(), 'hale-hostpath-'));
  });
  after(async () => {
    await c?.stop();
    await rm(hostDir, { recursive: true, force: true });
  });

  it('a command that always exits 1 goes into CrashLoopBackOff with a rising restartCount and BackOff events', async () => {
    await c.apply(podYaml('crash', `  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo run; exit 1"]`));
    const cs = await c.waitFor('restartCount ≥ 2 and CrashLoopBackOff', async () => {
      const s = containerStatus(await c.pod('crash'));
      return s && s.restartCount >= 2 && s.state.waiting?.reason === 'CrashLoopBackOff' ? s : undefined;
    });
    assert.equal(cs.lastState.terminated?.exitCode, 1);
    assert.equal(cs.lastState.terminated?.reason, 'Error');
    assert.match(cs.state.waiting?.message ?? '', /^back-off [\d.]+s restarting failed container=app pod=crash_default\(/);
    assert.equal(phase(await c.pod('crash')), 'Running');
    const events = await c.events('crash');
    assert.ok(events.some((e) => e.reason === 'BackOff' && e.type === 'Warning' && /Back-off restarting failed container app in pod crash_default/.test(e.message)), JSON.stringify(events));
    assert.ok(events.some((e) => e.reason === 'Scheduled'));
    assert.ok(events.some((e) => e.reason === 'Started'));
    const table = ok(await c.hale.kubectl(['get', 'pod', 'crash']));
    assert.match(table, /crash\s+0\/1\s+(CrashLoopBackOff|Error)\s+\d+/);
  });

  it('OnFailure: exit 0 ends Succeeded, exit 1 restarts; Never: exit 1 ends Failed', async () => {
    await c.apply(podYaml('ok-once', `  restartPolicy: OnFailure
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "exit 0"]`));
    await c.apply(podYaml('fail-retry', `  restartPolicy: OnFailure
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "sleep 0.2; exit 1"]`));
    await c.apply(podYaml('fail-never', `  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "exit 3"]`));
    await c.waitFor('ok-once Succeeded', async () => phase(await c.pod('ok-once')) === 'Succeeded');
    assert.equal(containerStatus(await c.pod('ok-once'))?.state.terminated?.reason, 'Completed');
    await c.waitFor('fail-retry restarted', async () => (containerStatus(await c.pod('fail-retry'))?.restartCount ?? 0) >= 1);
    const never = await c.waitFor('fail-never Failed', async () => {
      const p = await c.pod('fail-never');
      return phase(p) === 'Failed' ? p : undefined;
    });
    const s = containerStatus(never)!;
    assert.equal(s.state.terminated?.exitCode, 3);
    assert.equal(s.restartCount, 0);
  });

  it('a failing liveness probe gives Unhealthy and Killing events and a restart', async () => {
    await c.apply(podYaml('live', `  containers:
  - name: web
    image: python
    command: ["python3", "-m", "http.server", "8080"]
    livenessProbe:
      httpGet: {path: /missing, port: 8080}
      periodSeconds: 1
      failureThreshold: 2
      initialDelaySeconds: 1
      terminationGracePeriodSeconds: 2`));
    await c.waitFor('a liveness restart', async () => (containerStatus(await c.pod('live'))?.restartCount ?? 0) >= 1, 90_000);
    const events = await c.events('live');
    assert.ok(events.some((e) => e.reason === 'Unhealthy' && /^Liveness probe failed: HTTP probe failed with statuscode: 404/.test(e.message)), JSON.stringify(events));
    assert.ok(events.some((e) => e.reason === 'Killing' && e.message === 'Container web failed liveness probe, will be restarted'), JSON.stringify(events));
  });

  it('a readiness probe flips READY both ways', async () => {
    await c.apply(podYaml('ready', `  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "sleep 2; touch /tmp/ready; sleep 4; rm /tmp/ready; sleep 3600"]
    readinessProbe:
      exec: {command: ["test", "-f", "/tmp/ready"]}
      periodSeconds: 1`));
    await c.waitFor('READY 1/1', async () => /ready\s+1\/1\s+Running/.test(ok(await c.hale.kubectl(['get', 'pod', 'ready']))));
    await c.waitFor('READY 0/1 again', async () => /ready\s+0\/1\s+Running/.test(ok(await c.hale.kubectl(['get', 'pod', 'ready']))));
    const ready = ((await c.pod('ready')).status as { conditions: { type: string; status: string }[] }).conditions.find((x) => x.type === 'Ready');
    assert.equal(ready?.status, 'False');
  });

  it('kubectl logs shows the current run and --previous the one before', async () => {
    await c.apply(podYaml('logs', `  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo run-$(cat /proc/sys/kernel/random/uuid); sleep 1; exit 1"]`));
    await c.waitFor('two runs', async () => (containerStatus(await c.pod('logs'))?.restartCount ?? 0) >= 1);
    const current = ok(await c.hale.kubectl(['logs', 'logs']));
    const previous = ok(await c.hale.kubectl(['logs', 'logs', '--previous']));
    assert.match(current, /^run-[0-9a-f-]{36}\n$/);
    assert.match(previous, /^run-[0-9a-f-]{36}\n$/);
    assert.notEqual(current, previous);
    const stamped = ok(await c.hale.kubectl(['logs', 'logs', '--timestamps', '--tail', '1']));
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z run-/);
  });

  it('deleting a pod that ignores SIGTERM runs its preStop, then kills it at the end of its grace period', async () => {
    await c.apply(podYaml('stubborn', `  terminationGracePeriodSeconds: 3
  volumes:
  - name: host
    hostPath: {path: ${hostDir}}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "trap '' TERM; while true; do sleep 0.2; done"]
    volumeMounts:
    - {name: host, mountPath: /data}
    lifecycle:
      preStop:
        exec: {command: ["sh", "-c", "echo prestop > /data/marker"]}`));
    await c.waitFor('running', async () => containerStatus(await c.pod('stubborn'))?.state.running);
    const t0 = Date.now();
    ok(await c.hale.kubectl(['delete', 'pod', 'stubborn', '--wait=true'], { timeoutMs: 60_000 }));
    const took = Date.now() - t0;
    assert.ok(took >= 2500, `the pod was gone after ${took} ms, before its grace period ended`);
    assert.equal((await readFile(join(hostDir, 'marker'), 'utf8')).trim(), 'prestop');
  });

  it('a container over its memory limit is OOMKilled', async () => {
    await c.apply(podYaml('hog', `  restartPolicy: Never
  containers:
  - name: app
    image: python
    command: ["python3", "-c", "x = bytearray(300 * 1024 * 1024); print(len(x))"]
    resources: {limits: {memory: 30Mi}}`));
    const s = await c.waitFor('OOMKilled', async () => {
      const st = containerStatus(await c.pod('hog'));
      return st?.state.terminated ? st : undefined;
    });
    assert.equal(s.state.terminated?.reason, 'OOMKilled');
    assert.equal(s.state.terminated?.exitCode, 137);
  });

  it('env from configMap, secret and fieldRef, volumes at their mount paths, hostname and user', async () => {
    await c.apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {greeting: hello, app.conf: "key=value"}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {password: s3cret}
---
` + podYaml('envs', `  restartPolicy: Never
  volumes:
  - {name: conf, configMap: {name: cfg}}
  - {name: scratch, emptyDir: {}}
  - name: info
    downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo G=$GREETING P=$PASSWORD N=$MY_NAME H=$(hostname) E=$HOSTNAME U=$(id -u); cat /etc/app/app.conf; echo; cat /info/labels; echo; touch /scratch/x && echo scratch-ok; ls /tmp | wc -l"]
    env:
    - {name: GREETING, valueFrom: {configMapKeyRef: {name: cfg, key: greeting}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: sec, key: password}}}
    - {name: MY_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    securityContext: {runAsUser: 1000, runAsGroup: 1000}
    volumeMounts:
    - {name: conf, mountPath: /etc/app}
    - {name: scratch, mountPath: /scratch}
    - {name: info, mountPath: /info}`).replace('metadata:\n  name: envs', 'metadata:\n  name: envs\n  labels: {tier: demo}'));
    await c.waitFor('envs done', async () => ['Succeeded', 'Failed'].includes(phase(await c.pod('envs')) ?? ''));
    const out = ok(await c.hale.kubectl(['logs', 'envs']));
    assert.match(out, /G=hello P=s3cret N=envs H=envs E=envs U=1000/);
    assert.match(out, /key=value/);
    assert.match(out, /tier="demo"/);
    assert.match(out, /scratch-ok/);
    assert.match(out, /^0$/m, 'a private, empty /tmp');
    assert.equal(phase(await c.pod('envs')), 'Succeeded');
  });

  it('a container without command or args waits with CreateContainerConfigError saying why', async () => {
    await c.apply(podYaml('nocmd', `  containers:
  - {name: web, image: nginx}`));
    const s = await c.waitFor('CreateContainerConfigError', async () => {
      const st = containerStatus(await c.pod('nocmd'));
      return st?.state.waiting?.reason === 'CreateContainerConfigError' ? st : undefined;
    });
    assert.match(s.state.waiting?.message ?? '', /neither command nor args/);
  });

  it('kubectl logs -f follows a running container until it ends', async () => {
    await c.apply(podYaml('ticker', `  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "for i in 1 2 3 4 5; do echo tick-$i; sleep 0.4; done"]`));
    await c.waitFor('ticker running', async () => containerStatus(await c.pod('ticker'))?.state.running);
    const out = ok(await c.hale.kubectl(['logs', '-f', 'ticker'], { timeoutMs: 30_000 }));
    assert.equal(out, 'tick-1\ntick-2\ntick-3\ntick-4\ntick-5\n');
  });
});
