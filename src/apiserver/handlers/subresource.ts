// Subresource endpoints: status (get/update/patch, status only), scale
// (autoscaling/v1 Scale), pods/binding, pods/eviction, pods/log,
// namespaces/finalize, serviceaccounts/token.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObject } from '../../api/object.js';
import { isJsonObject } from '../../api/object.js';
import { groupVersion, type ResourceInfo } from '../../api/resources.js';
import { ApiError, badRequest, methodNotAllowed, notFound } from '../../machinery/errors.js';
import { decodeBody, decodePatch, mediaType, readBody } from '../body.js';
import { decodeObject, fieldValidationOf } from '../decode-object.js';
import { applyPatch } from '../patch/apply-patch.js';
import { patchSchemaFor } from '../patch/schema.js';
import type { ResourceRequest } from '../request-info.js';
import { addWarnings, sendJson, successStatus } from '../respond.js';
import type { RequestContext } from '../registry/context.js';
import type { Registry } from '../registry/registry.js';
import { bindPod } from '../subresources/binding.js';
import { evictPod } from '../subresources/eviction.js';
import { scaleOf, scaleUpdate } from '../subresources/scale.js';
import { createToken } from '../subresources/token-request.js';
import type { ServiceAccountTokens } from '../auth/service-account-token.js';
import { dryRunOf, deleteOptionsOf } from './params.js';
import { sendObject } from './render.js';
import { pinnedRvOfPatch } from '../patch/pinned-rv.js';
import { responseFormat } from '../negotiate.js';

export interface LogRequest {
  pod: KObject;
  container: string;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
}

/** Serves pods/log; the node agent issue plugs the real one in. */
export type LogRouter = (r: LogRequest) => Promise<void>;

export const noLogs: LogRouter = async ({ pod, container }) => {
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!node) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is not available: no node agent serves logs for node "${node}"`);
};

interface Ctx {
  registry: Registry;
  logs: LogRouter;
  req: IncomingMessage;
  res: ServerResponse;
  info: ResourceRequest;
  resource: ResourceInfo;
  query: URLSearchParams;
  ctx: RequestContext;
  /** signs serviceaccounts/token answers; absent: that subresource is not served */
  serviceAccountTokens?: ServiceAccountTokens;
}

export async function handleSubresource(c: Ctx): Promise<void> {
  const { resource: r, info } = c;
  const sub = r.subresources.find((s) => s.name === info.subresource);
  if (!sub) throw notFound({ resource: `${r.plural}/${info.subresource}`, group: r.group, name: info.name });
  switch (sub.name) {
    case 'status':
      return status(c);
    case 'scale':
      return scale(c);
    case 'binding':
      return binding(c);
    case 'eviction':
      return eviction(c);
    case 'log':
      return log(c);
    case 'finalize':
      return finalize(c);
    case 'token':
      return token(c);
  }
}

async function readObject(c: Ctx, apiVersion: string, kind: string): Promise<KObject> {
  const body = await readBody(c.req);
  const { value, text } = decodeBody(body, c.req.headers['content-type'], { apiVersion, kind });
  return decodeObject({ resource: c.resource, apiVersion, kind, value, text, validation: fieldValidationOf(c.query), warnings: c.ctx.warnings });
}

function ns(c: Ctx): string {
  return c.resource.namespaced ? c.info.namespace : '';
}

async function status(c: Ctx): Promise<void> {
  const { registry, resource: r, info } = c;
  const served = groupVersion(r);
  const table = responseFormat(c.req.headers) === 'table';
  if (info.verb === 'get') {
    sendObject(c.res, 200, r, await registry.get(r, ns(c), info.name), table, c.query);
    return;
  }
  c.ctx.dryRun = dryRunOf(c.query);
  let mutate: (cur: KObject) => KObject;
  let pinned: string | undefined;
  if (info.verb === 'update') {
    const obj = await readObject(c, served, r.kind);
    pinned = obj.metadata.resourceVersion || undefined;
    mutate = () => obj;
  } else if (info.verb === 'patch') {
    const ct = mediaType(c.req.headers['content-type']);
    if (ct === 'application/apply-patch+yaml') throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by hale yet: use client-side `kubectl apply`');
    const patch = decodePatch(await readBody(c.req));
    pinned = pinnedRvOfPatch(patch);
    mutate = (cur) => applyPatch({ contentType: ct, original: cur, patch, schema: patchSchemaFor(served, r.kind) }) as KObject;
  } else throw methodNotAllowed();
  const result = await registry.update(r, ns(c), info.name, mutate, { ctx: c.ctx, subresource: 'status', pure: true, ...(pinned ? { pinnedRv: pinned } : {}) });
  addWarnings(c.res, c.ctx.warnings);
  sendObject(c.res, 200, r, result.obj, false, c.query);
}

/** The scale subresource: the patch or body becomes a parent update (subresources/scale.ts). */
async function scale(c: Ctx): Promise<void> {
  const { registry, resource: r, info } = c;
  if (info.verb === 'get') {
    sendJson(c.res, 200, scaleOf(await registry.get(r, ns(c), info.name)));
    return;
  }
  c.ctx.dryRun = dryRunOf(c.query);
  let desired: (current: KObject) => KObject;
  if (info.verb === 'update') {
    const body = await readObject(c, 'autoscaling/v1', 'Scale');
    desired = () => body;
  } else if (info.verb === 'patch') {
    const ct = mediaType(c.req.headers['content-type']);
    if (ct === 'application/apply-patch+yaml') throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by hale yet');
    const patch = decodePatch(await readBody(c.req));
    desired = (current) => applyPatch({ contentType: ct, original: current, patch, schema: patchSchemaFor('autoscaling/v1', 'Scale') }) as KObject;
  } else throw methodNotAllowed();
  const result = await registry.update(r, ns(c), info.name, scaleUpdate({ resource: r, name: info.name, desired }), { ctx: c.ctx });
  sendJson(c.res, 200, scaleOf(result.obj));
}

async function binding(c: Ctx): Promise<void> {
  if (c.info.verb !== 'create') throw methodNotAllowed();
  c.ctx.dryRun = dryRunOf(c.query);
  const b = await readObject(c, 'v1', 'Binding');
  if (b.metadata.name && b.metadata.name !== c.info.name) throw badRequest(`the name of the object (${b.metadata.name}) does not match the name on the URL (${c.info.name})`);
  await c.registry.update(c.resource, ns(c), c.info.name, (cur) => bindPod(cur, b), { ctx: c.ctx, subresource: 'binding', pure: true });
  sendJson(c.res, 201, successStatus());
}

async function eviction(c: Ctx): Promise<void> {
  if (c.info.verb !== 'create') throw methodNotAllowed();
  const body = await readBody(c.req);
  const { value } = decodeBody(body, c.req.headers['content-type'], { apiVersion: 'policy/v1', kind: 'Eviction' });
  if (!isJsonObject(value)) throw badRequest('the body of the request was not an Eviction');
  const apiVersion = value.apiVersion;
  if (value.kind !== undefined && value.kind !== 'Eviction') throw badRequest(`the object provided is unrecognized (must be of type Eviction): ${JSON.stringify(value.kind)}`);
  if (apiVersion !== undefined && apiVersion !== 'policy/v1' && apiVersion !== 'policy/v1beta1') throw badRequest(`unsupported Eviction apiVersion ${JSON.stringify(apiVersion)}`);
  const meta = (isJsonObject(value.metadata) ? value.metadata : {}) as { name?: string; namespace?: string };
  if (meta.name && meta.name !== c.info.name) throw badRequest(`name in URL does not match name in Eviction object`);
  const opts = deleteOptionsOf(value.deleteOptions ?? undefined, c.query);
  c.ctx.dryRun = opts.dryRun;
  await evictPod({ registry: c.registry, pods: c.resource, namespace: ns(c), name: c.info.name, deleteOptions: opts, ctx: c.ctx });
  sendJson(c.res, 201, successStatus());
}

async function log(c: Ctx): Promise<void> {
  if (c.info.verb !== 'get') throw methodNotAllowed();
  const pod = await c.registry.get(c.resource, ns(c), c.info.name);
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  const containers = (spec.containers ?? []).map((x) => x.name);
  const inits = (spec.initContainers ?? []).map((x) => x.name);
  let container = c.query.get('container') ?? '';
  if (!container) {
    if (containers.length !== 1) {
      const initPart = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
      throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]${initPart}`);
    }
    container = containers[0]!;
  }
  if (!containers.includes(container) && !inits.includes(container)) throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  await c.logs({ pod, container, query: c.query, req: c.req, res: c.res });
}

async function finalize(c: Ctx): Promise<void> {
  if (c.info.verb !== 'update') throw methodNotAllowed();
  c.ctx.dryRun = dryRunOf(c.query);
  const obj = await readObject(c, 'v1', 'Namespace');
  const result = await c.registry.update(c.resource, '', c.info.name, () => obj, { ctx: c.ctx, subresource: 'finalize' });
  sendObject(c.res, 200, c.resource, result.obj, false, c.query);
}

async function token(c: Ctx): Promise<void> {
  if (c.info.verb !== 'create') throw methodNotAllowed();
  if (!c.serviceAccountTokens) throw notFound({ resource: 'serviceaccounts/token', group: '', name: c.info.name });
  const { value } = decodeBody(await readBody(c.req), c.req.headers['content-type'], { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' });
  const out = await createToken({ registry: c.registry, tokens: c.serviceAccountTokens, namespace: ns(c), name: c.info.name, body: value, ctx: c.ctx });
  sendJson(c.res, 201, out);
}
