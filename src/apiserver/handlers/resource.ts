// The resource endpoints: get, list, watch, create, update, patch, delete,
// deletecollection on /api/v1/… and /apis/<group>/<version>/…, with their
// subresources dispatched to ../subresources.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObject } from '../../api/object.js';
import { groupVersion, type ResourceInfo } from '../../api/resources.js';
import { patchSchemaFor } from '../patch/schema.js';
import { applyPatch } from '../patch/apply-patch.js';
import { ApiError, badRequest, methodNotAllowed, notFound } from '../../machinery/errors.js';
import { decodeBody, decodePatch, mediaType, readBody } from '../body.js';
import { decodeObject, fieldValidationOf } from '../decode-object.js';
import type { ResourceRequest } from '../request-info.js';
import { responseFormat } from '../negotiate.js';
import { addWarnings, sendJson } from '../respond.js';
import type { RequestContext } from '../registry/context.js';
import type { Registry } from '../registry/registry.js';
import { listObjects } from '../registry/list.js';
import { buildFilter, exactIndexedField } from '../selection.js';
import { serveWatch } from '../watch-stream.js';
import { dryRunOf, deleteOptionsOf, int64Param } from './params.js';
import { sendList, sendObject, tableOf, includeObjectOf } from './render.js';
import { pinnedRvOfPatch } from '../patch/pinned-rv.js';
import type { WatchMetrics } from './watch-metrics.js';
import { deepCopy } from '../../machinery/deep-copy.js';

export interface ResourceHandlerDeps {
  registry: Registry;
  watches: WatchMetrics;
  /** between watch BOOKMARKs (default 10 s) */
  bookmarkIntervalMs?: number;
}

export async function handleResource(o: { deps: ResourceHandlerDeps; req: IncomingMessage; res: ServerResponse; info: ResourceRequest; resource: ResourceInfo; query: URLSearchParams; ctx: RequestContext }): Promise<void> {
  const { deps, req, res, info, resource: r, query, ctx } = o;
  const { registry } = deps;
  const table = responseFormat(req.headers) === 'table';
  const ns = r.namespaced ? info.namespace : '';
  if (r.namespaced && !ns && !['list', 'watch'].includes(info.verb)) {
    throw notFound({ resource: r.plural, group: r.group, name: info.name });
  }
  if (!r.namespaced && info.namespace) throw notFound({ resource: r.plural, group: r.group, name: info.name });
  const served = groupVersion(r);

  switch (info.verb) {
    case 'get': {
      const obj = await registry.get(r, ns, info.name);
      sendObject(res, 200, r, obj, table, query);
      return;
    }
    case 'list': {
      const page = await listObjects({
        store: registry.store,
        cache: registry.cache,
        resource: r,
        req: {
          namespace: ns,
          filter: buildFilter(r, query),
          exactField: exactIndexedField(r, query),
          limit: Math.max(0, int64Param(query, 'limit') ?? 0),
          continueToken: query.get('continue') ?? '',
          resourceVersion: query.get('resourceVersion') ?? '',
          resourceVersionMatch: query.get('resourceVersionMatch') ?? '',
        },
      });
      sendList(res, r, page, table, query);
      return;
    }
    case 'watch': {
      const includeObject = includeObjectOf(query);
      // The open-watch gauge counts started streams only: a request refused before it starts is no watch.
      await serveWatch({
        cache: registry.cache,
        req,
        res,
        onOpen: () => deps.watches.opened(r),
        onClose: () => deps.watches.closed(r),
        ...(deps.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: deps.bookmarkIntervalMs } : {}),
        watch: {
          resource: r,
          namespace: ns,
          name: info.name,
          filter: buildFilter(r, query),
          resourceVersion: query.get('resourceVersion') ?? '',
          timeoutSeconds: int64Param(query, 'timeoutSeconds'),
          bookmarks: query.get('allowWatchBookmarks') === 'true',
          sendInitialEvents: sendInitialEventsOf(query),
          render: table ? (obj: KObject) => tableOf(r, [obj], { includeObject }) : undefined,
          apiVersion: served,
          kind: r.kind,
        },
      });
      return;
    }
    case 'create': {
      ctx.dryRun = dryRunOf(query);
      const body = await readBody(req);
      const { value, text } = decodeBody(body, req.headers['content-type'], { apiVersion: served, kind: r.kind });
      const obj = decodeObject({ resource: r, apiVersion: served, kind: r.kind, value, text, validation: fieldValidationOf(query), warnings: ctx.warnings });
      const created = await registry.create(r, ns, obj, ctx);
      addWarnings(res, ctx.warnings);
      sendObject(res, 201, r, created, table, query);
      return;
    }
    case 'update': {
      ctx.dryRun = dryRunOf(query);
      const body = await readBody(req);
      const { value, text } = decodeBody(body, req.headers['content-type'], { apiVersion: served, kind: r.kind });
      const obj = decodeObject({ resource: r, apiVersion: served, kind: r.kind, value, text, validation: fieldValidationOf(query), warnings: ctx.warnings });
      if (obj.metadata.name && obj.metadata.name !== info.name) {
        throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
      }
      if (r.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const pinned = obj.metadata.resourceVersion;
      const result = await registry.update(r, ns, info.name, () => deepCopy(obj), {
        ctx,
        pure: true,
        ...(pinned ? { pinnedRv: pinned } : {}),
        createIfMissing: () => {
          const c = deepCopy(obj);
          delete c.metadata.resourceVersion;
          return c;
        },
      });
      addWarnings(res, ctx.warnings);
      sendObject(res, result.created ? 201 : 200, r, result.obj, table, query);
      return;
    }
    case 'patch': {
      ctx.dryRun = dryRunOf(query);
      const validation = fieldValidationOf(query);
      const body = await readBody(req);
      const contentType = mediaType(req.headers['content-type']);
      if (contentType === 'application/apply-patch+yaml') {
        throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by hale yet: use client-side `kubectl apply` (without --server-side)');
      }
      const patch = decodePatch(body);
      const pinned = pinnedRvOfPatch(patch);
      const result = await registry.update(r, ns, info.name, (current) => {
        const patched = applyPatch({ contentType, original: current, patch, schema: patchSchemaFor(served, r.kind) }) as KObject;
        return decodeObject({ resource: r, apiVersion: served, kind: r.kind, value: patched, text: undefined, validation, warnings: ctx.warnings });
      }, { ctx, pure: true, ...(pinned ? { pinnedRv: pinned } : {}) });
      addWarnings(res, ctx.warnings);
      sendObject(res, 200, r, result.obj, table, query);
      return;
    }
    case 'delete': {
      const body = await readBody(req);
      const parsed = body.length > 0 ? decodePatch(body) : undefined;
      const opts = deleteOptionsOf(parsed, query);
      ctx.dryRun = opts.dryRun;
      const result = await registry.delete(r, ns, info.name, opts, ctx);
      sendObject(res, 200, r, result.obj, false, query);
      return;
    }
    case 'deletecollection': {
      const body = await readBody(req);
      const parsed = body.length > 0 ? decodePatch(body) : undefined;
      const opts = deleteOptionsOf(parsed, query);
      ctx.dryRun = opts.dryRun;
      const page = await listObjects({
        store: registry.store,
        cache: registry.cache,
        resource: r,
        req: { namespace: ns, filter: buildFilter(r, query), limit: 0, continueToken: '', resourceVersion: '', resourceVersionMatch: '' },
      });
      const deleted: KObject[] = [];
      for (const e of page.entries) {
        try {
          const d = await registry.delete(r, e.obj.metadata.namespace ?? '', e.obj.metadata.name ?? '', opts, ctx);
          deleted.push(d.obj);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      sendJson(res, 200, { kind: r.listKind, apiVersion: served, metadata: { resourceVersion: String(registry.cache.revision) }, items: deleted });
      return;
    }
    default:
      throw methodNotAllowed();
  }
}

/** sendInitialEvents=true is valid only with resourceVersionMatch=NotOlderThan and bookmarks, as in Kubernetes. */
function sendInitialEventsOf(query: URLSearchParams): boolean {
  if (query.get('sendInitialEvents') !== 'true') return false;
  if (query.get('resourceVersionMatch') !== 'NotOlderThan' || query.get('allowWatchBookmarks') !== 'true') {
    throw badRequest('sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan and allowWatchBookmarks is true');
  }
  return true;
}
