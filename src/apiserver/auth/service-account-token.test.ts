// ServiceAccount tokens end to end on a real key: the claims Kubernetes
// puts in them, and every reason a token stops authenticating (signature,
// expiry, audience, issuer, the account or the bound pod gone or replaced).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { KObject } from '../../api/object.js';
import { FakeClock } from '../../lib/clock/clock.js';
import { ensureServiceAccountKey } from './service-account-key.js';
import { DEFAULT_ISSUER, ServiceAccountTokens, looksLikeJwt, type BoundObjectGetter } from './service-account-token.js';
import { createAuthenticator, withServiceAccountTokens } from './authenticate.js';

const sa: KObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci', uid: 'sa-uid-1' } };
const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'ci', uid: 'pod-uid-1' }, spec: { nodeName: 'n1' } };
const node: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'node-uid-1' } };

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'hale-satoken-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const key = await ensureServiceAccountKey(join(dir, 'pki'));
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 12, 0, 0));
  const tokens = new ServiceAccountTokens({ privateKey: key.privateKey, publicKey: key.publicKey, keyId: key.keyId, clock });
  const objects = new Map<string, KObject>([
    ['sa/ci/builder', sa],
    ['pod/ci/web-1', pod],
  ]);
  const getter: BoundObjectGetter = {
    serviceAccount: async (ns, n) => objects.get(`sa/${ns}/${n}`),
    pod: async (ns, n) => objects.get(`pod/${ns}/${n}`),
    secret: async (ns, n) => objects.get(`secret/${ns}/${n}`),
  };
  return { dir, key, clock, tokens, objects, getter };
}

test('the signing key is created once (0600) and reused', async (t) => {
  const { dir, key } = await setup(t);
  assert.equal(key.state, 'created');
  assert.equal((await stat(key.path)).mode & 0o777, 0o600);
  const again = await ensureServiceAccountKey(join(dir, 'pki'));
  assert.equal(again.state, 'reused');
  assert.equal(again.keyId, key.keyId);
});

test('a pod-bound token carries Kubernetes claims', async (t) => {
  const { tokens, clock, key } = await setup(t);
  const { token, expiresAt } = await tokens.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 3607, pod, node });
  assert.ok(looksLikeJwt(token));
  const header = decodeProtectedHeader(token);
  assert.equal(header.alg, 'RS256');
  assert.equal(header.kid, key.keyId);
  const c = decodeJwt(token);
  const now = clock.now() / 1000;
  assert.equal(c.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(c.sub, 'system:serviceaccount:ci:builder');
  assert.deepEqual(c.aud, [DEFAULT_ISSUER]);
  assert.equal(c.iat, now);
  assert.equal(c.nbf, now);
  assert.equal(c.exp, now + 3607);
  assert.equal(expiresAt, (now + 3607) * 1000);
  assert.match(String(c.jti), /^[0-9a-f-]{36}$/);
  assert.deepEqual(c['kubernetes.io'], {
    namespace: 'ci',
    serviceaccount: { name: 'builder', uid: 'sa-uid-1' },
    pod: { name: 'web-1', uid: 'pod-uid-1' },
    node: { name: 'n1', uid: 'node-uid-1' },
  });
});

test('a valid token authenticates as the ServiceAccount with its groups', async (t) => {
  const { tokens, getter } = await setup(t);
  const { token } = await tokens.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 600 });
  assert.deepEqual(await tokens.authenticate(token, getter), {
    name: 'system:serviceaccount:ci:builder',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
  });
});

test('expired, not-yet-valid, foreign-audience and tampered tokens do not authenticate', async (t) => {
  const { tokens, getter, clock } = await setup(t);
  const { token } = await tokens.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 600 });
  const vault = await tokens.issue({ serviceAccount: sa, audiences: ['vault'], expirationSeconds: 600 });
  assert.equal(await tokens.authenticate(vault.token, getter), undefined);
  const [h, p, s] = token.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url')}.${s}`;
  assert.equal(await tokens.authenticate(forged, getter), undefined);
  assert.ok(p);
  clock.advance(600_000 + 59_000); // within the one-minute leeway
  assert.ok(await tokens.authenticate(token, getter));
  clock.advance(2_000);
  assert.equal(await tokens.authenticate(token, getter), undefined);
});

test('a token whose ServiceAccount or bound pod is gone or replaced stops authenticating', async (t) => {
  const { tokens, getter, objects } = await setup(t);
  const bound = await tokens.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, pod });
  assert.ok(await tokens.authenticate(bound.token, getter));
  objects.set('pod/ci/web-1', { ...pod, metadata: { ...pod.metadata, uid: 'pod-uid-2' } });
  assert.equal(await tokens.authenticate(bound.token, getter), undefined, 'pod recreated under the same name');
  objects.delete('pod/ci/web-1');
  assert.equal(await tokens.authenticate(bound.token, getter), undefined, 'pod gone');

  const plain = await tokens.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 });
  objects.set('sa/ci/builder', { ...sa, metadata: { ...sa.metadata, uid: 'sa-uid-2' } });
  assert.equal(await tokens.authenticate(plain.token, getter), undefined, 'account recreated');
  objects.delete('sa/ci/builder');
  assert.equal(await tokens.authenticate(plain.token, getter), undefined, 'account gone');
});

test('another server key does not verify', async (t) => {
  const a = await setup(t);
  const b = await setup(t);
  const { token } = await a.tokens.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 600 });
  assert.equal(await b.tokens.authenticate(token, b.getter), undefined);
});

test('withServiceAccountTokens: static tokens answer synchronously, JWTs through the check', async (t) => {
  const { tokens, getter } = await setup(t);
  const auth = withServiceAccountTokens(createAuthenticator({ adminToken: 'admin-secret' }), (tok) => tokens.authenticate(tok, getter));
  const admin = auth({ authorization: 'Bearer admin-secret' });
  assert.equal((admin as { name: string }).name, 'admin');
  assert.equal(auth({ authorization: 'Bearer nope' }), undefined);
  const { token } = await tokens.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 600 });
  const user = await auth({ authorization: `Bearer ${token}` });
  assert.equal(user?.name, 'system:serviceaccount:ci:builder');
});
