// serviceaccounts/token against the real registry: defaults, validation,
// binding to pods and secrets with their UID checks, and the node rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { KObject } from '../../api/object.js';
import { findResource } from '../../api/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { ensureServiceAccountKey } from '../auth/service-account-key.js';
import { ServiceAccountTokens } from '../auth/service-account-token.js';
import { systemContext, type RequestContext } from '../registry/context.js';
import { openTestRegistry, type TestRegistry } from '../registry/testing.js';
import { createToken } from './token-request.js';

const r = (plural: string) => findResource('', 'v1', plural)!;

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<{ reg: TestRegistry; tokens: ServiceAccountTokens; sa: KObject; pod: KObject }> {
  const reg = await openTestRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'hale-tokreq-'));
  t.after(async () => {
    await reg.close();
    await rm(dir, { recursive: true, force: true });
  });
  const key = await ensureServiceAccountKey(dir);
  const tokens = new ServiceAccountTokens({ privateKey: key.privateKey, publicKey: key.publicKey, keyId: key.keyId, clock: reg.clock });
  const ctx = systemContext('test');
  const sa = await reg.registry.create(r('serviceaccounts'), 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, ctx);
  await reg.registry.create(r('serviceaccounts'), 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'other' } }, ctx);
  const pod = await reg.registry.create(r('pods'), 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } }, ctx);
  return { reg, tokens, sa, pod };
}

const call = (s: { reg: TestRegistry; tokens: ServiceAccountTokens }, body: unknown, o: { name?: string; ctx?: RequestContext } = {}) =>
  createToken({ registry: s.reg.registry, tokens: s.tokens, namespace: 'default', name: o.name ?? 'default', body, ctx: o.ctx ?? systemContext('test') });

async function rejects(p: Promise<unknown>, code: number, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    return true;
  });
}

test('an empty request gets an hour, the API audience, and the TokenRequest back', async (t) => {
  const s = await setup(t);
  const out = await call(s, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
  assert.equal(out.apiVersion, 'authentication.k8s.io/v1');
  assert.equal(out.kind, 'TokenRequest');
  assert.deepEqual(out.spec, { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 });
  const st = out.status as { token: string; expirationTimestamp: string };
  assert.equal(st.expirationTimestamp, new Date(s.reg.clock.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'));
  const claims = decodeJwt(st.token);
  assert.equal(claims.sub, 'system:serviceaccount:default:default');
  assert.equal((claims['kubernetes.io'] as { serviceaccount: { uid: string } }).serviceaccount.uid, s.sa.metadata.uid);
});

test('expirationSeconds below ten minutes is 422', async (t) => {
  const s = await setup(t);
  await rejects(call(s, { spec: { expirationSeconds: 100 } }), 422, 'TokenRequest "default" is invalid: spec.expirationSeconds: Invalid value: 100: may not specify a duration less than 10 minutes');
});

test('a missing ServiceAccount is 404', async (t) => {
  const s = await setup(t);
  await rejects(call(s, { spec: {} }, { name: 'ghost' }), 404, 'serviceaccounts "ghost" not found');
});

test('binding to a pod: its account must match, its uid must match', async (t) => {
  const s = await setup(t);
  const uid = s.pod.metadata.uid!;
  const out = await call(s, { spec: { audiences: ['vault'], boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid } } });
  const k8s = decodeJwt((out.status as { token: string }).token)['kubernetes.io'] as { pod: { name: string; uid: string } };
  assert.deepEqual(k8s.pod, { name: 'p', uid });
  await rejects(call(s, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p' } } }, { name: 'other' }), 400, 'cannot bind token for serviceaccount "other" to pod running with serviceaccount "default"');
  await rejects(
    call(s, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'stale' } } }),
    409,
    'Operation cannot be fulfilled on Pod "p": the UID in the bound object reference (stale) does not match the UID in record. The object might have been deleted and then recreated',
  );
  await rejects(call(s, { spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } }), 400, 'cannot bind token to object of type /v1, Kind=ConfigMap');
});

test('a node may only ask for tokens bound to its own pods', async (t) => {
  const s = await setup(t);
  const uid = s.pod.metadata.uid!;
  const node = (name: string): RequestContext => ({ user: { name: `system:node:${name}`, groups: ['system:nodes'] }, dryRun: false, warnings: [] });
  await rejects(call(s, { spec: {} }, { ctx: node('n1') }), 403, 'serviceaccounts "default" is forbidden: node requested token not bound to a pod');
  await rejects(call(s, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid } } }, { ctx: node('n2') }), 403, 'serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node');
  const ok = await call(s, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid } } }, { ctx: node('n1') });
  assert.ok((ok.status as { token: string }).token);
});
