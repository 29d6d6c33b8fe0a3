// The watch endpoint: a chunked stream of newline-delimited JSON events
// (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) served from the watch cache.
//
// resourceVersion semantics: "" or "0" start with a synthetic ADDED per
// current object; N replays every event after N from the cache's history, or
// sends ERROR 410 Expired when N is older than it. N beyond what the cache
// has seen is waited for (3 s, as the cacher waits for freshness), then is an
// ERROR 504 "Too large resource version": the client re-lists instead of
// silently missing every event up to N. An object that starts or stops
// matching the selectors arrives as ADDED / DELETED (the last matching state,
// at the event's resourceVersion), as in Kubernetes. BOOKMARKs only when the
// client sent allowWatchBookmarks=true. A client that stops reading is cut
// off once its buffer passes a bound; it re-watches from its last
// resourceVersion. Streams end at `timeoutSeconds`; unset or 0 means the
// server default, a random 30–60 minutes (minRequestTimeout × [1, 2)).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObject } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';
import { badRequest, expired, tooLargeResourceVersion, type ApiError } from '../machinery/errors.js';
import { storageResource, collectionPrefix, objectKey } from './watchcache/keys.js';
import { entryJson, leaveEntry, type CacheEntry, type CacheEvent, type CacheWatcher, type EventType } from './watchcache/resource-cache.js';
import type { WatchCache } from './watchcache/watch-cache.js';
import type { ObjectFilter } from './registry/list.js';
import { typed } from './handlers/render.js';

export interface WatchRequest {
  resource: ResourceInfo;
  namespace: string;
  /** watch of a single object (GET …/name?watch=true) */
  name: string;
  filter: ObjectFilter;
  resourceVersion: string;
  /** undefined or 0: the server default */
  timeoutSeconds: number | undefined;
  /** allowWatchBookmarks=true */
  bookmarks: boolean;
  /** sendInitialEvents=true (watch-list): synthetic ADDEDs, then a BOOKMARK marking their end */
  sendInitialEvents: boolean;
  /** render each object as a one-row Table */
  render: ((obj: KObject) => unknown) | undefined;
  /** apiVersion/kind of the served version, set on every object */
  apiVersion: string;
  kind: string;
}

const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const BOOKMARK_INTERVAL_MS = 10_000;
/** how long a watch from a resourceVersion the cache has not reached waits for it */
const FRESHNESS_WAIT_MS = 3_000;

export interface ServeWatchOptions {
  cache: WatchCache;
  req: IncomingMessage;
  res: ServerResponse;
  watch: WatchRequest;
  /** the stream started (headers sent); paired with exactly one onClose */
  onOpen?: () => void;
  /** between BOOKMARKs (default 10 s) */
  bookmarkIntervalMs?: number;
  onClose?: () => void;
}

/**
 * Validates the request (throwing before any byte is sent), waits for the
 * cache to reach the requested resourceVersion, then starts the stream and
 * resolves; the stream itself runs until the client goes, the timeout, or the cache ends it.
 */
export async function serveWatch(opts: ServeWatchOptions): Promise<void> {
  const { cache, res, watch: w } = opts;
  const rc = cache.resource(storageResource(w.resource));
  const prefix = w.name ? objectKey(w.resource, w.namespace, w.name) : collectionPrefix(w.resource, w.namespace);
  const inScope = (e: CacheEntry): boolean => (w.name ? e.key === prefix : e.key.startsWith(prefix));
  const matches = (e: CacheEntry | undefined): boolean => !!e && inScope(e) && w.filter(e.obj);

  let startRv: number | undefined;
  if (w.resourceVersion !== '' && w.resourceVersion !== '0') {
    startRv = Number(w.resourceVersion);
    if (!/^\d+$/.test(w.resourceVersion) || !Number.isSafeInteger(startRv)) throw badRequest(`invalid resource version: ${JSON.stringify(w.resourceVersion)}`);
  }
  // A resourceVersion the cache has not applied yet: usually a write a moment ago; wait for it.
  let tooLarge: ApiError | undefined;
  if (startRv !== undefined && startRv > cache.revision && !(await cache.waitFor(startRv, FRESHNESS_WAIT_MS))) {
    tooLarge = tooLargeResourceVersion(startRv, cache.revision);
  }
  if (res.destroyed) return;

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  opts.onOpen?.();

  let closed = false;
  let lastRv = cache.revision;
  const servedAsStored = (obj: KObject): boolean => obj.apiVersion === w.apiVersion && obj.kind === w.kind;
  const line = (type: EventType | 'BOOKMARK', e: CacheEntry): string => {
    if (w.render) return JSON.stringify({ type, object: w.render(e.obj) }) + '\n';
    // The cached JSON is reused when the stored object already is what this watch serves; otherwise convert.
    if (servedAsStored(e.obj)) return `{"type":"${type}","object":${entryJson(e)}}\n`;
    return JSON.stringify({ type, object: typed(w.resource, e.obj) }) + '\n';
  };
  // The events of one turn (a committed batch fans out synchronously) leave in one socket write and TLS record run.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    res.uncork();
  };
  const write = (text: string): void => {
    if (closed) return;
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(uncork);
    }
    res.write(text);
    if (res.writableLength > MAX_BUFFERED_BYTES) finish();
  };

  const send = (ev: CacheEvent): void => {
    // The client already has everything up to startRv (the cache may lag the write it just made).
    if (startRv !== undefined && ev.rev <= startRv) return;
    lastRv = ev.rev;
    const now = matches(ev.type === 'DELETED' ? undefined : ev.entry);
    const before = ev.type === 'ADDED' ? false : matches(ev.prev);
    if (ev.type === 'DELETED') {
      if (before || (ev.prev === undefined && matches(ev.entry))) write(line('DELETED', ev.entry));
      return;
    }
    if (now && before) write(line('MODIFIED', ev.entry));
    else if (now) write(line('ADDED', ev.entry));
    // Left the selection: the last state the client saw match, at this event's resourceVersion.
    else if (before) write(line('DELETED', leaveEntry(ev)));
  };

  const watcher: CacheWatcher = {
    event: send,
    terminate: () => finish(),
  };

  let bookmarkTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    rc.watchers.delete(watcher);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    if (timeoutTimer) clearTimeout(timeoutTimer);
    res.end();
    opts.onClose?.();
  };
  res.on('close', finish);

  if (tooLarge) {
    res.write(JSON.stringify({ type: 'ERROR', object: tooLarge.toStatus() }) + '\n');
    finish();
    return;
  }

  // Replay and subscription happen in one synchronous step: no event can fall between them.
  if (startRv === undefined || w.sendInitialEvents) {
    const keys = rc.keysWithPrefix(prefix);
    for (const k of keys) {
      const e = rc.items.get(k)!;
      if (matches(e)) write(line('ADDED', e));
    }
    if (w.sendInitialEvents) {
      // The watch-list contract: a bookmark annotated initial-events-end closes the initial state.
      startRv = cache.revision;
      lastRv = startRv;
      const mark = { kind: w.kind, apiVersion: w.apiVersion, metadata: { resourceVersion: String(startRv), annotations: { 'k8s.io/initial-events-end': 'true' } } };
      write(JSON.stringify({ type: 'BOOKMARK', object: mark }) + '\n');
    }
  } else {
    const events = rc.eventsSince(startRv);
    if (events === undefined) {
      const status = expired(`too old resource version: ${startRv} (${rc.windowStart})`).toStatus();
      res.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
      finish();
      return;
    }
    for (const ev of events) send(ev);
  }
  rc.watchers.add(watcher);

  // Bookmarks move a client's resourceVersion forward; only clients that asked can parse them
  // (`kubectl get -w -o name` would print each one).
  if (w.bookmarks) {
    bookmarkTimer = setInterval(() => {
      const rv = Math.max(lastRv, cache.revision);
      write(JSON.stringify({ type: 'BOOKMARK', object: { kind: w.kind, apiVersion: w.apiVersion, metadata: { resourceVersion: String(rv) } } }) + '\n');
    }, opts.bookmarkIntervalMs ?? BOOKMARK_INTERVAL_MS);
    bookmarkTimer.unref();
  }
  // timeoutSeconds unset or 0: minRequestTimeout (1800 s) × a random factor in [1, 2), as kube-apiserver.
  const timeoutMs = w.timeoutSeconds ? w.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  timeoutTimer = setTimeout(finish, timeoutMs);
  timeoutTimer.unref();
}
