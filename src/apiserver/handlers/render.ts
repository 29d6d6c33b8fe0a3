// Rendering objects and lists for the client: plain JSON (lists assembled from
// the cache's per-object JSON, so a list of thousands costs no re-encoding) or
// server-side Tables for kubectl get.

import type { ServerResponse } from 'node:http';
import type { KObject } from '../../api/object.js';
import { groupVersion, resourceKey, type ResourceInfo } from '../../api/resources.js';
import { buildTable, type IncludeObject } from '../tables/table.js';
import { printerFor } from '../tables/printers.js';
import { sendJson } from '../respond.js';
import { entryJson, type CacheEntry } from '../watchcache/resource-cache.js';
import { toServed } from '../../api/conversion/conversion.js';
import type { ListPage } from '../registry/list.js';
import { writtenJson } from '../registry/registry.js';

export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** The object as `r` serves it: converted from its stored version, with the served type meta. */
export function typed(r: ResourceInfo, stored: KObject): KObject {
  const apiVersion = groupVersion(r);
  const obj = toServed(r, stored);
  if (obj.apiVersion === apiVersion && obj.kind === r.kind) return obj;
  return { ...obj, apiVersion, kind: r.kind };
}

export function tableOf(r: ResourceInfo, objs: KObject[], opts: { includeObject: IncludeObject; resourceVersion?: string; continueToken?: string; remainingItemCount?: number }): object {
  return buildTable({
    printer: printerFor(resourceKey(r)),
    objects: objs.map((o) => typed(r, o)),
    now: Date.now(),
    includeObject: opts.includeObject,
    ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
    ...(opts.continueToken !== undefined ? { continueToken: opts.continueToken } : {}),
    ...(opts.remainingItemCount !== undefined ? { remainingItemCount: opts.remainingItemCount } : {}),
    apiVersion: groupVersion(r),
    kind: r.kind,
  });
}

export function sendObject(res: ServerResponse, code: number, r: ResourceInfo, obj: KObject, table: boolean, query: URLSearchParams): void {
  if (table) sendJson(res, code, tableOf(r, [obj], { includeObject: includeObjectOf(query) }));
  else sendJson(res, code, writtenJson(r, obj) ?? typed(r, obj));
}

export function sendList(res: ServerResponse, r: ResourceInfo, page: ListPage, table: boolean, query: URLSearchParams): void {
  if (table) {
    sendJson(res, 200, tableOf(r, page.entries.map((e) => e.obj), {
      includeObject: includeObjectOf(query),
      resourceVersion: page.resourceVersion,
      ...(page.continueToken ? { continueToken: page.continueToken } : {}),
      ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
    }));
    return;
  }
  const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continueToken) meta.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
  const apiVersion = groupVersion(r);
  const items = page.entries.map((e) => servedJson(r, e, apiVersion)).join(',');
  const head = `{"kind":"${r.listKind}","apiVersion":"${apiVersion}","metadata":${JSON.stringify(meta)},"items":[`;
  sendJson(res, 200, head + items + ']}');
}

/** A cached object as JSON of the version `r` serves: the cache's shared text when it is stored in that version. */
export function servedJson(r: ResourceInfo, e: CacheEntry, apiVersion = groupVersion(r)): string {
  if (e.obj.apiVersion === apiVersion && e.obj.kind === r.kind) return entryJson(e);
  return JSON.stringify(typed(r, e.obj));
}
