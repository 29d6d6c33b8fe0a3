// What this controller last wrote, per Service (EndpointSliceTracker): the
// generation of every slice it created or updated, and the slices it deleted.
//
// - A sync whose cache lacks a slice it created, holds an older generation,
//   or still holds a slice it deleted is *stale*: acting on it would create
//   a duplicate slice or lose a write, so the sync waits for the informer.
// - A slice event that shows exactly what the controller wrote needs no
//   sync; anything else (someone edited or deleted a managed slice) does.

import type { KObject } from '../../api/object.js';
import { serviceKeyOf } from './slice.js';

const DELETION_EXPECTED = -1;

export class SliceTracker {
  private readonly byService = new Map<string, Map<string, number>>();

  private gens(slice: KObject, create = false): Map<string, number> | undefined {
    const key = serviceKeyOf(slice);
    if (key === undefined) return undefined;
    let m = this.byService.get(key);
    if (!m && create) this.byService.set(key, (m = new Map()));
    return m;
  }

  /** Remember a slice as the server returned it after a create or update. */
  update(slice: KObject): void {
    this.gens(slice, true)?.set(slice.metadata.uid ?? '', slice.metadata.generation ?? 0);
  }

  expectDeletion(slice: KObject): void {
    this.gens(slice, true)?.set(slice.metadata.uid ?? '', DELETION_EXPECTED);
  }

  has(slice: KObject): boolean {
    return this.gens(slice)?.has(slice.metadata.uid ?? '') ?? false;
  }

  /** An add or update event needs a sync unless it shows what this controller wrote. */
  shouldSync(slice: KObject): boolean {
    const g = this.gens(slice)?.get(slice.metadata.uid ?? '');
    return g === undefined || (slice.metadata.generation ?? 0) !== g;
  }

  /** A delete event: forgets the slice; true when the deletion was this controller's. */
  handleDeletion(slice: KObject): boolean {
    const m = this.gens(slice);
    const uid = slice.metadata.uid ?? '';
    const g = m?.get(uid);
    m?.delete(uid);
    return g === DELETION_EXPECTED;
  }

  /** StaleSlices: the cached slices of `serviceKey` are older than what this controller wrote. */
  stale(serviceKey: string, cached: readonly KObject[]): boolean {
    const m = this.byService.get(serviceKey);
    if (!m) return false;
    const seen = new Set<string>();
    for (const s of cached) {
      const uid = s.metadata.uid ?? '';
      seen.add(uid);
      const g = m.get(uid);
      if (g !== undefined && (g === DELETION_EXPECTED || g > (s.metadata.generation ?? 0))) return true;
    }
    for (const [uid, g] of m) if (g !== DELETION_EXPECTED && !seen.has(uid)) return true;
    return false;
  }

  deleteService(serviceKey: string): void {
    this.byService.delete(serviceKey);
  }
}
