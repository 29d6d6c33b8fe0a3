// Reading the owner graph from the watch cache, for the in-process cascade
// (registry/cascade.ts): the dependents of an owner uid, and what became of
// each owner a dependent names.
//
// Dependents come from the watch cache's owner index (O(dependents) per
// call). Callers wait for the cache to reach the revision they reason about
// before asking.

import type { KObject, OwnerReference } from '../../api/object.js';
import { findKind, RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { storageResource } from '../watchcache/keys.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import type { Registry } from './registry.js';
import { ApiError } from '../../machinery/errors.js';

export interface Dependent {
  r: ResourceInfo;
  obj: KObject;
}

export function dependentsOf(cache: WatchCache, uid: string): Dependent[] {
  const out: Dependent[] = [];
  const seen = new Set<string>();
  for (const r of RESOURCES) {
    const sr = storageResource(r);
    if (seen.has(sr)) continue;
    seen.add(sr);
    for (const e of cache.resource(sr).dependentsOf(uid)) out.push({ r, obj: e.obj });
  }
  return out;
}

/** Every object the cache holds, once per storage resource. */
export function allObjects(cache: WatchCache): Dependent[] {
  const out: Dependent[] = [];
  const seen = new Set<string>();
  for (const r of RESOURCES) {
    const sr = storageResource(r);
    if (seen.has(sr)) continue;
    seen.add(sr);
    for (const e of cache.resource(sr).items.values()) out.push({ r, obj: e.obj });
  }
  return out;
}

/**
 * What an owner reference points at now: `present` (that uid exists),
 * `absent` (nothing with that uid under that name), or `unknown` (a kind hale
 * does not serve: never collected, as the garbage collector cannot resolve it either).
 */
export type OwnerState = { state: 'present'; r: ResourceInfo; obj: KObject } | { state: 'absent' } | { state: 'unknown' };

/** `namespace`: the dependent's (a namespaced owner lives beside its dependents). */
export async function ownerState(registry: Registry, o: { namespace: string; ref: OwnerReference }): Promise<OwnerState> {
  const { ref } = o;
  const r = findKind(ref.apiVersion, ref.kind);
  if (!r) return { state: 'unknown' };
  try {
    const obj = await registry.get(r, r.namespaced ? o.namespace : '', ref.name);
    return obj.metadata.uid === ref.uid ? { state: 'present', r, obj } : { state: 'absent' };
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return { state: 'absent' };
    throw err;
  }
}
