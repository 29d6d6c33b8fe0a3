// Joining a server with nothing but its URL and a join token
// (`K10<sha256 of the CA>::node:<secret>`): the agent reads the certificate
// chain the server presents, finds the CA whose DER hashes to the token's
// hash, and from then on trusts only that CA. The secret is never sent
// before the server proved it holds a certificate issued by that CA.
//
// Then (requestNodeToken) the agent trades the join secret, its node name and
// its own password (node-password.ts) for the node's bearer token at
// `POST /hale/v1/node-credentials`, over TLS checked against the pinned CA.
// Everything the agent does afterwards it does as `system:node:<name>`.

import { connect, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { NODE_CREDENTIALS_PATH } from '../../apiserver/auth/node-password.js';
import { parseJoinToken, verifyCaHash } from '../../apiserver/auth/tokens.js';

export interface JoinCredentials {
  caPem: string;
  /** the bearer token to present */
  secret: string;
}

function toPem(raw: Buffer): string {
  const b64 = raw.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function chainOf(c: DetailedPeerCertificate): PeerCertificate[] {
  const out: PeerCertificate[] = [];
  let cur: DetailedPeerCertificate | undefined = c;
  while (cur && cur.raw && !out.includes(cur)) {
    out.push(cur);
    if (cur.issuerCertificate === cur) break;
    cur = cur.issuerCertificate;
  }
  return out;
}

/** Fetches and checks the server's CA; rejects when no certificate in the chain matches the token. */
export async function join(server: string, token: string, timeoutMs = 10_000): Promise<JoinCredentials> {
  const parsed = parseJoinToken(token);
  if (!parsed) {
    // A plain bearer token (no CA hash): the caller must supply a CA some other way.
    throw new Error('the token is not a hale join token (K10<ca hash>::node:<secret>); take it from <data-dir>/node-token on the server');
  }
  const url = new URL(server);
  const chain = await new Promise<PeerCertificate[]>((resolve, reject) => {
    const s = connect({ host: url.hostname, port: Number(url.port || 443), rejectUnauthorized: false, servername: isIp(url.hostname) ? undefined : url.hostname }, () => {
      const peer = s.getPeerCertificate(true);
      s.end();
      resolve(chainOf(peer));
    });
    s.setTimeout(timeoutMs, () => s.destroy(new Error(`no TLS answer from ${server} within ${timeoutMs} ms`)));
    s.on('error', reject);
  });
  for (const c of chain) {
    const pem = toPem(c.raw);
    if (verifyCaHash(pem, parsed.caHash)) {
      // The hash pins the CA; the leaf must also really be issued by it.
      const leaf = chain[0];
      if (leaf && leaf !== c && !new X509Certificate(toPem(leaf.raw)).verify(new X509Certificate(pem).publicKey)) break;
      return { caPem: pem, secret: parsed.secret };
    }
  }
  throw new Error(`the server at ${server} does not present the CA the join token names: wrong server or wrong token`);
}

function isIp(h: string): boolean {
  return /^[\d.]+$/.test(h) || h.includes(':');
}

export interface NodeTokenOptions {
  /** https://host:port */
  server: string;
  /** what join() returned: the pinned CA and the join secret */
  creds: JoinCredentials;
  nodeName: string;
  /** the agent's own password (ensureNodePassword) */
  password: string;
  /** per request; default 10 s */
  timeoutMs?: number;
  /** how long to wait for the token to be accepted (a second server may lag the first by a moment); default 10 s */
  acceptWithinMs?: number;
}

interface Answer {
  status: number;
  body: string;
}

function send(o: { url: URL; method: string; token: string; caPem: string; body?: string; timeoutMs: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${o.token}`, accept: 'application/json', 'user-agent': 'hale-agent' };
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(o.body);
    }
    const req = request(o.url, { method: o.method, headers, ca: o.caPem, timeout: o.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${o.url.origin} within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

/** The message of a Kubernetes Status body, or the raw text. */
function messageOf(a: Answer): string {
  try {
    const m = (JSON.parse(a.body) as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '') return m;
  } catch {
    // Not JSON (a proxy's error page, say): show the text as it came.
  }
  return a.body.trim().slice(0, 500) || `HTTP ${a.status}`;
}

/**
 * Exchanges the join secret + node name + password for the node's own bearer
 * token, then waits until the server accepts it. Rejects with the server's
 * reason when it refuses (403: the name belongs to another agent's password).
 */
export async function requestNodeToken(o: NodeTokenOptions): Promise<string> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const base = new URL(o.server);
  const answer = await send({
    url: new URL(NODE_CREDENTIALS_PATH, base),
    method: 'POST',
    token: o.creds.secret,
    caPem: o.creds.caPem,
    body: JSON.stringify({ nodeName: o.nodeName, password: o.password }),
    timeoutMs,
  });
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`the server at ${o.server} refused node credentials for "${o.nodeName}" (HTTP ${answer.status}): ${messageOf(answer)}`);
  }
  let token: unknown;
  try {
    token = (JSON.parse(answer.body) as { token?: unknown }).token;
  } catch (err) {
    throw new Error(`the server at ${o.server} answered the node-credentials request with something other than JSON: ${(err as Error).message}`);
  }
  if (typeof token !== 'string' || token === '') throw new Error(`the server at ${o.server} answered the node-credentials request without a token`);

  // The answering server has the record in its cache; another one behind the same address may lag by a moment.
  const deadline = Date.now() + (o.acceptWithinMs ?? 10_000);
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const probe = await send({ url: new URL('/api', base), method: 'GET', token, caPem: o.creds.caPem, timeoutMs });
    if (probe.status !== 401) return token;
    if (Date.now() + delay > deadline) throw new Error(`the server at ${o.server} issued a token for node "${o.nodeName}" but does not accept it: ${messageOf(probe)}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
