// Local nodes that fail like machines: `hale up --nodes 3` gives three Ready
// nodes, pods on different nodes reach each other by pod IP, `hale node
// power-off` ends every process of a node at once and `power-on` brings it
// back (its pods restarted in place), `cut` takes it off the network and
// `heal` returns it.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { get } from 'node:http';
import { HALE_BIN } from '../support/hale-process.js';
import { containerStatus, phase, startCluster, type Cluster } from '../support/cluster.js';
import { ok } from '../support/kubectl.js';

const run = promisify(execFile);

function reachable(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: ip, port: 8080, path: '/', timeout: 1500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const web = (name: string, node: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  containers:
  - {name: web, image: python, command: ["python3", "-m", "http.server", "8080"], readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}}
---
`;

describe('local nodes', () => {
  let c: Cluster;
  const node = (args: string[]) => run(process.execPath, [HALE_BIN, 'node', ...args, '--data-dir', c.hale.dataDir]);
  before(async () => {
    c = await startCluster({ args: ['--nodes', '3'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('three Ready nodes, each with its own pod CIDR; pods on different nodes reach each other', async () => {
    const nodes = JSON.parse(ok(await c.hale.kubectl(['get', 'nodes', '-o', 'json']))) as { items: { metadata: { name: string }; spec: { podCIDR?: string } }[] };
    assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), ['node-1', 'node-1-2', 'node-1-3']);
    assert.equal(new Set(nodes.items.map((n) => n.spec.podCIDR)).size, 3);
    await c.apply(web('w1', 'node-1') + web('w2', 'node-1-2') + web('w3', 'node-1-3'));
    const ips: string[] = [];
    for (const n of ['w1', 'w2', 'w3']) ips.push(await c.waitFor(`${n} ready`, async () => {
      const p = await c.pod(n);
      return containerStatus(p)?.ready ? (p.status as { podIP: string }).podIP : undefined;
    }));
    await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: fetch}
spec:
  nodeName: node-1-3
  restartPolicy: Never
  containers:
  - name: fetch
    image: python
    command: ["python3", "-c", "import urllib.request,sys\\nfor ip in sys.argv[1:]: print(ip, urllib.request.urlopen('http://'+ip+':8080/', timeout=5).status)", ${ips.map((i) => JSON.stringify(i)).join(', ')}]
`);
    await c.waitFor('fetch Succeeded', async () => phase(await c.pod('fetch')) === 'Succeeded');
    const out = ok(await c.hale.kubectl(['logs', 'fetch']));
    for (const ip of ips) assert.match(out, new RegExp(`${ip.replace(/\./g, '\\.')} 200`));
  });

  it('power-off ends the node\'s processes, power-on brings them back; cut and heal take it off and on the network', async () => {
    const dataDir = c.hale.dataDir;
    const agentPid = Number((await readFile(join(dataDir, 'nodes', 'node-1-2', 'agent.pid'), 'utf8')).split(' ')[0]);
    const before = containerStatus(await c.pod('w2'))!;
    const off = await node(['power-off', 'node-1-2']);
    assert.match(off.stdout, /node node-1-2 powered off \(\d+ processes killed\)/);
    assert.throws(() => process.kill(agentPid, 0), /ESRCH/);
    const w2ip = (( await c.pod('w2')).status as { podIP: string }).podIP;
    assert.equal(await reachable(w2ip), false);
    await node(['power-on', 'node-1-2']);
    const after = await c.waitFor('w2 running again', async () => {
      const s = containerStatus(await c.pod('w2'));
      return s && s.ready && s.restartCount === before.restartCount + 1 ? s : undefined;
    });
    assert.notEqual(after.containerID, before.containerID);
    assert.equal(await reachable(w2ip), true);

    const w3ip = ((await c.pod('w3')).status as { podIP: string }).podIP;
    assert.equal(await reachable(w3ip), true);
    await node(['cut', 'node-1-3']);
    assert.equal(await reachable(w3ip), false);
    await node(['heal', 'node-1-3']);
    assert.equal(await reachable(w3ip), true);
  });

  it('a second agent in the same network namespace is refused', async () => {
    const token = (await readFile(join(c.hale.dataDir, 'node-token'), 'utf8')).trim();
    const r = await run(process.execPath, [HALE_BIN, 'agent', '--server', c.hale.url, '--token', token, '--node-name', 'intruder', '--data-dir', join(c.hale.dataDir, 'intruder'), '--port', '0']).catch((e: { code: number; stderr: string }) => e);
    assert.equal((r as { code: number }).code, 1);
    assert.match((r as { stderr: string }).stderr, /another hale agent already runs in this network namespace/);
  });
});
