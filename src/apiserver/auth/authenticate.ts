// Request authentication by bearer token, the way kube-apiserver's
// token-file authenticator behaves: `Authorization: Bearer <token>` (scheme
// case-insensitive) maps to a user and groups, anything else is anonymous
// (undefined) and the HTTP layer decides whether that is allowed.
//
// Three kinds of token:
// - static rows (the admin token, extra rows): compared without short-cuts,
//   every row checked on SHA-256 digests of equal length with
//   crypto.timingSafeEqual, so neither the matching row nor a common prefix
//   shows in the response time;
// - the shared join secret: the user JOIN_USER in `system:bootstrappers`,
//   which may do one thing only, exchange itself for a node's own
//   credential (isBootstrapUser; the HTTP layer refuses it everywhere else);
// - a node's own token `hale-node:<name>:<password>` (node-password.ts):
//   `system:node:<name>` in `system:nodes`, when the password matches the
//   hash recorded for that name. The hash is looked up synchronously
//   (from the watch cache in the server), so a request costs one map lookup
//   and one SHA-256, never a store round trip;
// - a ServiceAccount JWT (service-account-token.ts) through
//   `withServiceAccountTokens`: checked only when the synchronous
//   authenticator matched nothing, and asynchronously (signature, then the
//   live ServiceAccount / bound pod), so only those tokens cost a Promise.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseNodeToken, verifyNodePassword, type ParsedHash } from './node-password.js';
import { looksLikeJwt } from './service-account-token.js';

export interface User {
  name: string;
  groups: string[];
}

export interface StaticToken {
  token: string;
  user: User;
}

/** The recorded password hash of a node, or undefined when the name has not registered. */
export type NodePasswordLookup = (nodeName: string) => ParsedHash | undefined;

export interface AuthenticatorOptions {
  /** maps to `admin` in `system:masters` */
  adminToken?: string;
  /** the shared node join secret; maps to JOIN_USER, good only for the node-credentials endpoint */
  nodeSecret?: string;
  /** where node tokens are checked; without it no node token authenticates */
  nodePasswords?: NodePasswordLookup;
  /** further rows (service accounts, tests) */
  tokens?: readonly StaticToken[];
}

export type Authenticate = (headers: IncomingHttpHeaders) => User | undefined;
/** Synchronous for every token but ServiceAccount JWTs, whose check reads live objects. */
export type AuthenticateAsync = (headers: IncomingHttpHeaders) => User | undefined | Promise<User | undefined>;

export const NODES_GROUP = 'system:nodes';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

export const ADMIN_USER: User = Object.freeze({ name: 'admin', groups: Object.freeze(['system:masters', 'system:authenticated']) as string[] });
/**
 * Whoever presents the join secret: it proves the right to join, not which
 * node it is, so like a Kubernetes bootstrap token it is a `system:bootstrap:`
 * user that may only ask for a node's own credential.
 */
export const JOIN_USER: User = Object.freeze({ name: 'system:bootstrap:hale-node-join', groups: Object.freeze([BOOTSTRAPPERS_GROUP, 'system:authenticated']) as string[] });

/** The user a node's own token authenticates as. */
export function nodeUser(nodeName: string): User {
  return { name: `system:node:${nodeName}`, groups: [NODES_GROUP, 'system:authenticated'] };
}

/** True for the join secret's user: the HTTP layer lets it reach the node-credentials endpoint only. */
export function isBootstrapUser(user: User): boolean {
  return user.groups.includes(BOOTSTRAPPERS_GROUP);
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header, as kube-apiserver's bearertoken package reads it. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const parts = auth.split(' ');
  if (parts.length < 2 || (parts[0] ?? '').toLowerCase() !== 'bearer') return undefined;
  const token = parts[1] ?? '';
  return token === '' ? undefined : token;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticate {
  const rows: Array<{ digest: Buffer; user: User }> = [];
  const add = (token: string | undefined, user: User): void => {
    if (token) rows.push({ digest: digest(token), user: { name: user.name, groups: [...user.groups] } });
  };
  add(opts.adminToken, ADMIN_USER);
  add(opts.nodeSecret, JOIN_USER);
  for (const t of opts.tokens ?? []) add(t.token, t.user);
  const lookup = opts.nodePasswords;

  return (headers) => {
    const token = bearerToken(headers);
    if (token === undefined) return undefined;
    const node = lookup ? parseNodeToken(token) : undefined;
    if (node && lookup) {
      // A node token either matches its node's recorded hash or authenticates nobody:
      // it never falls through to the table (whose tokens have no ':' anyway).
      const stored = lookup(node.nodeName);
      return stored && verifyNodePassword(stored, node.password) ? nodeUser(node.nodeName) : undefined;
    }
    const presented = digest(token);
    let found: User | undefined;
    for (const row of rows) {
      // No early exit: the time taken does not depend on which row matched.
      if (timingSafeEqual(row.digest, presented) && found === undefined) found = row.user;
    }
    return found === undefined ? undefined : { name: found.name, groups: [...found.groups] };
  };
}

/** `authenticate`, then (for a JWT-shaped bearer token it did not know) the ServiceAccount token check. */
export function withServiceAccountTokens(authenticate: Authenticate, check: (token: string) => Promise<User | undefined>): AuthenticateAsync {
  return (headers) => {
    const user = authenticate(headers);
    if (user) return user;
    const token = bearerToken(headers);
    return token !== undefined && looksLikeJwt(token) ? check(token) : undefined;
  };
}

const PUBLIC = /^\/(?:version\/?|(?:livez|readyz|healthz)(?:\/.*)?)$/;

/** Paths served without authentication, as kube-apiserver's default RBAC allows them to everyone. */
export function isPublicPath(path: string): boolean {
  const q = path.indexOf('?');
  return PUBLIC.test(q === -1 ? path : path.slice(0, q));
}
