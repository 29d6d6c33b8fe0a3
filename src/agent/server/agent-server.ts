// The agent's HTTPS endpoint, reached by the API server and by peer agents
// (both pin this agent's certificate by fingerprint): `GET /containerLogs/{ns}/{pod}/{container}`
// with kubelet's query parameters, `POST /fencing/grant` (peer grants,
// docs/fencing.md), `GET /metrics` (Prometheus) and `GET /healthz`. Every request but
// /healthz must carry the node join secret as its bearer token, compared in
// constant time. Errors are plain-text with kubelet's status codes; the API
// server turns them into a Status.

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../lib/log/log.js';

export interface LogQuery {
  namespace: string;
  pod: string;
  container: string;
  query: URLSearchParams;
}

/** An error with an HTTP code the log handler wants the caller to see. */
export class AgentHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'AgentHttpError';
  }
}

export interface AgentServerOptions {
  certPem: string;
  keyPem: string;
  secret: string;
  host: string;
  port: number;
  log: Logger;
  logs: (q: LogQuery, req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** `POST /fencing/grant` from a peer agent (docs/fencing.md rule 9): the answer, as JSON */
  grant?: (from: string) => object;
  /** `GET /metrics`: the node's Prometheus metrics (proxy, DNS, process) */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Reads a peer's `{node}` (at most 64 KiB) and answers with the grant decision. */
function answerGrant(req: IncomingMessage, res: ServerResponse, grant: (from: string) => object): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > 65_536) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    let from = '';
    try {
      from = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { node?: unknown }).node ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('expected a JSON body {"node": NAME}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(grant(from)));
  });
}

export async function startAgentServer(opts: AgentServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const want = digest(opts.secret);
  const server: Server = createServer({ cert: opts.certPem, key: opts.keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://agent');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const auth = req.headers.authorization ?? '';
    const token = auth.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : '';
    if (!token || !timingSafeEqual(digest(token), want)) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return;
    }
    if (url.pathname === '/fencing/grant' && req.method === 'POST' && opts.grant) {
      answerGrant(req, res, opts.grant);
      return;
    }
    if (url.pathname === '/metrics' && req.method === 'GET' && opts.metrics) {
      opts.metrics().then(
        (m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.body),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
      return;
    }
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
      return;
    }
    const q: LogQuery = { namespace: decodeURIComponent(m[1]!), pod: decodeURIComponent(m[2]!), container: decodeURIComponent(m[3]!), query: url.searchParams };
    opts.logs(q, req, res).catch((err: unknown) => {
      const code = err instanceof AgentHttpError ? err.code : 500;
      if (code === 500) opts.log.warn({ err: String(err), pod: `${q.namespace}/${q.pod}` }, 'log request failed');
      if (!res.headersSent) res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(err instanceof Error ? err.message : String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
