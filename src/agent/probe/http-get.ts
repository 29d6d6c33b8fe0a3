// httpGet probe, as the kubelet's (pkg/probe/http/{http,request}.go, with Go's
// net/http client semantics it relies on):
// - GET scheme://host:port/path; headers as given (names canonicalised, as
//   http.Header.Add does), plus `User-Agent: kube-probe/1.32` and
//   `Accept: */*` unless given (an explicitly empty Accept removes it); a
//   Host header overrides the request's host; no keep-alive; no compression;
//   HTTPS without certificate verification;
// - 200 ≤ status < 400 is success; any other status is a failure with the
//   output "HTTP probe failed with statuscode: <code>" (never the body);
// - redirects (301/302/303/307/308 with a Location) are followed while they
//   stay on the original hostname; the 10th redirect response is an error
//   "stopped after 10 redirects". A redirect to another host is not followed:
//   its 3xx status is success with a warning, output
//   "Probe terminated redirects, Response body: <body>";
// - at most 10 KiB of body are read; the rest is dropped;
// - one timeout covers the whole exchange (Go's Client.Timeout). Transport
//   errors are failures whose output is Go's url.Error text, e.g.
//   `Get "http://10.42.0.5:8080/healthz": dial tcp 10.42.0.5:8080: connect: connection refused`.
//   An error while reading the body is the kubelet's probe error: unknown.
//
// Invariants: every socket is destroyed and the timer cleared before the
// promise settles; the promise never rejects. Real timers on purpose: this
// bounds socket I/O, not healing logic.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { ProbeResult } from './probe-result.js';
import { goDialError, goReadError, goUrlError, joinHostPort } from './go-errors.js';

export interface HttpHeader {
  name: string;
  value: string;
}

export interface HttpGetOptions {
  host: string;
  port: number;
  /** default "/" (the API default) */
  path?: string;
  /** HTTP | HTTPS, any case; default HTTP */
  scheme?: string;
  headers?: HttpHeader[];
  timeoutMs: number;
  /** default "kube-probe/1.32" */
  userAgent?: string;
}

export const PROBE_USER_AGENT = 'kube-probe/1.32';
export const MAX_RESPONSE_BODY_BYTES = 10 * 1024;
const MAX_REDIRECTS = 10;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

export function httpStatusFailureMessage(status: number): string {
  return `HTTP probe failed with statuscode: ${status}`;
}

export function redirectWarningMessage(body: string): string {
  return `Probe terminated redirects, Response body: ${body}`;
}

/** textproto.CanonicalMIMEHeaderKey: "x-probe-id" → "X-Probe-Id". */
export function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-');
}

interface Target {
  scheme: string;
  /** hostname without IPv6 brackets, for connecting and comparing */
  hostname: string;
  port: number;
  /** path and query as sent on the request line */
  requestPath: string;
  /** the URL as Go's url.URL.String() prints it, for error texts */
  display: string;
  /** Host header value: the override, or host[:port] of the URL */
  hostHeader: string;
}

class ExchangeError extends Error {
  constructor(readonly goText: string) {
    super(goText);
    this.name = 'ExchangeError';
  }
}

/** Splits a probe path into request path and the part Go's URL.String() shows. */
function initialTarget(o: HttpGetOptions, scheme: string, hostOverride: string | undefined): Target {
  const raw = o.path ?? '/';
  const noFragment = raw.split('#')[0] ?? '';
  const q = noFragment.indexOf('?');
  const pathPart = q < 0 ? noFragment : noFragment.slice(0, q);
  const query = q < 0 ? '' : noFragment.slice(q);
  const shownPath = pathPart === '' ? '' : pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  const hostPort = joinHostPort(o.host, o.port);
  return {
    scheme,
    hostname: o.host,
    port: o.port,
    requestPath: (shownPath || '/') + query,
    display: `${scheme}://${hostPort}${shownPath}${query}`,
    hostHeader: hostOverride ?? hostPort,
  };
}

function stripBrackets(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Resolves a Location against the current target (url.URL.ResolveReference). Throws on a malformed Location. */
function redirectTarget(location: string, cur: Target, hostOverride: string | undefined): Target {
  const u = new URL(location, cur.display);
  const scheme = u.protocol.replace(/:$/, '');
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
  // Go keeps a Host override only through a relative redirect (net/http issue #22233).
  const relative = !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(location) && !location.startsWith('//');
  return {
    scheme,
    hostname: stripBrackets(u.hostname),
    port,
    requestPath: u.pathname + u.search,
    display: `${scheme}://${u.host}${u.pathname}${u.search}`,
    hostHeader: relative && hostOverride !== undefined ? hostOverride : u.host,
  };
}

/** Headers as Go's probe request carries them: canonical names, defaults for User-Agent and Accept, Host taken out. */
function probeHeaders(given: HttpHeader[], userAgent: string): { headers: Map<string, string[]>; host: string | undefined } {
  const headers = new Map<string, string[]>();
  for (const h of given) {
    const name = canonicalHeaderName(h.name);
    const list = headers.get(name) ?? [];
    list.push(h.value);
    headers.set(name, list);
  }
  if (!headers.has('User-Agent')) headers.set('User-Agent', [userAgent]);
  if (!headers.has('Accept')) headers.set('Accept', ['*/*']);
  else if ((headers.get('Accept')?.[0] ?? '') === '') headers.delete('Accept');
  const hostValues = headers.get('Host');
  headers.delete('Host');
  const host = hostValues?.[0] ? hostValues[0] : undefined;
  return { headers, host };
}

interface Deadline {
  expired: boolean;
  /** what to do when the timeout fires; replaced as the exchange moves on */
  onExpire: (() => void) | undefined;
}

function send(t: Target, headers: Map<string, string[]>, referer: string | undefined, deadline: Deadline): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const out: OutgoingHttpHeaders = { Host: t.hostHeader };
    for (const [k, v] of headers) out[k] = v.length === 1 ? v[0] : v;
    if (referer !== undefined) out.Referer = referer;
    const hostPort = joinHostPort(t.hostname, t.port);
    const common = { host: t.hostname, port: t.port, path: t.requestPath, method: 'GET', headers: out, agent: false as const, setHost: false };
    let connected = false;
    let local: string | undefined;
    let remote = hostPort;
    const req =
      t.scheme === 'https'
        ? // SNI names the URL's host, never an IP and never the Host override (Go's tls ServerName).
          https.request({ ...common, rejectUnauthorized: false, servername: net.isIP(t.hostname) ? '' : t.hostname })
        : http.request(common);
    deadline.onExpire = () =>
      req.destroy(
        new ExchangeError(
          connected
            ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
            : `dial tcp ${hostPort}: i/o timeout (Client.Timeout exceeded while awaiting headers)`,
        ),
      );
    req.once('socket', (s) => {
      s.once('connect', () => {
        connected = true;
        if (s.localAddress !== undefined) local = joinHostPort(s.localAddress, s.localPort ?? 0);
        if (s.remoteAddress !== undefined) remote = joinHostPort(s.remoteAddress, s.remotePort ?? t.port);
      });
    });
    req.once('response', (res) => resolve(res));
    // `on`, not `once`: a second 'error' after the first (a destroyed socket) must not go unhandled.
    req.on('error', (err) => {
      if (err instanceof ExchangeError) reject(err);
      else reject(new ExchangeError(connected ? goReadError(local, remote, err) : goDialError(hostPort, t.hostname, err)));
    });
    if (deadline.expired) deadline.onExpire();
    req.end();
  });
}

/** Reads at most MAX_RESPONSE_BODY_BYTES, then drops the connection. Rejects with an ExchangeError on a read error or timeout. */
function readBody(res: IncomingMessage, deadline: Deadline): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: ExchangeError): void => {
      if (done) return;
      done = true;
      res.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY_BYTES).toString('utf8'));
    };
    deadline.onExpire = () => finish(new ExchangeError('context deadline exceeded (Client.Timeout or context cancellation while reading body)'));
    res.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size >= MAX_RESPONSE_BODY_BYTES) finish();
    });
    res.once('end', () => finish());
    res.once('aborted', () => finish(new ExchangeError('unexpected EOF')));
    res.on('error', (err) => finish(new ExchangeError(err.message === 'aborted' ? 'unexpected EOF' : err.message)));
  });
}

export async function httpGet(o: HttpGetOptions): Promise<ProbeResult> {
  const scheme = (o.scheme ?? 'HTTP').toLowerCase() || 'http';
  const { headers, host: hostOverride } = probeHeaders(o.headers ?? [], o.userAgent ?? PROBE_USER_AGENT);
  const origin = initialTarget(o, scheme, hostOverride);
  const deadline: Deadline = { expired: false, onExpire: undefined };
  const timer = setTimeout(() => {
    deadline.expired = true;
    deadline.onExpire?.();
  }, o.timeoutMs);
  try {
    return await exchange(origin, headers, hostOverride, deadline);
  } finally {
    clearTimeout(timer);
  }
}

async function exchange(origin: Target, headers: Map<string, string[]>, hostOverride: string | undefined, deadline: Deadline): Promise<ProbeResult> {
  if (origin.scheme !== 'http' && origin.scheme !== 'https') {
    return { result: 'failure', output: goUrlError('Get', origin.display, `unsupported protocol scheme "${origin.scheme}"`) };
  }
  let cur = origin;
  let referer: string | undefined;
  for (let requests = 1; ; requests++) {
    let res: IncomingMessage;
    try {
      res = await send(cur, headers, referer, deadline);
    } catch (err) {
      return { result: 'failure', output: goUrlError('Get', cur.display, err instanceof ExchangeError ? err.goText : String(err)) };
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECT_CODES.has(status) && location) {
      let next: Target;
      try {
        next = redirectTarget(location, cur, hostOverride);
      } catch (err) {
        res.destroy();
        const why = err instanceof Error ? err.message : String(err);
        return { result: 'failure', output: goUrlError('Get', cur.display, `failed to parse Location header "${location}": ${why}`) };
      }
      // A redirect off the original host is not followed (kubelet's followNonLocalRedirects=false):
      // this 3xx response is the answer.
      if (next.hostname === origin.hostname) {
        res.destroy();
        if (requests >= MAX_REDIRECTS) return { result: 'failure', output: goUrlError('Get', cur.display, `stopped after ${MAX_REDIRECTS} redirects`) };
        if (next.scheme !== 'http' && next.scheme !== 'https') {
          return { result: 'failure', output: goUrlError('Get', next.display, `unsupported protocol scheme "${next.scheme}"`) };
        }
        // Go sends the previous URL as Referer, except from https to http.
        referer = cur.scheme === 'https' && next.scheme === 'http' ? undefined : cur.display;
        cur = next;
        continue;
      }
    }
    let body: string;
    try {
      body = await readBody(res, deadline);
    } catch (err) {
      // The kubelet's ReadAtMost error: a probe error, not a counted failure.
      return { result: 'unknown', output: err instanceof ExchangeError ? err.goText : String(err) };
    }
    if (status >= 200 && status < 400) {
      if (status >= 300) return { result: 'success', output: redirectWarningMessage(body), warning: true };
      return { result: 'success', output: body };
    }
    return { result: 'failure', output: httpStatusFailureMessage(status) };
  }
}
