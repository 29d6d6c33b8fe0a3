// A list-then-watch cache of one resource (client-go's reflector + indexer,
// small): `items` always holds the latest state seen, handlers hear every
// change. It never stops on an error: a broken watch is resumed from the last
// resourceVersion, a 410 (history compacted) re-lists and reports the
// difference as adds, updates and deletes, other failures retry with backoff.
//
// Cached objects are shared: handlers and readers must copy before changing.

import type { KObject } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';
import { ApiError } from '../machinery/errors.js';
import type { ApiClient, ListOptions } from './api-client.js';

export interface InformerHandlers {
  add?(obj: KObject): void;
  update?(obj: KObject, old: KObject): void;
  delete?(obj: KObject): void;
}

export interface InformerOptions extends ListOptions {
  /** called with failures that will be retried */
  onError?: (err: unknown) => void;
  /** first retry delay after a failure, doubling to 5 s */
  retryMs?: number;
}

export function objectKey(obj: KObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

/** Values an object is filed under in one index (e.g. its namespace, its owner's uid). */
export type IndexFn = (obj: KObject) => readonly string[];

export class Informer {
  readonly items = new Map<string, KObject>();
  private readonly handlers: InformerHandlers[] = [];
  private readonly indexes = new Map<string, { fn: IndexFn; map: Map<string, Map<string, KObject>> }>();
  private readonly opts: InformerOptions;
  private rv = '';
  private syncedResolve!: () => void;
  /** resolves after the first complete list has been delivered to the handlers */
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));

  constructor(
    private readonly client: ApiClient,
    private readonly resource: ResourceInfo,
    opts: InformerOptions = {},
  ) {
    this.opts = opts;
  }

  on(h: InformerHandlers): void {
    this.handlers.push(h);
  }

  get(key: string): KObject | undefined {
    return this.items.get(key);
  }

  /** Adds an index; objects already cached are filed at once. Add indexes before `run`. */
  addIndex(name: string, fn: IndexFn): void {
    if (this.indexes.has(name)) return;
    const idx = { fn, map: new Map<string, Map<string, KObject>>() };
    this.indexes.set(name, idx);
    for (const [key, obj] of this.items) this.file(idx, key, obj);
  }

  /** The cached objects filed under `value` in index `name` (read-only). */
  byIndex(name: string, value: string): KObject[] {
    const idx = this.indexes.get(name);
    if (!idx) throw new Error(`informer has no index ${name}`);
    const m = idx.map.get(value);
    return m ? [...m.values()] : [];
  }

  private file(idx: { fn: IndexFn; map: Map<string, Map<string, KObject>> }, key: string, obj: KObject): void {
    for (const v of idx.fn(obj)) {
      let m = idx.map.get(v);
      if (!m) idx.map.set(v, (m = new Map()));
      m.set(key, obj);
    }
  }

  private unfile(idx: { fn: IndexFn; map: Map<string, Map<string, KObject>> }, key: string, obj: KObject): void {
    for (const v of idx.fn(obj)) {
      const m = idx.map.get(v);
      if (!m) continue;
      m.delete(key);
      if (m.size === 0) idx.map.delete(v);
    }
  }

  /** An update: filed under the same values (the usual case), the object only takes the old one's place. */
  private refile(idx: { fn: IndexFn; map: Map<string, Map<string, KObject>> }, key: string, old: KObject, obj: KObject): void {
    const was = idx.fn(old);
    const now = idx.fn(obj);
    if (was.length !== now.length || was.some((v, i) => v !== now[i])) this.unfile(idx, key, old);
    this.file(idx, key, obj);
  }

  /** Keeps the cache and every index in step: the one place `items` changes. */
  private store(key: string, obj: KObject | undefined): KObject | undefined {
    const old = this.items.get(key);
    for (const idx of this.indexes.values()) {
      if (old && obj) this.refile(idx, key, old, obj);
      else if (old) this.unfile(idx, key, old);
      else if (obj) this.file(idx, key, obj);
    }
    if (obj) this.items.set(key, obj);
    else this.items.delete(key);
    return old;
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let delay = this.opts.retryMs ?? 200;
    while (!signal.aborted) {
      try {
        if (!this.rv) await this.relist();
        await this.client.watch(this.resource, { ...this.listOptions(), resourceVersion: this.rv }, (e) => this.apply(e.type, e.object), signal);
        delay = this.opts.retryMs ?? 200;
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof ApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone')) {
          this.rv = '';
          continue;
        }
        this.opts.onError?.(err);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private listOptions(): ListOptions {
    const o: ListOptions = {};
    if (this.opts.namespace) o.namespace = this.opts.namespace;
    if (this.opts.labelSelector) o.labelSelector = this.opts.labelSelector;
    if (this.opts.fieldSelector) o.fieldSelector = this.opts.fieldSelector;
    return o;
  }

  private async relist(): Promise<void> {
    const list = await this.client.list(this.resource, this.listOptions());
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.store(key, obj);
      if (!old) this.emit((h) => h.add?.(obj));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit((h) => h.update?.(obj, old));
    }
    for (const [key, old] of [...this.items]) {
      if (seen.has(key)) continue;
      this.store(key, undefined);
      this.emit((h) => h.delete?.(old));
    }
    this.rv = list.resourceVersion;
    this.syncedResolve();
  }

  private apply(type: string, obj: KObject): void {
    if (obj.metadata.resourceVersion) this.rv = obj.metadata.resourceVersion;
    if (type === 'BOOKMARK') return;
    const key = objectKey(obj);
    if (type === 'DELETED') {
      this.store(key, undefined);
      this.emit((h) => h.delete?.(obj));
      return;
    }
    const old = this.store(key, obj);
    if (old) this.emit((h) => h.update?.(obj, old));
    else this.emit((h) => h.add?.(obj));
  }

  private emit(fn: (h: InformerHandlers) => void): void {
    for (const h of this.handlers) {
      try {
        fn(h);
      } catch (err) {
        // A handler's bug must not stop the cache; it is reported, not swallowed.
        this.opts.onError?.(err);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
