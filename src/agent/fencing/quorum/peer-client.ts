// Asking one peer for a grant: POST /fencing/grant on its agent endpoint,
// with the join secret every agent of the cluster holds, the peer's
// certificate pinned by the fingerprint on its Node (no CA). Any failure —
// unreachable, timeout, wrong certificate, refusal — is simply no grant.

import { request } from 'node:https';
import type { Member } from './members.js';
import type { GrantAnswer } from './granter.js';

export async function askPeer(peer: Member, body: { node: string; members: readonly string[] }, secret: string, timeoutMs: number): Promise<GrantAnswer | undefined> {
  if (!peer.ip || !peer.port || !peer.certSha256) return undefined;
  const pin = peer.certSha256;
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      {
        host: peer.ip,
        port: peer.port,
        path: '/fencing/grant',
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        rejectUnauthorized: false,
        checkServerIdentity: (_host, cert) => (cert.fingerprint256.replace(/:/g, '').toLowerCase() === pin ? undefined : new Error(`${peer.name} presented a certificate other than the one it registered`)),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve(undefined);
          try {
            const a = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GrantAnswer;
            resolve(a.node === peer.name ? a : undefined);
          } catch {
            resolve(undefined); // not an answer: no grant
          }
        });
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end(payload);
  });
}
