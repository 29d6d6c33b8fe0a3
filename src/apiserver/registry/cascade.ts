// Owner references honoured on delete, until the garbage collector controller
// (workload issue) takes over: Orphan removes the owner's reference from its
// dependents before the owner goes; Background and Foreground delete, after
// the owner is gone, every dependent whose owners are all gone (a dependent
// with another live owner only loses the dangling reference).
//
// Dependents are found by scanning the watch cache: O(objects) per delete,
// acceptable until the GC keeps an owner index.

import type { KObject, OwnerReference } from '../../api/object.js';
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { storageResource } from '../watchcache/keys.js';
import { systemContext } from './context.js';
import type { Registry } from './registry.js';

function dependentsOf(registry: Registry, uid: string): { r: ResourceInfo; obj: KObject }[] {
  const out: { r: ResourceInfo; obj: KObject }[] = [];
  const seen = new Set<string>();
  for (const r of RESOURCES) {
    const sr = storageResource(r);
    if (seen.has(sr)) continue;
    seen.add(sr);
    for (const e of registry.cache.resource(sr).items.values()) {
      if (e.obj.metadata.ownerReferences?.some((o) => o.uid === uid)) out.push({ r, obj: e.obj });
    }
  }
  return out;
}

function ignoreNotFound(err: unknown): void {
  if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
  throw err;
}

export function installCascade(registry: Registry, log: (msg: string, err: unknown) => void): void {
  const ctx = systemContext('system:serviceaccount:kube-system:generic-garbage-collector');
  registry.orphan = async (_r, owner) => {
    const uid = owner.metadata.uid ?? '';
    for (const d of dependentsOf(registry, uid)) {
      const m = d.obj.metadata;
      await registry
        .update(d.r, m.namespace ?? '', m.name ?? '', (cur) => {
          const refs = (cur.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
          cur.metadata.ownerReferences = refs;
          return cur;
        }, { ctx })
        .catch(ignoreNotFound);
    }
  };
  registry.onDeleted = (_r, owner) => {
    const uid = owner.metadata.uid ?? '';
    const work = async (): Promise<void> => {
      for (const d of dependentsOf(registry, uid)) {
        const m = d.obj.metadata;
        const others: OwnerReference[] = (m.ownerReferences ?? []).filter((o) => o.uid !== uid);
        if (others.length > 0) {
          await registry
            .update(d.r, m.namespace ?? '', m.name ?? '', (cur) => {
              cur.metadata.ownerReferences = (cur.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
              return cur;
            }, { ctx })
            .catch(ignoreNotFound);
          continue;
        }
        await registry.delete(d.r, m.namespace ?? '', m.name ?? '', { propagationPolicy: 'Background' }, ctx).catch(ignoreNotFound);
      }
    };
    // After the owner's delete is acknowledged; the cache must have seen it so scans are current.
    setImmediate(() => work().catch((err: unknown) => log('cascading delete failed', err)));
  };
}
