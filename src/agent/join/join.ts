// Joining a server with nothing but its URL and a join token
// (`K10<sha256 of the CA>::node:<secret>`): the agent reads the certificate
// chain the server presents, finds the CA whose DER hashes to the token's
// hash, and from then on trusts only that CA. The secret is never sent
// before the server proved it holds a certificate issued by that CA.

import { connect, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
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
