// Per-node credentials against a real `hale server`, over raw HTTPS: the join
// secret buys node "a" its own token, the token works as a node, a second
// machine with another password cannot take the name (403), garbage tokens
// are 401, the record survives a restart, and deleting the Secret or the Node
// frees the name. Then against `hale up`: its real agent joined with a
// password of its own, kept in <data-dir>/agent/node-password (0600).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startHale, type HaleProcess } from '../support/hale-process.js';
import { rawClient, type RawClient } from '../support/raw-client.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { isRunning, readPidfile } from '../../src/lib/pidfile/pidfile.js';

const PATH = '/hale/v1/node-credentials';
const password = (): string => randomBytes(32).toString('base64url');

async function joinSecret(dataDir: string): Promise<string> {
  const token = (await readFile(join(dataDir, 'node-token'), 'utf8')).trim();
  const m = /^K10[0-9a-f]{64}::node:(.+)$/.exec(token);
  assert.ok(m, token);
  return m[1]!;
}

function register(c: RawClient, secret: string, nodeName: string, pw: string) {
  return c.request('POST', PATH, { token: secret, body: JSON.stringify({ nodeName, password: pw }), contentType: 'application/json' });
}

describe('node credentials on hale server', () => {
  let hale: HaleProcess;
  let c: RawClient;
  let secret: string;
  const p1 = password();
  let tokenA = '';

  before(async () => {
    hale = await startHale({ command: 'server' });
    c = rawClient(hale.kubeconfig);
    secret = await joinSecret(hale.dataDir);
  });
  after(async () => {
    await hale?.stop();
    // After the restart the second server does not own the dir it was given: remove it here.
    if (hale) await rm(hale.dataDir, { recursive: true, force: true });
  });

  it('the join secret registers node "a" and gets its token', async () => {
    const r = await register(c, secret, 'a', p1);
    assert.equal(r.status, 201, r.body);
    const body = r.json();
    assert.equal(body.kind, 'NodeCredential');
    assert.equal(body.nodeName, 'a');
    assert.equal(body.user, 'system:node:a');
    assert.equal(body.token, `hale-node:a:${p1}`);
    tokenA = body.token;
  });

  it('the token acts as a node: it can list and create Nodes', async () => {
    const list = await c.request('GET', '/api/v1/nodes', { token: tokenA });
    assert.equal(list.status, 200, list.body);
    const created = await c.request('POST', '/api/v1/nodes', { token: tokenA, body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } }), contentType: 'application/json' });
    assert.equal(created.status, 201, created.body);
  });

  it('the same password registers again (200); another password for "a" is 403 with the reason', async () => {
    assert.equal((await register(c, secret, 'a', p1)).status, 200);
    const r = await register(c, secret, 'a', password());
    assert.equal(r.status, 403, r.body);
    const status = r.json();
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'Forbidden');
    assert.match(status.message, /^node password mismatch: another agent already registered node "a"/);
  });

  it('wrong passwords and garbage node tokens are 401; the join secret outside the endpoint is 403', async () => {
    for (const token of [`hale-node:a:${password()}`, `hale-node:nobody:${p1}`, 'hale-node:a:short', 'hale-node:garbage', 'garbage']) {
      const r = await c.request('GET', '/api/v1/nodes', { token });
      assert.equal(r.status, 401, `${token}: ${r.body}`);
    }
    const r = await c.request('GET', '/api/v1/nodes', { token: secret });
    assert.equal(r.status, 403, r.body);
    assert.match(r.json().message, /may only request node credentials/);
    // The admin token is no way to register a node, and nobody without a token is let in.
    assert.equal((await c.request('POST', PATH, { body: JSON.stringify({ nodeName: 'z', password: password() }), contentType: 'application/json' })).status, 403);
    assert.equal((await c.request('POST', PATH, { token: null, body: '{}', contentType: 'application/json' })).status, 401);
  });

  it('the record is an ordinary Secret in kube-system without the password in it', async () => {
    const r = await c.request('GET', '/api/v1/namespaces/kube-system/secrets/a.node-password.hale');
    assert.equal(r.status, 200, r.body);
    const s = r.json();
    assert.equal(s.type, 'hale.dev/node-password');
    assert.equal(s.immutable, true);
    const hash = Buffer.from(s.data.hash, 'base64').toString('utf8');
    assert.match(hash, /^sha256\$/);
    assert.equal(hash.includes(p1), false);
  });

  it('the record survives a server restart: the token still works, a stranger is still refused', async () => {
    await hale.stop({ keepData: true });
    hale = await startHale({ command: 'server', dataDir: hale.dataDir });
    c = rawClient(hale.kubeconfig);
    assert.equal((await c.request('GET', '/api/v1/nodes/a', { token: tokenA })).status, 200);
    assert.equal((await register(c, secret, 'a', password())).status, 403);
  });

  it('deleting the Secret revokes the token and frees the name', async () => {
    const del = await c.request('DELETE', '/api/v1/namespaces/kube-system/secrets/a.node-password.hale');
    assert.equal(del.status, 200, del.body);
    // The authenticator reads the watch cache, which follows the store within moments.
    const until = Date.now() + 5000;
    let status = 0;
    while (Date.now() < until && (status = (await c.request('GET', '/api/v1/nodes', { token: tokenA })).status) !== 401) await new Promise((r) => setTimeout(r, 50));
    assert.equal(status, 401);
    const p2 = password();
    const r = await register(c, secret, 'a', p2);
    assert.equal(r.status, 201, r.body);
    tokenA = r.json().token;
    assert.equal((await c.request('GET', '/api/v1/nodes', { token: tokenA })).status, 200);
  });

  it('deleting the Node deletes its record, so a replacement machine can join under the name', async () => {
    // The agent that registered writes its Node (as every agent does at start): the record is the Node's from then on.
    const patched = await c.request('PATCH', '/api/v1/nodes/a', { token: tokenA, body: JSON.stringify({ metadata: { labels: { joined: 'again' } } }), contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.body);
    const del = await c.request('DELETE', '/api/v1/nodes/a');
    assert.equal(del.status, 200, del.body);
    assert.equal((await c.request('GET', '/api/v1/namespaces/kube-system/secrets/a.node-password.hale')).status, 404);
    assert.equal((await register(c, secret, 'a', password())).status, 201);
  });
});

describe('node credentials of a real agent (hale up)', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('the agent made its own password (0600), registered node-1 with it, and only that password speaks for node-1', async () => {
    const dataDir = cluster.hale.dataDir;
    const file = join(dataDir, 'agent', 'node-password');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const pw = (await readFile(file, 'utf8')).trim();
    assert.match(pw, /^[A-Za-z0-9_-]{43}$/);
    const c = rawClient(cluster.hale.kubeconfig);
    const s = await c.request('GET', '/api/v1/namespaces/kube-system/secrets/node-1.node-password.hale');
    assert.equal(s.status, 200, s.body);
    const secret = await joinSecret(dataDir);
    assert.equal((await register(c, secret, 'node-1', pw)).status, 200, 'the same machine rejoins');
    const stranger = await register(c, secret, 'node-1', password());
    assert.equal(stranger.status, 403, stranger.body);
    assert.match(stranger.json().message, /node password mismatch: another agent already registered node "node-1"/);
    // The agent's own token is a node's.
    assert.equal((await c.request('GET', '/api/v1/nodes/node-1', { token: `hale-node:node-1:${pw}` })).status, 200);
  });

  it('a restarted agent reuses its password and comes back Ready', async () => {
    const dataDir = cluster.hale.dataDir;
    const pwFile = join(dataDir, 'agent', 'node-password');
    const before = (await readFile(pwFile, 'utf8')).trim();
    const rec = await readPidfile(join(dataDir, 'agent.pid'));
    assert.ok(rec && isRunning(rec));
    process.kill(rec.pid, 'SIGTERM');
    const killedSecond = Math.floor(Date.now() / 1000) * 1000;
    // `hale up` restarts its agent; the new one must join again with the same password.
    await cluster.waitFor('a new agent process', async () => {
      const now = await readPidfile(join(dataDir, 'agent.pid'));
      return now !== undefined && now.pid !== rec.pid && isRunning(now);
    });
    await cluster.waitFor('node-1 Ready with a heartbeat from the new agent', async () => {
      const out = await cluster.hale.kubectl(['get', 'node', 'node-1', '-o', 'json']);
      const node = JSON.parse(out.stdout) as { status?: { conditions?: { type: string; status: string; lastHeartbeatTime?: string }[] } };
      const ready = node.status?.conditions?.find((x) => x.type === 'Ready');
      // Heartbeat times have whole seconds: one in a later second than the kill came from the new agent.
      return ready?.status === 'True' && Date.parse(ready.lastHeartbeatTime ?? '') > killedSecond;
    });
    assert.equal((await readFile(pwFile, 'utf8')).trim(), before);
    const log = await readFile(join(dataDir, 'agent.log'), 'utf8');
    assert.doesNotMatch(log, /password mismatch/);
  });
});
