// The HTTP(S) front of the API server: authentication, routing to discovery,
// OpenAPI, health, metrics and the resource handlers, and one error path that
// turns every failure into a Kubernetes Status.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { findResource } from '../api/resources.js';
import { ApiError, badRequest, forbidden, methodNotAllowed, notFound, unauthorized } from '../machinery/errors.js';
import { isBootstrapUser } from './auth/authenticate.js';
import type { ServiceAccountTokens } from './auth/service-account-token.js';
import { NODE_CREDENTIALS_PATH } from './auth/node-password.js';
import { handleNodeCredentials } from './node-credentials.js';
import { openapiDocumentJson, openapiIndex } from './openapi/openapi.js';
import type { User } from './registry/context.js';
import type { Registry } from './registry/registry.js';
import { parseRequestInfo } from './request-info.js';
import { sendError, sendJson, sendText } from './respond.js';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './discovery/discovery.js';
import { AGGREGATED_CONTENT_TYPE, aggregatedDiscovery, wantsAggregated } from './discovery/aggregated.js';
import { handleResource } from './handlers/resource.js';
import { handleSubresource, type LogRouter } from './handlers/subresource.js';
import type { ApiMetrics } from './metrics.js';
import { checkAcceptable } from './negotiate.js';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-hale',
  gitCommit: 'hale',
  gitTreeState: 'clean',
  buildDate: '2026-11-28T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export interface HandlerDeps {
  registry: Registry;
  metrics: ApiMetrics;
  logs: LogRouter;
  /** a Promise only for tokens checked against live objects (ServiceAccount JWTs) */
  authenticate: (req: IncomingMessage) => User | undefined | Promise<User | undefined>;
  /** host:port clients should use (for /api serverAddressByClientCIDRs) */
  serverAddress: () => string;
  ready: () => boolean;
  onError?: (err: unknown, req: IncomingMessage) => void;
  /** between watch BOOKMARKs (default 10 s; tests shorten it) */
  bookmarkIntervalMs?: number;
  /** signs serviceaccounts/token answers */
  serviceAccountTokens?: ServiceAccountTokens;
}

const PUBLIC = /^\/(version|livez|readyz|healthz)(\/.*)?$/;

export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    let verb = 'nonresource';
    let resource = '';
    const done = (code: number): void => {
      deps.metrics.observe(verb, resource, code, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.on('finish', () => done(res.statusCode));
    handle(deps, req, res, (v, r) => {
      verb = v;
      resource = r;
    }).catch((err: unknown) => {
      const e = sendError(res, err);
      if (e.code >= 500) deps.onError?.(err, req);
    });
  };
}

/** The request target; one that does not parse as a URL path is the client's error, not ours. */
function requestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'https://hale.invalid');
  } catch {
    // TypeError (invalid URL) is the only failure of the URL constructor.
    throw badRequest(`invalid request URI ${JSON.stringify(target)}`);
  }
}

/** Label for requests outside the served resources: a fixed value, so unknown paths cannot create metric series. */
const UNKNOWN_RESOURCE = '<unknown>';

async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, label: (verb: string, resource: string) => void): Promise<void> {
  const url = requestUrl(req.url);
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const query = url.searchParams;

  if (PUBLIC.test(path)) {
    if (path === '/version') return sendJson(res, 200, VERSION_INFO);
    if (path.startsWith('/readyz') && !deps.ready()) return sendText(res, 500, '[-]hale-ready failed: not ready yet\nreadyz check failed');
    return sendText(res, 200, 'ok');
  }
  const user = await deps.authenticate(req);
  if (!user) throw unauthorized();
  if (path === NODE_CREDENTIALS_PATH) return handleNodeCredentials({ registry: deps.registry, req, res, user });
  // The join secret proves the right to join, not which node: it buys a node's own credential and nothing else.
  if (isBootstrapUser(user)) throw forbidden(`user "${user.name}" (the join token) may only request node credentials at ${NODE_CREDENTIALS_PATH}; nodes act with their own token`);

  if (path === '/metrics') {
    const text = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType });
    res.end(text);
    return;
  }
  if (path === '/openapi/v3') return sendJson(res, 200, openapiIndex());
  if (path.startsWith('/openapi/v3/')) {
    const doc = openapiDocumentJson(path.slice('/openapi/v3/'.length));
    if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const etag = `"${doc.hash}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag });
      res.end();
      return;
    }
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', query.has('hash') ? 'public, immutable' : 'no-cache, private');
    return sendJson(res, 200, doc.body);
  }
  if (path === '/openapi/v2') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');

  const info = parseRequestInfo(req.method ?? 'GET', path, query);
  if (info.kind === 'nonResource') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (info.kind === 'discovery') {
    if (info.version === undefined && (info.legacy || info.group === undefined) && wantsAggregated(req.headers.accept)) {
      return sendJson(res, 200, aggregatedDiscovery(info.legacy), AGGREGATED_CONTENT_TYPE);
    }
    if (info.legacy) {
      if (info.version === undefined) return sendJson(res, 200, apiVersions(deps.serverAddress()));
      const doc = apiResourceList('', info.version);
      if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return sendJson(res, 200, doc);
    }
    if (info.group === undefined) return sendJson(res, 200, apiGroupList());
    const doc = info.version === undefined ? apiGroupDoc(info.group) : apiResourceList(info.group, info.version);
    if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return sendJson(res, 200, doc);
  }
  const resource = findResource(info.group, info.version, info.resource);
  if (info.kind === 'methodNotAllowed') {
    // Node's parser only lets known HTTP methods through, so the label stays bounded.
    label(info.method.toLowerCase(), resource?.plural ?? UNKNOWN_RESOURCE);
    if (!resource) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    throw methodNotAllowed();
  }
  label(info.verb, resource?.plural ?? UNKNOWN_RESOURCE);
  if (!resource) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (info.verb !== 'watch') checkAcceptable(req);
  const ctx = { user, dryRun: false, warnings: [] as string[] };
  if (info.subresource) {
    if (!info.name) throw notFound({ resource: resource.plural, group: resource.group });
    return handleSubresource({ registry: deps.registry, logs: deps.logs, req, res, info, resource, query, ctx, ...(deps.serviceAccountTokens ? { serviceAccountTokens: deps.serviceAccountTokens } : {}) });
  }
  const resourceDeps = { registry: deps.registry, watches: deps.metrics, ...(deps.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: deps.bookmarkIntervalMs } : {}) };
  return handleResource({ deps: resourceDeps, req, res, info, resource, query, ctx });
}
