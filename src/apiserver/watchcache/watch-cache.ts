// The watch cache: one store watch over the whole keyspace, fanned out to a
// ResourceCache per storage resource. Lists and watches are served from here so
// the store only takes writes and point reads.
//
// Invariants: `revision` is the revision of the last store event applied;
// when the store watch fails (compacted, overflow, store error) the cache
// re-lists everything, resets every resource's window to the new revision and
// ends every live watch, so clients re-watch and, if they are too far behind,
// get 410 and re-list: nobody ever misses an event silently.
//
// Cached objects are deeply frozen: in-process watchers (the controllers'
// informers) receive them without a copy, and a reader that tried to change
// one would throw instead of corrupting what every list and watch serves.

import type { KObject } from '../../api/object.js';
import type { Store, WatchEvent } from '../../storage/store.js';
import { ROOT, resourceOfKey } from './keys.js';
import { ResourceCache, type CacheEntry } from './resource-cache.js';

export interface WatchCacheOptions {
  /** events kept per resource for resuming watches (default 5000) */
  historyCapacity?: number;
  onError?: (err: unknown) => void;
}

function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null) return;
  Object.freeze(v);
  for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
}

export function decodeEntry(key: string, value: string, rev: number): CacheEntry {
  const obj = JSON.parse(value) as KObject;
  obj.metadata = obj.metadata ?? {};
  obj.metadata.resourceVersion = String(rev);
  return { key, obj, rev };
}

/** An entry for the cache itself: decoded and frozen (shared by every reader). */
function frozenEntry(key: string, value: string, rev: number): CacheEntry {
  const e = decodeEntry(key, value, rev);
  deepFreeze(e.obj);
  return e;
}

/**
 * A frozen entry for a store event, holding the stored text while the event
 * fans out (the caller clears `raw`): watchers serving JSON splice the
 * revision into it (entryJson) instead of serializing the object again —
 * only when the stored metadata had no resourceVersion of its own.
 */
function liveEntry(key: string, value: string, rev: number): CacheEntry {
  const obj = JSON.parse(value) as KObject;
  const splice = typeof obj.metadata === 'object' && obj.metadata !== null && !('resourceVersion' in obj.metadata);
  obj.metadata = obj.metadata ?? {};
  obj.metadata.resourceVersion = String(rev);
  deepFreeze(obj);
  return { key, obj, rev, raw: splice ? value : undefined };
}

export class WatchCache {
  revision = 0;
  /** every event after this revision has been seen (last re-list, raised by compaction) */
  private floor = 0;
  private readonly store: Store;
  private readonly capacity: number;
  private readonly resources = new Map<string, ResourceCache>();
  private waiters: { rev: number; resolve: () => void }[] = [];
  private running = false;
  private stopWatch: (() => void) | undefined;
  private readonly onError: (err: unknown) => void;
  private loop: Promise<void> | undefined;

  constructor(store: Store, opts: WatchCacheOptions = {}) {
    this.store = store;
    this.capacity = opts.historyCapacity ?? 5000;
    this.onError = opts.onError ?? (() => undefined);
  }

  resource(name: string): ResourceCache {
    let rc = this.resources.get(name);
    if (!rc) {
      // A resource seen for the first time has had no events since the floor: its window starts there.
      rc = new ResourceCache(name, { capacity: this.capacity, startRevision: this.floor });
      // The cacher's one index: pods by node (every kubelet lists and watches its own).
      if (name === 'pods') rc.addFieldIndex('spec.nodeName', (o) => String((o.spec as { nodeName?: unknown } | undefined)?.nodeName ?? ''));
      this.resources.set(name, rc);
    }
    return rc;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.relist();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopWatch?.();
    for (const rc of this.resources.values()) rc.terminateWatchers('server shutting down');
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
    await this.loop;
  }

  /** The newest entry the cache holds at `key` (it may lag the store). */
  latestEntry(key: string): CacheEntry | undefined {
    return this.resources.get(resourceOfKey(key))?.items.get(key);
  }

  /** The cached entry of `key` if it is the one written at `rev` (frozen; shared). */
  entryAt(key: string, rev: number): CacheEntry | undefined {
    const e = this.latestEntry(key);
    return e?.rev === rev ? e : undefined;
  }

  /** Resolves once the cache has applied every event up to `rev`. */
  waitFor(rev: number, timeoutMs = 10_000): Promise<boolean> {
    if (this.revision >= rev || !this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        rev,
        resolve: () => {
          clearTimeout(t);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** The store was compacted at `rev`: watches from before it must get 410. */
  compactedTo(rev: number): void {
    if (rev > this.floor) this.floor = rev;
    for (const rc of this.resources.values()) rc.compactedTo(rev);
  }

  private async relist(): Promise<void> {
    const res = await this.store.list(ROOT);
    const groups = new Map<string, CacheEntry[]>();
    for (const kv of res.items) {
      const name = resourceOfKey(kv.key);
      let g = groups.get(name);
      if (!g) groups.set(name, (g = []));
      g.push(frozenEntry(kv.key, kv.value, kv.modRevision));
    }
    this.revision = res.revision;
    this.floor = res.revision;
    for (const name of groups.keys()) this.resource(name);
    for (const [name, rc] of this.resources) {
      rc.terminateWatchers('watch cache re-listed');
      rc.reset(groups.get(name) ?? [], res.revision);
    }
    this.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const watch = this.store.watch(ROOT, this.revision, { bufferSize: 100_000 });
      this.stopWatch = () => watch.close();
      try {
        for await (const ev of watch) {
          this.applyStoreEvent(ev);
          if (!this.running) break;
        }
        if (!this.running) return;
      } catch (err) {
        if (!this.running) return;
        this.onError(err);
      }
      // The watch ended or failed: rebuild from a fresh list, then watch again.
      await new Promise((r) => setTimeout(r, 100));
      try {
        await this.relist();
      } catch (err) {
        this.onError(err);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private applyStoreEvent(ev: WatchEvent): void {
    const kv = ev.kv;
    const rc = this.resource(resourceOfKey(kv.key));
    const prev = rc.items.get(kv.key);
    const entry = liveEntry(kv.key, kv.value, kv.modRevision);
    rc.apply({ type: ev.type === 'delete' ? 'DELETED' : prev ? 'MODIFIED' : 'ADDED', entry, prev, rev: kv.modRevision });
    entry.raw = undefined;
    this.revision = kv.modRevision;
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.rev <= this.revision);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.rev > this.revision);
    for (const w of ready) w.resolve();
  }
}
