// Credentials of simulated nodes. Each simulated node acts as itself
// (system:node:<name>), obtained the way a real agent obtains it: the join
// token pins the server's CA, and the node trades the join secret, its name
// and its password for its token (POST /hale/v1/node-credentials).
//
// A real agent keeps a random password in its data dir; a simulated node has
// no data dir, so its password is derived from the join secret and its name
// (HMAC-SHA256): a sim restarted with the same token and names gets the same
// identities back. Anyone holding the join secret can derive them — but the
// join secret already lets its holder join new nodes, and these are nodes
// that run nothing.

import { createHmac } from 'node:crypto';
import { requestNodeToken, type JoinCredentials } from '../../agent/join/join.js';

export function simNodePassword(joinSecret: string, nodeName: string): string {
  return createHmac('sha256', joinSecret).update(`hale-sim/${nodeName}`).digest('base64url');
}

export async function simNodeToken(server: string, creds: JoinCredentials, nodeName: string): Promise<string> {
  return requestNodeToken({ server, creds, nodeName, password: simNodePassword(creds.secret, nodeName) });
}
