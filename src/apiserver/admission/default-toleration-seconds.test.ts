// DefaultTolerationSeconds through the real registry: a new pod gets the
// not-ready and unreachable NoExecute tolerations with the configured seconds,
// unless it already covers them by Kubernetes' test (key equal or empty,
// effect NoExecute or empty); updates keep them (kubectl replace of the
// original manifest stays valid); other kinds and subresources are untouched.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/object.js';
import { systemContext } from '../registry/context.js';
import { openTestRegistry, type TestRegistry } from '../registry/testing.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';

const pods = findResource('', 'v1', 'pods')!;
const configmaps = findResource('', 'v1', 'configmaps')!;
const ctx = systemContext('test');

type Tol = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };
const pod = (name: string, tolerations?: Tol[]): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) },
});
const tolerationsOf = (o: KObject): Tol[] => ((o.spec as { tolerations?: Tol[] }).tolerations ?? []);

const notReady = (s: number): Tol => ({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s });
const unreachable = (s: number): Tol => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s });

describe('DefaultTolerationSeconds admission', () => {
  let t: TestRegistry;
  before(async () => {
    t = await openTestRegistry({ admission: () => [defaultTolerationSeconds({ notReadySeconds: 7, unreachableSeconds: 9 })] });
  });
  after(async () => {
    await t.close();
  });
  const create = (o: KObject): Promise<KObject> => t.registry.create(pods, 'default', o, ctx);

  it('adds both tolerations, with the configured seconds, after the pod\'s own', async () => {
    assert.deepEqual(tolerationsOf(await create(pod('plain'))), [notReady(7), unreachable(9)]);
    const own: Tol = { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' };
    assert.deepEqual(tolerationsOf(await create(pod('own', [own]))), [own, notReady(7), unreachable(9)]);
  });

  it('leaves a taint the pod already covers: same key or empty key, NoExecute or empty effect', async () => {
    const mine: Tol = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 };
    assert.deepEqual(tolerationsOf(await create(pod('nr', [mine]))), [mine, unreachable(9)]);
    // Empty effect covers NoExecute; operator and value are not looked at.
    const anyEffect: Tol = { key: 'node.kubernetes.io/unreachable', operator: 'Equal', value: 'x' };
    assert.deepEqual(tolerationsOf(await create(pod('ur', [anyEffect]))), [anyEffect, notReady(7)]);
    // Empty key with Exists tolerates everything.
    const all: Tol = { operator: 'Exists' };
    assert.deepEqual(tolerationsOf(await create(pod('all', [all]))), [all]);
    const allNoExecute: Tol = { operator: 'Exists', effect: 'NoExecute' };
    assert.deepEqual(tolerationsOf(await create(pod('all-ne', [allNoExecute]))), [allNoExecute]);
    // DaemonSet pods carry both without seconds: untouched, never evicted.
    const daemon: Tol[] = [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    ];
    assert.deepEqual(tolerationsOf(await create(pod('daemon', daemon))), daemon);
  });

  it('a toleration of the right key with another effect does not count', async () => {
    const noSchedule: Tol = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' };
    assert.deepEqual(tolerationsOf(await create(pod('ns', [noSchedule]))), [noSchedule, notReady(7), unreachable(9)]);
  });

  it('an update that drops them (kubectl replace of the original manifest) gets them back and is valid', async () => {
    const created = await create(pod('replaced'));
    const { obj } = await t.registry.update(pods, 'default', 'replaced', (cur) => {
      const next = structuredClone(cur);
      delete (next.spec as { tolerations?: unknown }).tolerations;
      next.metadata.labels = { replaced: 'yes' };
      return next;
    }, { ctx });
    assert.equal(obj.metadata.labels?.replaced, 'yes');
    assert.deepEqual(tolerationsOf(obj), tolerationsOf(created));
  });

  it('touches nothing but pods', async () => {
    const cm = await t.registry.create(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }, ctx);
    assert.equal(cm.spec, undefined);
  });

  it('defaults to 2 seconds each', async () => {
    const plugin = defaultTolerationSeconds();
    const o = pod('d');
    await plugin.admit({ op: 'create', resource: pods, subresource: '', obj: o, old: undefined, ctx });
    assert.deepEqual(tolerationsOf(o), [notReady(2), unreachable(2)]);
    const status = pod('s');
    await plugin.admit({ op: 'update', resource: pods, subresource: 'status', obj: status, old: status, ctx });
    assert.deepEqual(tolerationsOf(status), []);
  });
});
