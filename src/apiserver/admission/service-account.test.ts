// ServiceAccount admission through the real registry: the injected
// kube-api-access volume and mounts, opting out, existing mounts, mirror
// pods, and the 403 for a missing account.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { findResource } from '../../api/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { systemContext } from '../registry/context.js';
import { openTestRegistry, type TestRegistry } from '../registry/testing.js';
import { serviceAccountAdmission, TOKEN_MOUNT_PATH } from './service-account.js';

const PODS = findResource('', 'v1', 'pods')!;
const SAS = findResource('', 'v1', 'serviceaccounts')!;

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<{ reg: TestRegistry; lookups: string[] }> {
  const lookups: string[] = [];
  let reg: TestRegistry | undefined;
  reg = await openTestRegistry({
    admission: () => [
      serviceAccountAdmission({
        getServiceAccount: async (ns, name) => {
          lookups.push(`${ns}/${name}`);
          return reg!.registry.get(SAS, ns, name).catch((err: unknown) => {
            if (err instanceof ApiError && err.code === 404) return undefined;
            throw err;
          });
        },
        sleep: async () => undefined,
        generateName: (p) => `${p}abcde`,
      }),
    ],
  });
  t.after(() => reg!.close());
  const ctx = systemContext('test');
  await reg.registry.create(SAS, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, ctx);
  await reg.registry.create(SAS, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }] } as KObject, ctx);
  return { reg, lookups };
}

const create = (reg: TestRegistry, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
  reg.registry.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...meta }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } }, systemContext('test'));

type Spec = { serviceAccountName?: string; serviceAccount?: string; volumes?: KObject[]; containers: { volumeMounts?: unknown[] }[]; initContainers?: { volumeMounts?: unknown[] }[]; imagePullSecrets?: unknown };

test('a pod gets the default account and the kube-api-access volume in every container', async (t) => {
  const { reg } = await setup(t);
  const pod = await create(reg, { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] });
  const spec = pod.spec as Spec;
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.deepEqual(spec.volumes, [
    {
      name: 'kube-api-access-abcde',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ]);
  const mount = { name: 'kube-api-access-abcde', readOnly: true, mountPath: TOKEN_MOUNT_PATH };
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) assert.deepEqual(c.volumeMounts, [mount]);
});

test('automountServiceAccountToken: the pod says no, or its account does (and lends its pull secrets)', async (t) => {
  const { reg } = await setup(t);
  const a = (await create(reg, { automountServiceAccountToken: false })).spec as Spec;
  assert.equal(a.volumes, undefined);
  assert.equal(a.containers[0]?.volumeMounts, undefined);
  const b = (await create(reg, { serviceAccountName: 'quiet' }, { name: 'q' })).spec as Spec;
  assert.equal(b.volumes, undefined);
  assert.deepEqual(b.imagePullSecrets, [{ name: 'regcred' }]);
  const c = (await create(reg, { serviceAccountName: 'quiet', automountServiceAccountToken: true }, { name: 'q2' })).spec as Spec;
  assert.equal(c.volumes?.length, 1, 'the pod wins over its account');
});

test('a container already mounting the path keeps its mount; none needing it means no volume', async (t) => {
  const { reg } = await setup(t);
  const own = { name: 'mine', mountPath: TOKEN_MOUNT_PATH };
  const spec = (await create(reg, { volumes: [{ name: 'mine', emptyDir: {} }], containers: [{ name: 'c', image: 'busybox', volumeMounts: [own] }] })).spec as Spec;
  assert.deepEqual(spec.volumes?.map((v) => v.name), ['mine']);
  assert.deepEqual(spec.containers[0]?.volumeMounts, [own]);
});

test('mirror pods are left alone', async (t) => {
  const { reg, lookups } = await setup(t);
  const spec = (await create(reg, { nodeName: 'n1' }, { annotations: { 'kubernetes.io/config.mirror': 'x' } })).spec as Spec;
  assert.equal(spec.volumes, undefined);
  assert.deepEqual(lookups, []);
});

test('a pod naming a missing account is 403, after retries for `default` only', async (t) => {
  const { reg, lookups } = await setup(t);
  await assert.rejects(create(reg, { serviceAccountName: 'ghost' }, { name: 'x' }), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 403);
    assert.equal(err.reason, 'Forbidden');
    assert.equal(err.message, 'pods "x" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
    return true;
  });
  assert.equal(lookups.length, 1);
  await reg.registry.delete(SAS, 'default', 'default', {}, systemContext('test'));
  lookups.length = 0;
  await assert.rejects(create(reg, {}, { name: 'y' }), /serviceaccount "default" not found/);
  assert.equal(lookups.length, 10);
});
