// Asking one peer for a grant: POST /fencing/grant on its agent endpoint,
// with the join secret every agent of the cluster holds, the peer's
// certificate pinned by the fingerprint on its Node (no CA; checked before
// the secret is sent, pinned-request.ts). Any failure — unreachable,
// timeout, wrong certificate, refusal, an answer from another node — is
// simply no grant.

import type { Logger } from '../../../lib/log/log.js';
import type { Member } from './members.js';
import type { GrantAnswer } from './granter.js';
import { pinnedRequest } from './pinned-request.js';

export async function askPeer(peer: Member, body: { node: string; members: readonly string[] }, secret: string, timeoutMs: number, log?: Logger): Promise<GrantAnswer | undefined> {
  if (!peer.ip || !peer.port || !peer.certSha256) return undefined;
  try {
    const res = await pinnedRequest({ host: peer.ip, port: peer.port, sha256: peer.certSha256, timeoutMs }, 'POST', '/fencing/grant', { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, JSON.stringify(body));
    if (res.status !== 200) {
      log?.debug({ peer: peer.name, status: res.status }, 'fencing: grant request refused');
      return undefined;
    }
    const a = JSON.parse(res.body) as GrantAnswer;
    return a.node === peer.name && typeof a.granted === 'boolean' ? a : undefined;
  } catch (err) {
    log?.debug({ peer: peer.name, err: err instanceof Error ? err.message : String(err) }, 'fencing: no answer to a grant request');
    return undefined;
  }
}
