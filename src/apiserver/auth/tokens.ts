// The two shared secrets a hale server hands out: the admin bearer token
// (`<dir>/admin-token`) and the node join token (`<dir>/node-token`), both
// created once with mode 0600 and reused afterwards.
//
// A join token reads `K10<sha256 hex of the CA certificate's DER>::node:<secret>`
// as k3s's do: an agent holding it can check the server's CA before sending
// the secret anywhere (verifyCaHash), and the server only ever compares the
// secret part. If the CA changes, the stored token's hash is rewritten and its
// secret kept.

import { createHash, randomBytes as nodeRandomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { withDirLock } from './dir-lock.js';

export interface TokenOptions {
  dir: string;
  /** the CA certificate the join token's hash pins */
  caPem: string;
  /** default crypto.randomBytes; injectable for tests */
  randomBytes?: (size: number) => Buffer;
}

export interface Tokens {
  adminToken: string;
  /** the secret part of the join token: what nodes present as their bearer token */
  nodeSecret: string;
  /** the whole `K10…::node:…` string an operator gives to a new node */
  nodeJoinToken: string;
  paths: { adminToken: string; nodeToken: string };
}

export interface JoinToken {
  /** sha256 hex of the CA certificate DER, lower case */
  caHash: string;
  /** the user name part; `node` for tokens hale mints */
  user: string;
  secret: string;
}

const JOIN_TOKEN = /^K10([0-9a-f]{64})::([^:]+):(.+)$/;
const JOIN_USER = 'node';

/** sha256 (hex) of the DER of the first certificate in `caPem`. */
export function caCertHash(caPem: string): string {
  return createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex');
}

export function formatJoinToken(caHash: string, secret: string): string {
  return `K10${caHash}::${JOIN_USER}:${secret}`;
}

/** The parts of `K10<hash>::<user>:<secret>`, or undefined when `token` is not of that form. */
export function parseJoinToken(token: string): JoinToken | undefined {
  const m = JOIN_TOKEN.exec(token.trim());
  if (!m) return undefined;
  return { caHash: m[1] ?? '', user: m[2] ?? '', secret: m[3] ?? '' };
}

/** True when `caPem` is the CA the hash pins; compared in constant time. */
export function verifyCaHash(caPem: string, caHash: string): boolean {
  // Checking the shape first reveals only the shape, never how much of the hash was right.
  if (!/^[0-9a-fA-F]{64}$/.test(caHash)) return false;
  return timingSafeEqual(Buffer.from(caCertHash(caPem), 'hex'), Buffer.from(caHash, 'hex'));
}

function newSecret(random: (size: number) => Buffer): string {
  return random(32).toString('base64url');
}

export async function ensureTokens(opts: TokenOptions): Promise<Tokens> {
  const random = opts.randomBytes ?? nodeRandomBytes;
  const paths = { adminToken: join(opts.dir, 'admin-token'), nodeToken: join(opts.dir, 'node-token') };
  const caHash = caCertHash(opts.caPem);
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  return withDirLock(opts.dir, async () => {
    let adminToken = (await readTextIfExists(paths.adminToken))?.trim();
    if (!adminToken) {
      adminToken = newSecret(random);
      await writeFileAtomic(paths.adminToken, `${adminToken}\n`, { mode: 0o600 });
    }

    const storedText = (await readTextIfExists(paths.nodeToken))?.trim();
    const stored = storedText ? parseJoinToken(storedText) : undefined;
    if (storedText && !stored) throw new Error(`${paths.nodeToken} does not hold a K10<hash>::node:<secret> join token`);
    const nodeSecret = stored?.secret ?? newSecret(random);
    const nodeJoinToken = formatJoinToken(caHash, nodeSecret);
    if (storedText !== nodeJoinToken) await writeFileAtomic(paths.nodeToken, `${nodeJoinToken}\n`, { mode: 0o600 });
    return { adminToken, nodeSecret, nodeJoinToken, paths };
  });
}
