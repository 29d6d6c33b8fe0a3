// Bearer-token authentication: static rows, the join secret, per-node tokens
// checked against recorded password hashes; and the public-path rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, createAuthenticator, isBootstrapUser, isPublicPath, type NodePasswordLookup } from './authenticate.js';
import { formatNodeToken, hashNodePassword, newNodePassword, parseNodePasswordHash, type ParsedHash } from './node-password.js';

const authenticate = createAuthenticator({ adminToken: 'admin-secret', nodeSecret: 'node-secret' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('the admin token is admin in system:masters', () => {
  assert.deepEqual(authenticate(bearer('admin-secret')), { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
});

test('the join secret is a bootstrap user, not a node', () => {
  const u = authenticate(bearer('node-secret'));
  assert.deepEqual(u, { name: 'system:bootstrap:hale-node-join', groups: ['system:bootstrappers', 'system:authenticated'] });
  assert.equal(isBootstrapUser(u!), true);
  assert.equal(isBootstrapUser(authenticate(bearer('admin-secret'))!), false);
});

test('anything else is anonymous', () => {
  for (const headers of [
    {},
    bearer('wrong'),
    bearer('admin-secre'),
    bearer('admin-secretX'),
    bearer(''),
    { authorization: 'Basic YWRtaW46YWRtaW4=' },
    { authorization: 'Bearer' },
    { authorization: 'admin-secret' },
    { authorization: 'Bearer  admin-secret' }, // two spaces: the token part is empty
  ]) {
    assert.equal(authenticate(headers), undefined, JSON.stringify(headers));
  }
});

test('the scheme is case-insensitive and extra words after the token are ignored, as in kube-apiserver', () => {
  assert.equal(authenticate({ authorization: 'bearer admin-secret' })?.name, 'admin');
  assert.equal(authenticate({ authorization: 'BEARER admin-secret extra' })?.name, 'admin');
  assert.equal(bearerToken({ authorization: 'Bearer a b c' }), 'a');
});

test('extra table rows, e.g. per-node credentials', () => {
  const auth = createAuthenticator({
    adminToken: 'a',
    tokens: [{ token: 'n1-token', user: { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] } }],
  });
  assert.equal(auth(bearer('n1-token'))?.name, 'system:node:n1');
  assert.equal(auth(bearer('node-secret')), undefined);
  // Callers get their own copy of the user.
  const u = auth(bearer('n1-token'));
  u?.groups.push('system:masters');
  assert.deepEqual(auth(bearer('n1-token'))?.groups, ['system:nodes', 'system:authenticated']);
});

test('no tokens configured authenticates nobody', () => {
  assert.equal(createAuthenticator({})(bearer('')), undefined);
  assert.equal(createAuthenticator({ adminToken: '' })(bearer('x')), undefined);
});

test('public paths', () => {
  for (const p of ['/version', '/version/', '/livez', '/readyz', '/healthz', '/livez/ping', '/readyz/etcd', '/healthz/log', '/livez?verbose']) {
    assert.equal(isPublicPath(p), true, p);
  }
  for (const p of ['/', '/api', '/versions', '/version/x', '/livezz', '/api/v1/namespaces/default/pods', '/metrics', '/openapi/v2']) {
    assert.equal(isPublicPath(p), false, p);
  }
});

// Per-node tokens: `hale-node:<name>:<password>`, valid while the password matches the recorded hash.
function records(entries: Record<string, string>): { lookup: NodePasswordLookup; calls: string[]; set(name: string, pw: string | undefined): void } {
  const m = new Map<string, ParsedHash>();
  const calls: string[] = [];
  const set = (name: string, pw: string | undefined): void => {
    if (pw === undefined) m.delete(name);
    else m.set(name, parseNodePasswordHash(hashNodePassword(pw))!);
  };
  for (const [name, pw] of Object.entries(entries)) set(name, pw);
  return {
    calls,
    set,
    lookup: (name) => {
      calls.push(name);
      return m.get(name);
    },
  };
}

test('a node token authenticates as system:node:<name> in system:nodes', () => {
  const pa = newNodePassword();
  const r = records({ a: pa });
  const auth = createAuthenticator({ adminToken: 'admin-secret', nodeSecret: 'node-secret', nodePasswords: r.lookup });
  assert.deepEqual(auth(bearer(formatNodeToken('a', pa))), { name: 'system:node:a', groups: ['system:nodes', 'system:authenticated'] });
  assert.deepEqual(r.calls, ['a']);
  // Each caller gets its own copy.
  auth(bearer(formatNodeToken('a', pa)))?.groups.push('system:masters');
  assert.deepEqual(auth(bearer(formatNodeToken('a', pa)))?.groups, ['system:nodes', 'system:authenticated']);
  // The other tokens still work beside it.
  assert.equal(auth(bearer('admin-secret'))?.name, 'admin');
  assert.equal(auth(bearer('node-secret'))?.name, 'system:bootstrap:hale-node-join');
});

test('a node token with the wrong password, for another node, or for an unregistered name is anonymous', () => {
  const pa = newNodePassword();
  const pb = newNodePassword();
  const auth = createAuthenticator({ nodePasswords: records({ a: pa, b: pb }).lookup });
  assert.equal(auth(bearer(formatNodeToken('a', pb))), undefined, "b's password does not open a");
  assert.equal(auth(bearer(formatNodeToken('b', pa))), undefined);
  assert.equal(auth(bearer(formatNodeToken('c', pa))), undefined, 'never registered');
  assert.equal(auth(bearer(formatNodeToken('a', pa.slice(0, -1) + (pa.endsWith('A') ? 'B' : 'A')))), undefined, 'one character off');
  assert.equal(auth(bearer(formatNodeToken('b', pb)))?.name, 'system:node:b');
});

test('malformed node tokens are anonymous and never reach the lookup', () => {
  const pa = newNodePassword();
  const r = records({ a: pa });
  const auth = createAuthenticator({ nodePasswords: r.lookup });
  for (const t of ['hale-node:', 'hale-node:a', 'hale-node::' + pa, 'hale-node:a:short', `hale-node:A:${pa}`, `hale-node:a/b:${pa}`, `hale-node:a:${pa}:x`, `hale-node:a:${pa}!`]) {
    assert.equal(auth(bearer(t)), undefined, t);
  }
  assert.deepEqual(r.calls, []);
});

test('deleting the record revokes the token; re-registering with a new password makes the old token useless', () => {
  const p1 = newNodePassword();
  const p2 = newNodePassword();
  const r = records({ a: p1 });
  const auth = createAuthenticator({ nodePasswords: r.lookup });
  assert.equal(auth(bearer(formatNodeToken('a', p1)))?.name, 'system:node:a');
  r.set('a', undefined);
  assert.equal(auth(bearer(formatNodeToken('a', p1))), undefined);
  r.set('a', p2);
  assert.equal(auth(bearer(formatNodeToken('a', p1))), undefined);
  assert.equal(auth(bearer(formatNodeToken('a', p2)))?.name, 'system:node:a');
});

test('without a record lookup no node token authenticates, and a static row shaped like one is not consulted', () => {
  const pa = newNodePassword();
  assert.equal(createAuthenticator({ adminToken: 'x' })(bearer(formatNodeToken('a', pa))), undefined);
  // A node-shaped token is decided by the records alone.
  const token = formatNodeToken('a', pa);
  const auth = createAuthenticator({ nodePasswords: () => undefined, tokens: [{ token, user: { name: 'admin', groups: ['system:masters'] } }] });
  assert.equal(auth(bearer(token)), undefined);
});
