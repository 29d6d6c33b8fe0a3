// Bearer-token authentication and the public-path rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, createAuthenticator, isPublicPath } from './authenticate.js';

const authenticate = createAuthenticator({ adminToken: 'admin-secret', nodeSecret: 'node-secret' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('the admin token is admin in system:masters', () => {
  assert.deepEqual(authenticate(bearer('admin-secret')), { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
});

test('the node secret is an (as yet unnamed) node', () => {
  assert.deepEqual(authenticate(bearer('node-secret')), { name: 'system:node:<unknown>', groups: ['system:nodes', 'system:authenticated'] });
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
