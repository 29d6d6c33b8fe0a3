// Per-node credentials, the way k3s's node passwords work: every agent keeps
// a random password of its own, the server records a hash of it the first
// time a node name registers, and from then on only that password speaks for
// that name. This file holds the pure parts shared by the credentials
// endpoint and the authenticator: the password and token formats, the hash,
// and where the hash lives (a Secret `kube-system/<node>.node-password.hale`).
//
// The node's bearer token is `hale-node:<node name>:<password>`. The name
// is a DNS subdomain and the password base64url, so neither holds a ':' and
// the token splits unambiguously.
//
// The hash is salted SHA-256, not scrypt: the authenticator checks it on
// every request, synchronously, and a slow hash there would stall the event
// loop. A slow hash protects guessable passwords; these are not guessable,
// because the endpoint refuses anything shorter than 32 base64url
// characters (192 bits) and agents send 43 (32 random bytes).

import { createHash, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';

/** Where an agent trades the join secret + name + password for its token (node-credentials.ts). */
export const NODE_CREDENTIALS_PATH = '/hale/v1/node-credentials';
export const NODE_PASSWORD_SECRET_TYPE = 'hale.dev/node-password';
export const NODE_PASSWORD_NAMESPACE = 'kube-system';
const SECRET_SUFFIX = '.node-password.hale';
/** A Secret name is at most 253 characters, so the node name that fits beside the suffix is shorter. */
export const MAX_NODE_NAME_LENGTH = 253 - SECRET_SUFFIX.length;

/** The characters of a DNS subdomain; the endpoint checks the full rule, a token parse only needs these. */
const NODE_NAME_CHARS = /^[a-z0-9.-]+$/;
const PASSWORD = /^[A-Za-z0-9_-]{32,256}$/;
const TOKEN_PREFIX = 'hale-node:';
const HASH_SCHEME = 'sha256';

export function nodePasswordSecretName(nodeName: string): string {
  return `${nodeName}${SECRET_SUFFIX}`;
}

/** A fresh password as agents make it: 32 random bytes, base64url (43 characters). */
export function newNodePassword(random: (size: number) => Buffer = nodeRandomBytes): string {
  return random(32).toString('base64url');
}

/** Why `password` is refused, or undefined when it is acceptable. */
export function nodePasswordProblem(password: string): string | undefined {
  if (PASSWORD.test(password)) return undefined;
  return 'the node password must be 32 to 256 characters of A-Z, a-z, 0-9, "-" and "_" (hale agents use 32 random bytes, base64url)';
}

export function formatNodeToken(nodeName: string, password: string): string {
  return `${TOKEN_PREFIX}${nodeName}:${password}`;
}

/** The parts of `hale-node:<name>:<password>`, or undefined when `token` is not of that form. */
export function parseNodeToken(token: string): { nodeName: string; password: string } | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const rest = token.slice(TOKEN_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  const nodeName = rest.slice(0, colon);
  const password = rest.slice(colon + 1);
  if (!NODE_NAME_CHARS.test(nodeName) || nodeName.length > MAX_NODE_NAME_LENGTH || !PASSWORD.test(password)) return undefined;
  return { nodeName, password };
}

function digest(salt: Buffer, password: string): Buffer {
  return createHash('sha256').update(salt).update(password, 'utf8').digest();
}

/** `sha256$<salt>$<digest>`, both base64url: what the Secret's `hash` key holds. */
export function hashNodePassword(password: string, random: (size: number) => Buffer = nodeRandomBytes): string {
  const salt = random(16);
  return `${HASH_SCHEME}$${salt.toString('base64url')}$${digest(salt, password).toString('base64url')}`;
}

export interface ParsedHash {
  salt: Buffer;
  digest: Buffer;
}

/** The salt and digest of a stored hash, or undefined when it is not one this server writes. */
export function parseNodePasswordHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 3 || parts[0] !== HASH_SCHEME) return undefined;
  const salt = Buffer.from(parts[1] ?? '', 'base64url');
  const d = Buffer.from(parts[2] ?? '', 'base64url');
  if (salt.length === 0 || d.length !== 32) return undefined;
  return { salt, digest: d };
}

/**
 * The password each parsed hash last verified. A node presents its token on
 * every request; hashing it each time was a few percent of the API server's
 * main thread under load. A repeat is compared with the remembered bytes in
 * constant time instead; anything else is hashed as before. Keyed by the
 * parsed hash object, so a new hash (a rotated password) starts afresh.
 */
const verified = new WeakMap<ParsedHash, Buffer>();

/** True when `password` is the one `stored` was made from; compared in constant time. */
export function verifyNodePassword(stored: ParsedHash | string, password: string): boolean {
  const parsed = typeof stored === 'string' ? parseNodePasswordHash(stored) : stored;
  if (!parsed) return false;
  const presented = Buffer.from(password, 'utf8');
  const known = verified.get(parsed);
  if (known && known.length === presented.length && timingSafeEqual(known, presented)) return true;
  const ok = timingSafeEqual(parsed.digest, digest(parsed.salt, password));
  if (ok) verified.set(parsed, presented);
  return ok;
}
