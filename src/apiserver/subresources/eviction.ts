// pods/eviction (policy/v1 Eviction): a delete that honours
// PodDisruptionBudgets. Until a disruption controller maintains PDB status,
// the budget is computed here from the live pods (ready pods matching the
// PDB's selector against minAvailable / maxUnavailable), and evictions that
// touch one PDB are serialised so two concurrent evictions cannot both spend
// the last allowed disruption.

import type { KObject } from '../../api/object.js';
import { findResource, type ResourceInfo } from '../../api/resources.js';
import { ApiError, tooManyRequests } from '../../machinery/errors.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';
import type { RequestContext } from '../registry/context.js';
import type { DeleteOptions, Registry } from '../registry/registry.js';
import { listObjects } from '../registry/list.js';

const locks = new Map<string, Promise<void>>();

async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  let release!: () => void;
  const next = new Promise<void>((r) => (release = r));
  const chained = prev.then(() => next);
  locks.set(key, chained);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (locks.get(key) === chained) locks.delete(key);
  }
}

function isReady(pod: KObject): boolean {
  const conds = ((pod.status ?? {}) as { conditions?: { type: string; status: string }[] }).conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', ''));
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

async function all(registry: Registry, r: ResourceInfo, ns: string): Promise<KObject[]> {
  const page = await listObjects({ store: registry.store, cache: registry.cache, resource: r, req: { namespace: ns, filter: () => true, limit: 0, continueToken: '', resourceVersion: '', resourceVersionMatch: '' } });
  return page.entries.map((e) => e.obj);
}

export async function evictPod(o: { registry: Registry; pods: ResourceInfo; namespace: string; name: string; deleteOptions: DeleteOptions; ctx: RequestContext }): Promise<void> {
  const { registry, pods, namespace, name } = o;
  const pod = await registry.get(pods, namespace, name);
  const phase = ((pod.status ?? {}) as { phase?: string }).phase;
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') {
    await registry.delete(pods, namespace, name, o.deleteOptions, o.ctx);
    return;
  }
  const pdbRes = findResource('policy', 'v1', 'poddisruptionbudgets')!;
  const pdbs = (await all(registry, pdbRes, namespace)).filter((p) => {
    const sel = (p.spec as { selector?: object } | undefined)?.selector;
    if (!sel) return false;
    return selectorFromLabelSelector(sel as never).matches(pod.metadata.labels ?? {});
  });
  if (pdbs.length > 1) {
    throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  const pdb = pdbs[0];
  if (!pdb) {
    await registry.delete(pods, namespace, name, o.deleteOptions, o.ctx);
    return;
  }
  await withLock(`${namespace}/${pdb.metadata.name}`, async () => {
    const spec = (pdb.spec ?? {}) as { selector?: object; minAvailable?: number | string; maxUnavailable?: number | string; unhealthyPodEvictionPolicy?: string };
    const sel = selectorFromLabelSelector(spec.selector as never);
    const members = (await all(registry, pods, namespace)).filter((p) => {
      const ph = ((p.status ?? {}) as { phase?: string }).phase;
      return sel.matches(p.metadata.labels ?? {}) && ph !== 'Succeeded' && ph !== 'Failed';
    });
    const expected = members.length;
    const healthy = members.filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length;
    let desired = expected;
    if (spec.minAvailable !== undefined) desired = scaled(spec.minAvailable, expected, true);
    else if (spec.maxUnavailable !== undefined) desired = Math.max(0, expected - scaled(spec.maxUnavailable, expected, true));
    const allowed = healthy - desired;
    const podHealthy = isReady(pod);
    const unhealthyOk = !podHealthy && (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' || healthy >= desired);
    if (allowed <= 0 && !unhealthyOk) {
      const e = tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 10);
      e.details!.causes = [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${desired} healthy pods and has ${healthy} currently` }];
      throw e;
    }
    await registry.delete(pods, namespace, name, o.deleteOptions, o.ctx);
  });
}
