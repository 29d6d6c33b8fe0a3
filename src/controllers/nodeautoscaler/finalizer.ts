// The NodePool finalizer: deleting a pool removes its machines first. The
// autoscaler puts FINALIZER on every pool it sees; once a pool is being
// deleted, its nodes are drained and removed (PodDisruptionBudgets honoured,
// as for scale-down), machines still launching are given up, and only when
// none is left does the finalizer come off and the pool go.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { NODEPOOLS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';

export const FINALIZER = 'autoscaling.hale.dev/nodes';

export function hasFinalizer(pool: KObject): boolean {
  return (pool.metadata.finalizers ?? []).includes(FINALIZER);
}

/** Adds or removes the finalizer with a compare-and-swap update (retried on conflict); a pool that is gone is fine. */
export async function setFinalizer(client: ApiClient, name: string, on: boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let pool: KObject;
    try {
      pool = await client.get(NODEPOOLS, '', name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
    const list = pool.metadata.finalizers ?? [];
    if (list.includes(FINALIZER) === on) return;
    // A pool already being deleted gets no new finalizer (the API server refuses adding one then).
    if (on && pool.metadata.deletionTimestamp) return;
    const finalizers = on ? [...list, FINALIZER] : list.filter((f) => f !== FINALIZER);
    try {
      await client.update(NODEPOOLS, { ...pool, metadata: { ...pool.metadata, finalizers } });
      return;
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404) && attempt < 5) continue;
      throw err;
    }
  }
}
