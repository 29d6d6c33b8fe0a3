// Lists served from the watch cache, with label/field selectors and
// limit/continue paging. A continue token pins the revision of the first
// page; later pages come from the cache while the resource has not changed
// since, and otherwise from the store at that revision (410 once compacted),
// so a paged list is always one consistent snapshot.
//
// Tokens come back from clients, so they are checked as storage.DecodeContinue
// checks them (a revision the server has issued, a clean relative start key)
// before anything reaches the store: a forged token is a 400, never a 500.
// A resourceVersion the store has not reached is 504 "Too large resource version".

import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { badRequest, expired, tooLargeResourceVersion } from '../../machinery/errors.js';
import { StoreError, type Store } from '../../storage/store.js';
import { collectionPrefix, storageResource } from '../watchcache/keys.js';
import { sortedRange, type CacheEntry } from '../watchcache/resource-cache.js';
import { decodeEntry, type WatchCache } from '../watchcache/watch-cache.js';

export type ObjectFilter = (obj: KObject) => boolean;

export interface ListRequest {
  namespace: string;
  filter: ObjectFilter;
  limit: number;
  continueToken: string;
  resourceVersion: string;
  resourceVersionMatch: string;
  /** a field=value the filter requires (from the field selector): served from the cache's field index when there is one */
  exactField?: { field: string; value: string };
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

const invalidToken = (detail: string): Error => badRequest(`invalid continue token: continue key is not valid${detail ? `: ${detail}` : ''}`);

/** `a/b` stays `a/b`; `../x`, `a//b`, `./a`, `a/` are not what the server issues (path.Clean would change them). */
function cleanRelativeKey(start: string): boolean {
  return start.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

function decodeToken(t: string): Token {
  let tok: unknown;
  try {
    tok = JSON.parse(Buffer.from(t, 'base64').toString('utf8'));
  } catch (err) {
    // JSON.parse's SyntaxError is the only failure here (Buffer.from never throws for a string).
    throw invalidToken((err as Error).message);
  }
  const { v, rv, start } = (typeof tok === 'object' && tok !== null ? tok : {}) as Partial<Token>;
  if (v !== 'meta.k8s.io/v1') throw invalidToken('server does not recognize this encoded version');
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) throw invalidToken('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof start !== 'string' || start === '') throw invalidToken('encoded start key empty (version meta.k8s.io/v1)');
  if (!cleanRelativeKey(start)) throw invalidToken(JSON.stringify(start));
  return { v, rv, start };
}

const TOO_OLD_LIST = 'The resourceVersion for the provided list is too old.';
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
      return pageFromCache({ cache, resource, prefix, startKey, limit, filter: req.filter, rv: tok.rv, exactField: req.exactField });
    }
    // No server issues a token ahead of the store: this one was made up.
    if (tok.rv > (await store.currentRevision())) throw invalidToken('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    return pageFromStore({ store, prefix, startKey, limit, filter: req.filter, rv: tok.rv, tooOld: TOO_OLD_CONTINUE });
  }

  const rvParam = req.resourceVersion;
  if (rvParam === '') {
    // Consistent read: the cache must have caught up with the store's current revision.
    const current = await store.currentRevision();
    const ok = await cache.waitFor(current);
    if (!ok) throw tooLargeResourceVersion(current, cache.revision);
  } else if (rvParam !== '0') {
    const want = Number(rvParam);
    if (!/^\d+$/.test(rvParam) || !Number.isSafeInteger(want)) throw badRequest(`invalid resource version: ${JSON.stringify(rvParam)}`);
    if (req.resourceVersionMatch === 'Exact') {
      // Kubernetes 1.32 passes etcd's "required revision is a future revision" through as a 500;
      // hale answers what the same condition gets under NotOlderThan, which clients recover from.
      const current = await store.currentRevision();
      if (want > current) throw tooLargeResourceVersion(want, current);
      return pageFromStore({ store, prefix, startKey: prefix, limit, filter: req.filter, rv: want, tooOld: TOO_OLD_LIST });
    }
    const ok = await cache.waitFor(want, 3000);
    if (!ok) throw tooLargeResourceVersion(want, cache.revision);
  }
  return pageFromCache({ cache, resource, prefix, startKey: prefix, limit, filter: req.filter, rv: cache.revision, exactField: req.exactField });
}

function pageFromCache(o: { cache: WatchCache; resource: ResourceInfo; prefix: string; startKey: string; limit: number; filter: ObjectFilter; rv: number; exactField?: { field: string; value: string } | undefined }): ListPage {
  const rc = o.cache.resource(storageResource(o.resource));
  const indexed = o.exactField ? rc.keysWithField(o.exactField.field, o.exactField.value) : undefined;
  const { keys, start, end } = indexed ? sortedRange(indexed, o.prefix, o.startKey) : rc.keyRange(o.prefix, o.startKey);
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

async function pageFromStore(o: { store: Store; prefix: string; startKey: string; limit: number; filter: ObjectFilter; rv: number; tooOld: string }): Promise<ListPage> {
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
    if (err instanceof StoreError && err.code === 'compacted') throw expired(o.tooOld);
    throw err;
  }
  return { entries, resourceVersion: String(o.rv) };
}
