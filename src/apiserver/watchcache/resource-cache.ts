// The in-memory state of one storage resource: its current objects (parsed,
// with resourceVersion set), a bounded history of recent events for watches
// that resume from a resourceVersion, and the set of live watchers.
//
// Invariants: `items` equals the store's state at the cache's global
// revision; every event with revision > `windowStart` for this resource is in
// `history` (so a watch from rv >= windowStart can be replayed with no gap);
// watchers receive events synchronously, in revision order; `byOwner` files
// every item under each owner uid it names (the garbage collector's graph:
// an owner's dependents without a scan of every object); field indexes
// (pods by spec.nodeName, as the cacher indexes them) file every item under
// its value, so a kubelet's list of its pods does not read every pod.

import type { KObject } from '../../api/object.js';
import { spliceResourceVersion } from './stored-json.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEntry {
  key: string;
  obj: KObject;
  rev: number;
  /** JSON of `obj`, made on first use and shared by every list and watch */
  json?: string;
  /** the stored value `obj` was decoded from, kept only while its event fans out (entryJson splices into it) */
  raw?: string;
}

export interface CacheEvent {
  type: EventType;
  entry: CacheEntry;
  /** the object before this event (MODIFIED, DELETED) */
  prev: CacheEntry | undefined;
  rev: number;
}

export interface CacheWatcher {
  /** called synchronously for every event of this resource */
  event(ev: CacheEvent): void;
  /** the cache was rebuilt or is shutting down: the watcher must end its stream */
  terminate(reason: string): void;
}

export function entryJson(e: CacheEntry): string {
  if (e.json === undefined) {
    e.json = (e.raw !== undefined ? spliceResourceVersion(e.raw, e.obj, e.rev) : undefined) ?? JSON.stringify(e.obj);
    e.raw = undefined;
  }
  return e.json;
}

const leaves = new WeakMap<CacheEvent, CacheEntry>();

/**
 * What a watcher whose selector the object stops matching receives as
 * DELETED: the last state it matched (`prev`) at this event's
 * resourceVersion, as the cacher's convertToWatchEvent sends it. Made once per
 * event and shared by every watcher (cached objects are read-only).
 */
export function leaveEntry(ev: CacheEvent): CacheEntry {
  const prev = ev.prev ?? ev.entry;
  let e = leaves.get(ev);
  if (!e) {
    e = { key: prev.key, rev: ev.rev, obj: { ...prev.obj, metadata: { ...prev.obj.metadata, resourceVersion: String(ev.rev) } } };
    leaves.set(ev, e);
  }
  return e;
}

/** The index range of sorted `keys` under `prefix` that are >= `from` (two binary searches, no copy). */
export function sortedRange(keys: readonly string[], prefix: string, from: string): { keys: readonly string[]; start: number; end: number } {
  const lowerBound = (x: string): number => {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const start = lowerBound(from < prefix ? prefix : from);
  // Every key under the prefix sorts before prefix + U+FFFF.
  const end = lowerBound(prefix + '\uffff');
  return { keys, start, end: Math.max(start, end) };
}

function fileUnder(map: Map<string, Set<string>>, value: string, key: string, add: boolean): void {
  let keys = map.get(value);
  if (add) {
    if (!keys) map.set(value, (keys = new Set()));
    keys.add(key);
  } else if (keys) {
    keys.delete(key);
    if (keys.size === 0) map.delete(value);
  }
}

export class ResourceCache {
  readonly name: string;
  readonly items = new Map<string, CacheEntry>();
  private sorted: string[] | null = null;
  private history: CacheEvent[] = [];
  private head = 0; // index of the oldest event in the ring
  private readonly capacity: number;
  /** a watch may resume from any rv >= windowStart */
  windowStart: number;
  /** revision of the last event applied to this resource */
  lastChange = 0;
  readonly watchers = new Set<CacheWatcher>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly fieldIndexes = new Map<string, { fn: (obj: KObject) => string; map: Map<string, Set<string>> }>();

  constructor(name: string, opts: { capacity: number; startRevision: number }) {
    this.name = name;
    this.capacity = Math.max(1, opts.capacity);
    this.windowStart = opts.startRevision;
  }

  /** Replace the whole state (initial load or re-list), invalidating old history. */
  reset(entries: CacheEntry[], revision: number): void {
    this.items.clear();
    this.byOwner.clear();
    for (const idx of this.fieldIndexes.values()) idx.map.clear();
    for (const e of entries) {
      this.items.set(e.key, e);
      this.fileIndexes(e, true);
    }
    this.sorted = null;
    this.history = [];
    this.head = 0;
    this.windowStart = revision;
    this.lastChange = revision;
  }

  apply(ev: CacheEvent): void {
    const old = this.items.get(ev.entry.key);
    if (old) this.fileIndexes(old, false);
    if (ev.type === 'DELETED') {
      this.items.delete(ev.entry.key);
      this.sorted = null;
    } else {
      if (!old) this.sorted = null;
      this.items.set(ev.entry.key, ev.entry);
      this.fileIndexes(ev.entry, true);
    }
    this.lastChange = ev.rev;
    this.record(ev);
    for (const w of this.watchers) w.event(ev);
  }

  /** The items that name `uid` in their ownerReferences. */
  dependentsOf(uid: string): CacheEntry[] {
    const keys = this.byOwner.get(uid);
    if (!keys) return [];
    const out: CacheEntry[] = [];
    for (const k of keys) {
      const e = this.items.get(k);
      if (e) out.push(e);
    }
    return out;
  }

  /** Files every item under `fn(obj)` for field `field`; lists that require field=value read only those. */
  addFieldIndex(field: string, fn: (obj: KObject) => string): void {
    if (this.fieldIndexes.has(field)) return;
    const idx = { fn, map: new Map<string, Set<string>>() };
    this.fieldIndexes.set(field, idx);
    for (const e of this.items.values()) fileUnder(idx.map, fn(e.obj), e.key, true);
  }

  hasFieldIndex(field: string): boolean {
    return this.fieldIndexes.has(field);
  }

  /** The keys of items whose `field` is `value`, sorted; undefined when the field has no index. */
  keysWithField(field: string, value: string): string[] | undefined {
    const idx = this.fieldIndexes.get(field);
    if (!idx) return undefined;
    return [...(idx.map.get(value) ?? [])].sort();
  }

  private fileIndexes(e: CacheEntry, add: boolean): void {
    for (const idx of this.fieldIndexes.values()) fileUnder(idx.map, idx.fn(e.obj), e.key, add);
    for (const ref of e.obj.metadata.ownerReferences ?? []) {
      let keys = this.byOwner.get(ref.uid);
      if (add) {
        if (!keys) this.byOwner.set(ref.uid, (keys = new Set()));
        keys.add(e.key);
      } else if (keys) {
        keys.delete(e.key);
        if (keys.size === 0) this.byOwner.delete(ref.uid);
      }
    }
  }

  private record(ev: CacheEvent): void {
    if (this.history.length < this.capacity) {
      this.history.push(ev);
      return;
    }
    const evicted = this.history[this.head]!;
    this.history[this.head] = ev;
    this.head = (this.head + 1) % this.capacity;
    this.windowStart = Math.max(this.windowStart, evicted.rev);
  }

  /** Events with revision > rv, oldest first; undefined when rv is older than the window. */
  eventsSince(rv: number): CacheEvent[] | undefined {
    if (rv < this.windowStart) return undefined;
    const out: CacheEvent[] = [];
    const n = this.history.length;
    for (let i = 0; i < n; i++) {
      const ev = this.history[(this.head + i) % n]!;
      if (ev.rev > rv) out.push(ev);
    }
    return out;
  }

  /** Forget history at or below `rev` (the store was compacted there). */
  compactedTo(rev: number): void {
    if (rev > this.windowStart) this.windowStart = rev;
  }

  /** Keys in ascending order, limited to those starting with `prefix`. */
  keysWithPrefix(prefix: string): string[] {
    const r = this.keyRange(prefix, prefix);
    return r.keys.slice(r.start, r.end);
  }

  /**
   * The sorted key array (shared: do not modify) and the index range of the
   * keys under `prefix` that are >= `from`. No copying: a paged list of 100
   * objects out of 100,000 costs two binary searches, not a copy of all keys.
   */
  keyRange(prefix: string, from: string): { keys: readonly string[]; start: number; end: number } {
    if (this.sorted === null) this.sorted = [...this.items.keys()].sort();
    return sortedRange(this.sorted, prefix, from);
  }

  terminateWatchers(reason: string): void {
    for (const w of [...this.watchers]) w.terminate(reason);
    this.watchers.clear();
  }
}
