// ApiClient for components that run inside the API server's process (the
// controllers, the scheduler): every call goes through the same Registry an
// HTTP request goes through — defaulting, admission, validation, optimistic
// concurrency — without TLS, JSON or sockets. Lists and watches are served
// from the watch cache exactly as the HTTP endpoints serve them.
//
// Objects handed out are copies: a caller that changes one (by mistake)
// cannot corrupt the watch cache every other client reads.

import type { KObject } from '../../api/object.js';
import { groupVersion, type ResourceInfo } from '../../api/resources.js';
import { ApiError, badRequest, expired, methodNotAllowed, notFound } from '../../machinery/errors.js';
import { applyPatch } from '../../apiserver/patch/apply-patch.js';
import { patchSchemaFor } from '../../apiserver/patch/schema.js';
import { pinnedRvOfPatch } from '../../apiserver/patch/pinned-rv.js';
import { listObjects } from '../../apiserver/registry/list.js';
import { systemContext, type RequestContext } from '../../apiserver/registry/context.js';
import type { Registry } from '../../apiserver/registry/registry.js';
import { buildFilter } from '../../apiserver/selection.js';
import { servedJson, typed } from '../../apiserver/handlers/render.js';
import { successStatus } from '../../apiserver/respond.js';
import { bindPod } from '../../apiserver/subresources/binding.js';
import { evictPod } from '../../apiserver/subresources/eviction.js';
import { scaleOf, scaleUpdate } from '../../apiserver/subresources/scale.js';
import { collectionPrefix, storageResource } from '../../apiserver/watchcache/keys.js';
import { leaveEntry, type CacheEntry, type CacheEvent, type CacheWatcher } from '../../apiserver/watchcache/resource-cache.js';
import type { ApiClient, DeleteOptions, ListOptions, ListResult, PatchType, WatchEvent, WatchOptions } from '../api-client.js';
import { deepCopy } from '../../machinery/deep-copy.js';

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface LocalClientOptions {
  /** the user the registry's admission sees, e.g. system:serviceaccount:kube-system:replicaset-controller */
  user?: string;
}

/** The resourceVersion a patch pins, as the registry takes it (see pinned-rv.ts). */
function pinned(patch: unknown): { pinnedRv?: string } {
  const rv = pinnedRvOfPatch(patch);
  return rv ? { pinnedRv: rv } : {};
}

function query(opts: ListOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
  if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
  return q;
}

export class LocalClient implements ApiClient {
  private readonly user: string;

  constructor(
    private readonly registry: Registry,
    opts: LocalClientOptions = {},
  ) {
    this.user = opts.user ?? 'system:hale';
  }

  private ctx(): RequestContext {
    return systemContext(this.user);
  }

  private ns(r: ResourceInfo, namespace: string): string {
    return r.namespaced ? namespace : '';
  }

  async get(r: ResourceInfo, namespace: string, name: string, subresource?: string): Promise<KObject> {
    const obj = await this.registry.get(r, this.ns(r, namespace), name);
    if (subresource === 'scale') return scaleOf(obj);
    if (subresource && subresource !== 'status') throw methodNotAllowed();
    return deepCopy(obj);
  }

  async list(r: ResourceInfo, opts: ListOptions = {}): Promise<ListResult> {
    const page = await this.listPage(r, opts);
    return { items: page.entries.map((e) => deepCopy(typed(r, e.obj))), resourceVersion: page.resourceVersion };
  }

  private listPage(r: ResourceInfo, opts: ListOptions): ReturnType<typeof listObjects> {
    return listObjects({
      store: this.registry.store,
      cache: this.registry.cache,
      resource: r,
      req: { namespace: this.ns(r, opts.namespace ?? ''), filter: buildFilter(r, query(opts)), limit: 0, continueToken: '', resourceVersion: '', resourceVersionMatch: '' },
    });
  }

  watch(r: ResourceInfo, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    // The watch cache's objects are frozen and shared: no copy per watcher and event (informers never change them).
    return this.watchEntries(r, opts, (type, e) => onEvent({ type, object: typed(r, e.obj) }), signal);
  }

  /**
   * As `list`, with each item as the JSON text the HTTP list would serve
   * (the cache's shared text where it has one): for a client in another
   * thread, which parses it there.
   */
  async listText(r: ResourceInfo, opts: ListOptions = {}): Promise<{ items: string[]; resourceVersion: string }> {
    const page = await this.listPage(r, opts);
    return { items: page.entries.map((e) => servedJson(r, e)), resourceVersion: page.resourceVersion };
  }

  /** As `watch`, with each object as JSON text (see listText). */
  watchText(r: ResourceInfo, opts: WatchOptions, onEvent: (type: WatchEvent['type'], json: string) => void, signal: AbortSignal): Promise<void> {
    return this.watchEntries(r, opts, (type, e) => onEvent(type, servedJson(r, e)), signal);
  }

  private watchEntries(r: ResourceInfo, opts: WatchOptions, deliver: (type: WatchEvent['type'], e: CacheEntry) => void, signal: AbortSignal): Promise<void> {
    const cache = this.registry.cache;
    const rc = cache.resource(storageResource(r));
    const filter = buildFilter(r, query(opts));
    const prefix = collectionPrefix(r, this.ns(r, opts.namespace ?? ''));
    const matches = (e: CacheEntry | undefined): boolean => !!e && e.key.startsWith(prefix) && filter(e.obj);
    const rvText = opts.resourceVersion;
    if (rvText !== '' && !/^\d+$/.test(rvText)) return Promise.reject(badRequest(`invalid resource version: ${JSON.stringify(rvText)}`));
    const startRv = rvText === '' || rvText === '0' ? undefined : Number(rvText);

    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve();
      let failed: unknown;
      const send = (ev: CacheEvent): void => {
        if (startRv !== undefined && ev.rev <= startRv) return;
        try {
          const before = ev.type === 'ADDED' ? false : matches(ev.prev);
          if (ev.type === 'DELETED') {
            if (before || (ev.prev === undefined && matches(ev.entry))) deliver('DELETED', ev.entry);
            return;
          }
          const now = matches(ev.entry);
          if (now && before) deliver('MODIFIED', ev.entry);
          else if (now) deliver('ADDED', ev.entry);
          else if (before) deliver('DELETED', leaveEntry(ev));
        } catch (err) {
          // A handler that throws ends this watch with its error (the informer reports and resumes).
          failed = err;
          finish();
        }
      };
      const watcher: CacheWatcher = { event: send, terminate: () => finish() };
      const finish = (): void => {
        rc.watchers.delete(watcher);
        signal.removeEventListener('abort', finish);
        if (failed !== undefined) reject(failed instanceof Error ? failed : new Error(String(failed)));
        else resolve();
      };
      signal.addEventListener('abort', finish, { once: true });

      const begin = (): void => {
        if (signal.aborted) return;
        if (startRv === undefined) {
          try {
            for (const k of rc.keysWithPrefix(prefix)) {
              const e = rc.items.get(k)!;
              if (matches(e)) deliver('ADDED', e);
            }
          } catch (err) {
            failed = err;
            finish();
          }
        } else {
          const events = rc.eventsSince(startRv);
          if (events === undefined) {
            signal.removeEventListener('abort', finish);
            reject(expired(`too old resource version: ${startRv} (${rc.windowStart})`));
            return;
          }
          for (const ev of events) {
            send(ev);
            if (failed !== undefined) break;
          }
        }
        // A handler that threw while catching up ended the watch: it must not go live.
        if (failed !== undefined || signal.aborted) return;
        rc.watchers.add(watcher);
      };
      // A resourceVersion the cache has not applied yet (a write a moment ago): wait for it, as the HTTP watch does.
      if (startRv !== undefined && startRv > cache.revision) {
        void cache.waitFor(startRv, 3_000).then((ok) => {
          if (ok) return begin();
          signal.removeEventListener('abort', finish);
          reject(new ApiError(504, 'Timeout', `Too large resource version: ${startRv}, current: ${cache.revision}`));
        });
      } else begin();
    });
  }

  async create(r: ResourceInfo, namespace: string, obj: KObject, subresource?: string): Promise<KObject> {
    const ns = this.ns(r, namespace);
    const ctx = this.ctx();
    if (!subresource) {
      // The registry works on its own copy: the caller's object is never changed.
      const input = { ...obj, apiVersion: obj.apiVersion ?? groupVersion(r), kind: obj.kind ?? r.kind };
      return deepCopy(await this.registry.create(r, ns, input, ctx));
    }
    const name = obj.metadata.name ?? '';
    if (subresource === 'binding' && r.plural === 'pods') {
      const b = deepCopy(obj);
      await this.registry.update(r, ns, name, (cur) => bindPod(cur, b), { ctx, subresource: 'binding', pure: true });
      // As over HTTP: a binding answers with a Status, not the pod.
      return successStatus() as KObject;
    }
    if (subresource === 'eviction' && r.plural === 'pods') {
      const del = (obj as { deleteOptions?: DeleteOptions }).deleteOptions ?? {};
      await evictPod({ registry: this.registry, pods: r, namespace: ns, name, deleteOptions: del, ctx });
      return deepCopy(obj);
    }
    throw notFound({ resource: `${r.plural}/${subresource}`, group: r.group, name });
  }

  async update(r: ResourceInfo, obj: KObject, subresource?: string): Promise<KObject> {
    const ns = this.ns(r, obj.metadata.namespace ?? '');
    const name = obj.metadata.name ?? '';
    const pinned = obj.metadata.resourceVersion || undefined;
    const ctx = this.ctx();
    if (subresource === 'scale') {
      const want = deepCopy(obj);
      const res = await this.registry.update(r, ns, name, scaleUpdate({ resource: r, name, desired: () => want }), { ctx });
      return scaleOf(res.obj);
    }
    if (subresource && subresource !== 'status') throw notFound({ resource: `${r.plural}/${subresource}`, group: r.group, name });
    const desired = { ...obj, apiVersion: obj.apiVersion ?? groupVersion(r), kind: obj.kind ?? r.kind };
    const res = await this.registry.update(r, ns, name, () => deepCopy(desired), {
      ctx,
      pure: true,
      ...(subresource ? { subresource } : {}),
      ...(pinned ? { pinnedRv: pinned } : {}),
    });
    return deepCopy(res.obj);
  }

  async patch(r: ResourceInfo, namespace: string, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KObject> {
    if (subresource && subresource !== 'status') throw notFound({ resource: `${r.plural}/${subresource}`, group: r.group, name });
    const served = groupVersion(r);
    const res = await this.registry.update(
      r,
      this.ns(r, namespace),
      name,
      (current) => applyPatch({ contentType: CONTENT_TYPES[type], original: current, patch: deepCopy(patch), schema: patchSchemaFor(served, r.kind) }) as KObject,
      { ctx: this.ctx(), pure: true, ...(subresource ? { subresource } : {}), ...pinned(patch) },
    );
    return deepCopy(res.obj);
  }

  async delete(r: ResourceInfo, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    await this.registry.delete(r, this.ns(r, namespace), name, opts, this.ctx());
  }
}
