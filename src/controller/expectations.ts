// Expectations (pkg/controller's ControllerExpectations): "I just asked for N
// creates and these deletes for key K". Until the informer has seen them, the
// cache is stale for K and the controller must not act on it again — a stale
// cache would otherwise make it create the same pods twice. Expectations
// expire (5 minutes, as Kubernetes) so a lost watch event cannot wedge a key,
// and a failed create or delete lowers them at once.

import type { Clock } from '../lib/clock/clock.js';

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  /** uids (or keys) of objects asked to go */
  dels: Set<string>;
  setAt: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
  ) {}

  /** True when `key` may be synced: nothing outstanding, or what was expected is too old to trust. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.dels.size === 0) return true;
    return this.clock.monotonic() - e.setAt > this.ttlMs;
  }

  /** SetExpectations: `adds` creates and the deletes of `dels`, together, replacing what `key` expected before. */
  expect(key: string, o: { adds?: number; dels?: readonly string[] }): void {
    this.byKey.set(key, { adds: o.adds ?? 0, dels: new Set(o.dels ?? []), setAt: this.clock.monotonic() });
  }

  expectCreations(key: string, n: number): void {
    this.expect(key, { adds: n });
  }

  expectDeletions(key: string, ids: readonly string[]): void {
    this.expect(key, { dels: ids });
  }

  /** An add the informer delivered, or a create that failed (it will never be observed). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.adds--;
  }

  /** A delete the informer delivered (or one that failed / found nothing). */
  deletionObserved(key: string, id: string): void {
    this.byKey.get(key)?.dels.delete(id);
  }

  /** Outstanding work for `key`, for logs and tests. */
  pending(key: string): { adds: number; dels: number } {
    const e = this.byKey.get(key);
    return { adds: Math.max(0, e?.adds ?? 0), dels: e?.dels.size ?? 0 };
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
