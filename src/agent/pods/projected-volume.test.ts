// Projected volumes on a real temp dir with a fake clock: the files of every
// source, the token requested bound to the pod, rewritten with a fresh token
// at 80% of its lifetime, and no more refreshes once the pod is forgotten.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../api/object.js';
import { FakeClock } from '../../lib/clock/clock.js';
import { silentLogger } from '../../lib/log/log.js';
import { tokenVolumeSource } from '../../apiserver/admission/service-account.js';
import { ProjectedTokens, refreshTime, type TokenRequestSpec } from './token-refresh.js';
import { prepareVolume, VolumeError, type VolumeSources } from './volumes.js';
import type { Volume } from './pod-types.js';

const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', uid: 'uid-1', labels: { app: 'web' } }, spec: { serviceAccountName: 'builder', containers: [] } };

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const podDir = await mkdtemp(join(tmpdir(), 'hale-projected-'));
  t.after(() => rm(podDir, { recursive: true, force: true }));
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 12, 0, 0));
  const asked: TokenRequestSpec[] = [];
  let n = 0;
  const tokens = new ProjectedTokens({
    clock,
    log: silentLogger(),
    request: async (spec) => {
      asked.push(spec);
      return { token: `token-${++n}`, expiresAt: clock.now() + spec.expirationSeconds * 1000 };
    },
  });
  t.after(async () => tokens.stop());
  const configMaps = new Map<string, KObject>([['shop/kube-root-ca.crt', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'CA PEM' } }]]);
  const src: VolumeSources = {
    pod,
    podDir,
    getConfigMap: async (ns, name) => configMaps.get(`${ns}/${name}`),
    getSecret: async (ns, name) => (ns === 'shop' && name === 's' ? { apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { pw: Buffer.from('hunter2').toString('base64') } } : undefined),
    tokens,
  };
  return { podDir, clock, asked, tokens, src, configMaps };
}

const volume = (): Volume => ({ name: 'kube-api-access-abcde', projected: tokenVolumeSource() });

/** Lets the timer's async rewrite (a token request and a few file writes) finish. */
async function settle(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 5));
}

test('the kube-api-access volume holds token, ca.crt and namespace with mode 0644', async (t) => {
  const { src, asked } = await setup(t);
  const v = await prepareVolume(volume(), src);
  assert.equal(await readFile(join(v.hostPath, 'token'), 'utf8'), 'token-1');
  assert.equal(await readFile(join(v.hostPath, 'ca.crt'), 'utf8'), 'CA PEM');
  assert.equal(await readFile(join(v.hostPath, 'namespace'), 'utf8'), 'shop');
  assert.equal((await stat(join(v.hostPath, 'token'))).mode & 0o777, 0o644);
  assert.deepEqual(asked, [{ namespace: 'shop', serviceAccount: 'builder', audiences: [], expirationSeconds: 3607, pod: { name: 'web', uid: 'uid-1' } }]);
});

test('secret, audience, items and modes', async (t) => {
  const { src, asked } = await setup(t);
  const v = await prepareVolume(
    {
      name: 'mix',
      projected: {
        defaultMode: 0o600,
        sources: [
          { serviceAccountToken: { path: 'vault/token', audience: 'vault', expirationSeconds: 7200 } },
          { secret: { name: 's', items: [{ key: 'pw', path: 'db/password', mode: 0o400 }] } },
          { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
      },
    },
    src,
  );
  assert.equal(await readFile(join(v.hostPath, 'vault/token'), 'utf8'), 'token-1');
  assert.equal(await readFile(join(v.hostPath, 'db/password'), 'utf8'), 'hunter2');
  assert.equal((await stat(join(v.hostPath, 'db/password'))).mode & 0o777, 0o400);
  assert.equal((await stat(join(v.hostPath, 'vault/token'))).mode & 0o777, 0o600);
  assert.equal(await readFile(join(v.hostPath, 'labels'), 'utf8'), 'app="web"');
  assert.deepEqual(asked[0]?.audiences, ['vault']);
});

test('a missing ConfigMap is a VolumeError; an optional one is skipped', async (t) => {
  const { src, configMaps } = await setup(t);
  configMaps.clear();
  await assert.rejects(prepareVolume(volume(), src), (err: unknown) => err instanceof VolumeError && err.message === 'configmap "kube-root-ca.crt" not found');
  const v = await prepareVolume({ name: 'opt', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt', optional: true } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } }, src);
  assert.equal(await readFile(join(v.hostPath, 'n'), 'utf8'), 'web');
});

test('the token is rewritten at 80% of its lifetime, and not after the pod is forgotten', async (t) => {
  const { src, clock, tokens, asked } = await setup(t);
  const v = await prepareVolume(volume(), src);
  // A container restart before the refresh point reuses the cached token.
  await prepareVolume(volume(), src);
  assert.equal(asked.length, 1);
  const lifetime = 3607_000;
  assert.equal(refreshTime(0, lifetime), 0.8 * lifetime);
  clock.advance(0.8 * lifetime - 1000);
  assert.equal(await readFile(join(v.hostPath, 'token'), 'utf8'), 'token-1');
  clock.advance(1000);
  await settle(async () => (await readFile(join(v.hostPath, 'token'), 'utf8')) === 'token-2');
  assert.equal(await readFile(join(v.hostPath, 'token'), 'utf8'), 'token-2');
  assert.equal(tokens.pods, 1, 'the next refresh is scheduled');
  tokens.forget('uid-1');
  assert.equal(tokens.pods, 0);
  clock.advance(lifetime);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(asked.length, 2);
});
