// Lists served from the watch cache, with label/field selectors and
// limit/continue paging. A continue token pins the revision of the first
// page; later pages come from the cache while the resource has not changed
// since, and otherwise from the store at that revision (410 once compacted),
// so a paged list is always one consistent snapshot.

import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { badRequest, expired, ApiError } from '../../machinery/errors.js';
import { StoreError, type Store } from '../../storage/store.js';
import { collectionPrefix, storageResource } from '../watchcache/keys.js';
import type { CacheEntry } from '../watchcache/resource-cache.js';
import { decodeEntry, type WatchCache } from '../watchcache/watch-cache.js';

export type ObjectFilter = (obj: KObject) => boolean;

export interface ListRequest {
  namespace: string;
  filter: ObjectFilter;
  limit: number;
  continueToken: string;
  resourceVersion: string;
  resourceVersionMatch: string;
}

export interface ListPage {
  entries: CacheEntry[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface Token {
  v: string;
  rv: number;
  start: string;
}

function encodeToken(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeToken(t: string): Token {
  try {
    const tok = JSON.parse(Buffer.from(t, 'base64').toString('utf8')) as Token;
    if (tok.v !== 'meta.k8s.io/v1' || typeof tok.rv !== 'number' || typeof tok.start !== 'string') throw new Error('bad token');
    return tok;
  } catch {
    throw badRequest('continue key is not valid: the continue token could not be decoded');
  }
}

const TOO_OLD_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export async function listObjects(opts: { store: Store; cache: WatchCache; resource: ResourceInfo; req: ListRequest }): Promise<ListPage> {
  const { store, cache, resource, req } = opts;
  const prefix = collectionPrefix(resource, req.namespace);
  const rc = cache.resource(storageResource(resource));
  const limit = req.limit > 0 ? req.limit : 0;

  if (req.continueToken) {
    if (req.resourceVersion && req.resourceVersion !== '0') {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    const tok = decodeToken(req.continueToken);
    const startKey = prefix + tok.start;
    if (rc.lastChange <= tok.rv && cache.revision >= tok.rv) {
      return pageFromCache({ cache, resource, prefix, startKey, limit, filter: req.filter, rv: tok.rv });
    }
    return pageFromStore({ store, prefix, startKey, limit, filter: req.filter, rv: tok.rv });
  }

  const rvParam = req.resourceVersion;
  if (rvParam === '') {
    // Consistent read: the cache must have caught up with the store's current revision.
    const current = await store.currentRevision();
    const ok = await cache.waitFor(current);
    if (!ok) throw new ApiError(504, 'Timeout', 'Too large resource version: the watch cache is not yet up to date');
  } else if (rvParam !== '0') {
    const want = Number(rvParam);
    if (!Number.isInteger(want) || want < 0) throw badRequest(`invalid resource version: ${JSON.stringify(rvParam)}`);
    if (req.resourceVersionMatch === 'Exact') {
      return pageFromStore({ store, prefix, startKey: prefix, limit, filter: req.filter, rv: want });
    }
    const ok = await cache.waitFor(want, 3000);
    if (!ok) throw new ApiError(504, 'Timeout', `Too large resource version: ${want}, current: ${cache.revision}`, { retryAfterSeconds: 1 });
  }
  return pageFromCache({ cache, resource, prefix, startKey: prefix, limit, filter: req.filter, rv: cache.revision });
}

function pageFromCache(o: { cache: WatchCache; resource: ResourceInfo; prefix: string; startKey: string; limit: number; filter: ObjectFilter; rv: number }): ListPage {
  const rc = o.cache.resource(storageResource(o.resource));
  const { keys, start, end } = rc.keyRange(o.prefix, o.startKey);
  const entries: CacheEntry[] = [];
  for (let i = start; i < end; i++) {
    const e = rc.items.get(keys[i]!);
    if (!e || !o.filter(e.obj)) continue;
    if (o.limit && entries.length === o.limit) {
      const page: ListPage = { entries, resourceVersion: String(o.rv), continueToken: encodeToken(o.rv, keys[i]!.slice(o.prefix.length)) };
      if (o.filter === ALL) page.remainingItemCount = end - i;
      return page;
    }
    entries.push(e);
  }
  return { entries, resourceVersion: String(o.rv) };
}

export const ALL: ObjectFilter = () => true;

async function pageFromStore(o: { store: Store; prefix: string; startKey: string; limit: number; filter: ObjectFilter; rv: number }): Promise<ListPage> {
  const entries: CacheEntry[] = [];
  let start = o.startKey;
  try {
    for (;;) {
      const batch = await o.store.list(o.prefix, { revision: o.rv, startKey: start, limit: o.limit ? Math.max(o.limit + 1, 100) : 0 });
      for (const kv of batch.items) {
        const e = decodeEntry(kv.key, kv.value, kv.modRevision);
        if (!o.filter(e.obj)) continue;
        if (o.limit && entries.length === o.limit) {
          return { entries, resourceVersion: String(o.rv), continueToken: encodeToken(o.rv, kv.key.slice(o.prefix.length)) };
        }
        entries.push(e);
      }
      const last = batch.items[batch.items.length - 1];
      if (!batch.more || !last) break;
      start = last.key + '\0';
    }
  } catch (err) {
    if (err instanceof StoreError && err.code === 'compacted') throw expired(TOO_OLD_CONTINUE);
    throw err;
  }
  return { entries, resourceVersion: String(o.rv) };
}
