// ApiClient over HTTPS, for processes outside the API server (the node
// agent). One keep-alive agent per client; the server's CA is pinned (never
// the system trust store); every request carries the bearer token.
//
// A non-2xx answer becomes an ApiError built from the server's Status, so a
// 409 here is the same 409 the in-process client throws. Network failures
// stay plain errors (the caller retries them).

import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { ApiError, type StatusReason } from '../../machinery/errors.js';
import type { ApiClient, DeleteOptions, ListOptions, ListResult, PatchType, WatchEvent, WatchOptions } from '../api-client.js';
import { collectionPath, itemPath, query } from '../paths.js';

export interface HttpClientOptions {
  /** https://host:port */
  server: string;
  token: string;
  caPem: string;
  /** per-request timeout for non-watch calls, default 30 s */
  timeoutMs?: number;
  userAgent?: string;
  /** a keep-alive pool shared with other clients (hale sim: thousands of node identities, one pool); default: the client's own */
  agent?: Agent;
}

const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export class HttpClient implements ApiClient {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly ownAgent: boolean;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(opts: HttpClientOptions) {
    this.base = new URL(opts.server);
    this.ownAgent = !opts.agent;
    this.agent = opts.agent ?? new Agent({ keepAlive: true, ca: opts.caPem, maxSockets: 16 });
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.userAgent = opts.userAgent ?? 'hale';
  }

  close(): void {
    if (this.ownAgent) this.agent.destroy();
  }

  get(r: ResourceInfo, namespace: string, name: string, subresource?: string): Promise<KObject> {
    return this.json('GET', itemPath(r, namespace, name, subresource));
  }

  async list(r: ResourceInfo, opts: ListOptions = {}): Promise<ListResult> {
    const path = collectionPath(r, opts.namespace) + query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    const list = await this.json<{ items?: KObject[]; metadata?: { resourceVersion?: string } }>('GET', path);
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  create(r: ResourceInfo, namespace: string, obj: KObject, subresource?: string): Promise<KObject> {
    const path = subresource ? itemPath(r, namespace, obj.metadata.name ?? '', subresource) : collectionPath(r, namespace);
    return this.json('POST', path, JSON.stringify(obj), 'application/json');
  }

  update(r: ResourceInfo, obj: KObject, subresource?: string): Promise<KObject> {
    return this.json('PUT', itemPath(r, obj.metadata.namespace ?? '', obj.metadata.name ?? '', subresource), JSON.stringify(obj), 'application/json');
  }

  patch(r: ResourceInfo, namespace: string, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KObject> {
    return this.json('PATCH', itemPath(r, namespace, name, subresource), JSON.stringify(patch), PATCH_TYPES[type]);
  }

  async delete(r: ResourceInfo, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    const body = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
    await this.json('DELETE', itemPath(r, namespace, name), body, 'application/json');
  }

  watch(r: ResourceInfo, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const path =
      collectionPath(r, opts.namespace) +
      query({
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: opts.resourceVersion,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      });
    return new Promise((resolve, reject) => {
      if (signal.aborted) return resolve();
      const req = request(this.options('GET', path), (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          readAll(res).then((body) => reject(toApiError(res.statusCode ?? 0, body)), reject);
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const ev = JSON.parse(line) as { type: string; object: KObject };
            if (ev.type === 'ERROR') {
              req.destroy();
              reject(statusError(ev.object as unknown as StatusBody));
              return;
            }
            onEvent(ev as WatchEvent);
          }
        });
        res.on('end', () => resolve());
        res.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
      });
      const onAbort = (): void => {
        req.destroy();
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
      req.on('close', () => signal.removeEventListener('abort', onAbort));
      req.end();
    });
  }

  private options(method: string, path: string, contentType?: string, length?: number): RequestOptions {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (contentType) headers['content-type'] = contentType;
    if (length !== undefined) headers['content-length'] = length;
    return { host: this.base.hostname, port: this.base.port || 443, path, method, headers, agent: this.agent };
  }

  private json<T = KObject>(method: string, path: string, body?: string, contentType?: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request(this.options(method, path, contentType, body === undefined ? undefined : Buffer.byteLength(body)), (res) => {
        readAll(res).then((text) => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            try {
              resolve(JSON.parse(text) as T);
            } catch (err) {
              reject(new Error(`${method} ${path}: unparseable response: ${(err as Error).message}`));
            }
          } else reject(toApiError(code, text));
        }, reject);
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path}: timed out after ${this.timeoutMs} ms`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}

interface StatusBody {
  code?: number;
  reason?: string;
  message?: string;
  details?: ApiError['details'];
}

function statusError(s: StatusBody): ApiError {
  return new ApiError(s.code ?? 500, (s.reason ?? 'InternalError') as StatusReason, s.message ?? 'unknown error', s.details);
}

function toApiError(code: number, text: string): ApiError {
  try {
    const s = JSON.parse(text) as StatusBody;
    if (s && typeof s === 'object' && (s as { kind?: string }).kind === 'Status') return statusError({ ...s, code: s.code ?? code });
  } catch {
    // not a Status body (a proxy's error page): described below from the code alone
  }
  return new ApiError(code, code === 404 ? 'NotFound' : 'InternalError', `the server answered ${code}: ${text.slice(0, 200)}`);
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
