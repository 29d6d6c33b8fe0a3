// Is the cached Endpoints older than what this controller last wrote?
// (staleEndpointsTracker, plus created-but-not-yet-seen, which Kubernetes
// leaves to an AlreadyExists error and a Warning event.)
//
// - After an update that produced a new resourceVersion, the previous one is
//   stale: a sync that still reads it would write from an old view.
// - After a create, a cache without the object is stale: a sync would try to
//   create it again.

import type { KObject } from '../../api/object.js';

export class StaleEndpointsTracker {
  private readonly staleVersion = new Map<string, string>();
  private readonly pendingCreate = new Set<string>();

  updated(key: string, before: KObject, after: KObject): void {
    if (after.metadata.resourceVersion !== before.metadata.resourceVersion) this.staleVersion.set(key, before.metadata.resourceVersion ?? '');
  }

  created(key: string): void {
    this.pendingCreate.add(key);
  }

  /** The informer delivered the object (add or update) or its deletion. */
  observed(key: string): void {
    this.pendingCreate.delete(key);
  }

  isStale(key: string, cached: KObject | undefined): boolean {
    if (!cached) return this.pendingCreate.has(key);
    return this.staleVersion.get(key) === cached.metadata.resourceVersion;
  }

  forget(key: string): void {
    this.staleVersion.delete(key);
    this.pendingCreate.delete(key);
  }
}
