// Static stability, as a user tests it: kill -9 the node agent (and even
// `hale up`) with pods running, bring hale back on the same data dir, and
// the running containers are re-adopted, not restarted (same container
// IDs, same start times, same restart counts); a container that exited
// while nobody watched is restarted by its policy when the agent returns.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterNetwork, containerStatus, startCluster, type ContainerStatus } from '../support/cluster.js';

const sleeper = (name: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "100000"]
---
`;

describe('agent restart re-adopts running containers', () => {
  it('kill -9 of the agent and of hale up: 0 restarts of running containers, an exit meanwhile is restarted by policy', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hale-recovery-'));
    const hostDir = await mkdtemp(join(tmpdir(), 'hale-recovery-host-'));
    const net = clusterNetwork();
    const first = await startCluster({ dataDir, ...net });
    let second: Awaited<ReturnType<typeof startCluster>> | undefined;
    try {
      const names = ['s1', 's2', 's3', 's4', 's5'];
      await first.apply(names.map(sleeper).join('') + `apiVersion: v1
kind: Pod
metadata:
  name: exiter
spec:
  volumes:
  - name: host
    hostPath: {path: ${hostDir}}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "while [ ! -f /data/stop ]; do sleep 0.1; done; rm /data/stop; exit 0"]
    volumeMounts:
    - {name: host, mountPath: /data}
`);
      const before = new Map<string, ContainerStatus>();
      for (const n of [...names, 'exiter']) {
        before.set(n, await first.waitFor(`${n} running`, async () => {
          const s = containerStatus(await first.pod(n));
          return s?.state.running ? s : undefined;
        }));
      }
      // The node dies hard: the agent first, then hale up itself.
      const agentPid = Number((await readFile(join(dataDir, 'agent.pid'), 'utf8')).split(' ')[0]);
      process.kill(agentPid, 'SIGKILL');
      first.hale.proc.kill('SIGKILL');
      await new Promise((r) => first.hale.proc.once('exit', r));
      // While nobody watches, one container ends.
      await writeFile(join(hostDir, 'stop'), '');
      await first.waitFor('the exiter to end', async () => {
        try {
          await readFile(join(hostDir, 'stop'));
          return false;
        } catch {
          return true; // the container removed the file, then exited
        }
      });
      await new Promise((r) => setTimeout(r, 500));

      second = await startCluster({ dataDir, ...net });
      const c = second;
      const exiter = await c.waitFor('the exiter restarted by policy', async () => {
        const s = containerStatus(await c.pod('exiter'));
        return s && s.restartCount === 1 && s.state.running ? s : undefined;
      });
      assert.notEqual(exiter.containerID, before.get('exiter')!.containerID);
      assert.equal(exiter.lastState.terminated?.exitCode, 0);
      for (const n of names) {
        const s = containerStatus(await c.pod(n))!;
        const b = before.get(n)!;
        assert.equal(s.containerID, b.containerID, `${n} was restarted`);
        assert.equal(s.restartCount, 0);
        assert.equal(s.state.running?.startedAt, b.state.running?.startedAt);
        assert.equal(s.ready, true);
      }
    } finally {
      await first.stop();
      await second?.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(hostDir, { recursive: true, force: true });
    }
  });
});
