// Node credentials on a real registry (SQLite): first registration records the
// hash, later ones must match, a deleted Secret (or Node) frees the name, the
// authenticator reads the record from the watch cache; and the HTTP rules of
// the endpoint through the real request handler (join secret only, POST,
// JSON), with the join secret refused everywhere else.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findResource } from '../api/resources.js';
import { ApiError } from '../machinery/errors.js';
import { createAuthenticator } from './auth/authenticate.js';
import { NODE_CREDENTIALS_PATH, formatNodeToken, newNodePassword, verifyNodePassword } from './auth/node-password.js';
import { noLogs } from './handlers/subresource.js';
import { ApiMetrics } from './metrics.js';
import { nodePasswordLookup, parseNodeCredentialRequest, registerNodePassword, storedNodePasswordHash } from './node-credentials.js';
import { nodePasswordCleanup } from './node-password-cleanup.js';
import { systemContext } from './registry/context.js';
import type { Registry } from './registry/registry.js';
import { openTestRegistry, type TestRegistry } from './registry/testing.js';
import { createHandler } from './server.js';

const secrets = findResource('', 'v1', 'secrets')!;
const nodes = findResource('', 'v1', 'nodes')!;
const ctx = systemContext('test');

async function rejects(p: Promise<unknown>, code: number): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('node credentials', () => {
  let t: TestRegistry;
  let registry: Registry;
  before(async () => {
    let late: Registry | undefined;
    t = await openTestRegistry({ namespaces: ['default', 'kube-system'], admission: () => [nodePasswordCleanup(() => late!)] });
    registry = late = t.registry;
  });
  after(async () => {
    await t?.close();
  });

  it('the first registration of a name records the hash in an immutable kube-system Secret', async () => {
    const p1 = newNodePassword();
    const { credential, created } = await registerNodePassword(registry, { nodeName: 'a', password: p1 });
    assert.equal(created, true);
    assert.deepEqual(credential, { apiVersion: 'hale.dev/v1', kind: 'NodeCredential', nodeName: 'a', user: 'system:node:a', token: `hale-node:a:${p1}` });
    const s = await registry.get(secrets, 'kube-system', 'a.node-password.hale');
    assert.equal(s.type, 'hale.dev/node-password');
    assert.equal(s.immutable, true);
    const hash = Buffer.from((s.data as { hash: string }).hash, 'base64').toString('utf8');
    assert.equal(hash.includes(p1), false);
    assert.equal(verifyNodePassword(hash, p1), true);
  });

  it('the same password registers again; another one is refused with 403 and changes nothing', async () => {
    const p1 = newNodePassword();
    await registerNodePassword(registry, { nodeName: 'b', password: p1 });
    const before = await registry.get(secrets, 'kube-system', 'b.node-password.hale');
    const again = await registerNodePassword(registry, { nodeName: 'b', password: p1 });
    assert.equal(again.created, false);
    assert.equal(again.credential.token, formatNodeToken('b', p1));
    const e = await rejects(registerNodePassword(registry, { nodeName: 'b', password: newNodePassword() }), 403);
    assert.equal(e.reason, 'Forbidden');
    assert.match(e.message, /^node password mismatch: another agent already registered node "b"/);
    assert.match(e.message, /kube-system\/b\.node-password\.hale/);
    const after = await registry.get(secrets, 'kube-system', 'b.node-password.hale');
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('a deleted Secret frees the name for a new password', async () => {
    const p1 = newNodePassword();
    const p2 = newNodePassword();
    await registerNodePassword(registry, { nodeName: 'c', password: p1 });
    await registry.delete(secrets, 'kube-system', 'c.node-password.hale', {}, ctx);
    assert.equal((await registerNodePassword(registry, { nodeName: 'c', password: p2 })).created, true);
    await rejects(registerNodePassword(registry, { nodeName: 'c', password: p1 }), 403);
  });

  it('concurrent first registrations of one name: exactly one password wins', async () => {
    const pws = [newNodePassword(), newNodePassword(), newNodePassword(), newNodePassword()];
    const results = await Promise.allSettled(pws.map((password) => registerNodePassword(registry, { nodeName: 'race', password })));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as ApiError).code, 403);
  });

  it('a Secret of that name that is not a node-password record blocks registration with a clear 403', async () => {
    await registry.create(secrets, 'kube-system', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'odd.node-password.hale' }, data: { x: 'eA==' } }, ctx);
    const e = await rejects(registerNodePassword(registry, { nodeName: 'odd', password: newNodePassword() }), 403);
    assert.match(e.message, /not a node password record/);
  });

  it('the watch-cache lookup sees a registration as soon as it is answered, and a deletion once the cache has it', async () => {
    const lookup = nodePasswordLookup(t.cache);
    const auth = createAuthenticator({ nodePasswords: lookup });
    const p = newNodePassword();
    assert.equal(lookup('d'), undefined);
    const { credential } = await registerNodePassword(registry, { nodeName: 'd', password: p });
    assert.deepEqual(auth({ authorization: `Bearer ${credential.token}` }), { name: 'system:node:d', groups: ['system:nodes', 'system:authenticated'] });
    assert.equal(auth({ authorization: `Bearer ${formatNodeToken('d', newNodePassword())}` }), undefined);
    await registry.delete(secrets, 'kube-system', 'd.node-password.hale', {}, ctx);
    await t.cache.waitFor(await t.store.currentRevision());
    assert.equal(auth({ authorization: `Bearer ${credential.token}` }), undefined);
  });

  it('deleting a Node deletes its node-password Secret, so a new machine can take the name', async () => {
    const p1 = newNodePassword();
    await registerNodePassword(registry, { nodeName: 'e', password: p1 });
    await registry.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'e' } }, ctx);
    await registry.delete(nodes, '', 'e', {}, ctx);
    await rejects(registry.get(secrets, 'kube-system', 'e.node-password.hale'), 404);
    assert.equal((await registerNodePassword(registry, { nodeName: 'e', password: newNodePassword() })).created, true);
  });

  it('a Secret recorded after the Node was last written belongs to a newer agent and survives its delete', async () => {
    await registry.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'f' } }, ctx);
    const p = newNodePassword();
    await registerNodePassword(registry, { nodeName: 'f', password: p });
    await registry.delete(nodes, '', 'f', {}, ctx);
    const s = await registry.get(secrets, 'kube-system', 'f.node-password.hale');
    assert.ok(storedNodePasswordHash(s));
    // Deleting a Node that never registered a password is fine too.
    await registry.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'g' } }, ctx);
    await registry.delete(nodes, '', 'g', {}, ctx);
  });

  it('request bodies are checked field by field', () => {
    const p = newNodePassword();
    assert.deepEqual(parseNodeCredentialRequest({ nodeName: 'n1', password: p }), { nodeName: 'n1', password: p });
    const bad: Array<[unknown, RegExp]> = [
      [null, /expected a JSON object/],
      [[], /expected a JSON object/],
      ['x', /expected a JSON object/],
      [{ password: p }, /^nodeName: Required value/],
      [{ nodeName: 'Upper', password: p }, /^nodeName: Invalid value: "Upper"/],
      [{ nodeName: 'a_b', password: p }, /^nodeName: Invalid value/],
      [{ nodeName: 'a'.repeat(240), password: p }, /^nodeName: Invalid value: must be no more than 234 characters/],
      [{ nodeName: 'n1' }, /^password: Required value/],
      [{ nodeName: 'n1', password: 'short' }, /^password: Invalid value: the node password must be 32 to 256 characters/],
      [{ nodeName: 'n1', password: 42 }, /^password: Required value/],
    ];
    for (const [body, msg] of bad) {
      try {
        parseNodeCredentialRequest(body);
        assert.fail(`accepted ${JSON.stringify(body)}`);
      } catch (err) {
        assert.ok(err instanceof ApiError && err.code === 400, String(err));
        assert.match(err.message, msg, JSON.stringify(body));
      }
    }
  });

  describe('over HTTP', () => {
    let server: Server;
    let port = 0;
    before(async () => {
      const authenticate = createAuthenticator({ adminToken: 'admin-token', nodeSecret: 'join-secret', nodePasswords: nodePasswordLookup(t.cache) });
      server = createServer(createHandler({
        registry,
        metrics: new ApiMetrics(),
        logs: noLogs,
        authenticate: (req) => authenticate(req.headers),
        serverAddress: () => '127.0.0.1:0',
        ready: () => true,
      }));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    after(async () => {
      await new Promise<void>((r) => server.close(() => r()));
    });

    const call = (method: string, path: string, token: string | undefined, body?: string, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = {};
        if (token) headers.authorization = `Bearer ${token}`;
        if (body !== undefined) headers['content-type'] = contentType;
        const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    const register = (nodeName: string, password: string, token = 'join-secret') => call('POST', NODE_CREDENTIALS_PATH, token, JSON.stringify({ nodeName, password }));

    it('the join secret registers (201), re-registers (200), and the token then works as the node', async () => {
      const p = newNodePassword();
      const first = await register('h1', p);
      assert.equal(first.status, 201, JSON.stringify(first.json));
      assert.equal(first.json.token, formatNodeToken('h1', p));
      assert.equal((await register('h1', p)).status, 200);
      assert.equal((await call('GET', '/api/v1/nodes', first.json.token as string)).status, 200);
      const mismatch = await register('h1', newNodePassword());
      assert.equal(mismatch.status, 403);
      assert.equal(mismatch.json.reason, 'Forbidden');
      assert.match(mismatch.json.message as string, /^node password mismatch: another agent already registered node "h1"/);
    });

    it('only the join secret may register: none is 401, admin and node tokens are 403', async () => {
      const p = newNodePassword();
      assert.equal((await register('h2', p, '')).status, 401);
      assert.equal((await register('h2', p, 'wrong')).status, 401);
      const admin = await register('h2', p, 'admin-token');
      assert.equal(admin.status, 403);
      assert.match(admin.json.message as string, /cannot register node credentials/);
      const { json } = await register('h3', newNodePassword());
      assert.equal((await register('h2', p, json.token as string)).status, 403);
      await rejects(registry.get(secrets, 'kube-system', 'h2.node-password.hale'), 404);
    });

    it('POST with a JSON body only', async () => {
      assert.equal((await call('GET', NODE_CREDENTIALS_PATH, 'join-secret')).status, 405);
      assert.equal((await call('POST', NODE_CREDENTIALS_PATH, 'join-secret', 'nodeName: x', 'application/yaml')).status, 415);
      assert.equal((await call('POST', NODE_CREDENTIALS_PATH, 'join-secret', '{nope')).status, 400);
      assert.equal((await call('POST', NODE_CREDENTIALS_PATH, 'join-secret', JSON.stringify({ nodeName: 'x', password: 'short' }))).status, 400);
      assert.equal((await call('POST', NODE_CREDENTIALS_PATH, 'join-secret', 'x'.repeat(20_000))).status, 413);
    });

    it('the join secret is refused everywhere else with 403; garbage node tokens are 401', async () => {
      for (const path of ['/api', '/api/v1/nodes', '/apis', '/metrics']) {
        const r = await call('GET', path, 'join-secret');
        assert.equal(r.status, 403, path);
        assert.match(r.json.message as string, /may only request node credentials/);
      }
      assert.equal((await call('GET', '/version', 'join-secret')).status, 200, 'public paths stay public');
      assert.equal((await call('GET', '/api/v1/nodes', formatNodeToken('nobody', newNodePassword()))).status, 401);
      assert.equal((await call('GET', '/api/v1/nodes', 'hale-node:garbage')).status, 401);
      assert.equal((await call('GET', '/api/v1/nodes', 'admin-token')).status, 200);
    });
  });
});
