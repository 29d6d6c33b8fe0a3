// Request authentication by bearer token, the way kube-apiserver's
// token-file authenticator behaves: `Authorization: Bearer <token>` (scheme
// case-insensitive) maps to a user and groups, anything else is anonymous
// (undefined) and the HTTP layer decides whether that is allowed.
//
// Tokens live in one table, so per-node credentials (the follow-up) are just
// more rows. Comparison never short-cuts: every row is checked, on SHA-256
// digests of equal length with crypto.timingSafeEqual, so neither the
// matching row nor a common prefix shows in the response time.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface User {
  name: string;
  groups: string[];
}

export interface StaticToken {
  token: string;
  user: User;
}

export interface AuthenticatorOptions {
  /** maps to `admin` in `system:masters` */
  adminToken?: string;
  /** the shared node join secret; maps to NODE_USER until nodes get their own credentials */
  nodeSecret?: string;
  /** further rows (per-node tokens, service accounts) */
  tokens?: readonly StaticToken[];
}

export type Authenticate = (headers: IncomingHttpHeaders) => User | undefined;

export const ADMIN_USER: User = Object.freeze({ name: 'admin', groups: Object.freeze(['system:masters', 'system:authenticated']) as string[] });
/** A node that proved only the shared join secret: which node it is stays unknown. */
export const NODE_USER: User = Object.freeze({ name: 'system:node:<unknown>', groups: Object.freeze(['system:nodes', 'system:authenticated']) as string[] });

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
  add(opts.nodeSecret, NODE_USER);
  for (const t of opts.tokens ?? []) add(t.token, t.user);

  return (headers) => {
    const token = bearerToken(headers);
    if (token === undefined) return undefined;
    const presented = digest(token);
    let found: User | undefined;
    for (const row of rows) {
      // No early exit: the time taken does not depend on which row matched.
      if (timingSafeEqual(row.digest, presented) && found === undefined) found = row.user;
    }
    return found === undefined ? undefined : { name: found.name, groups: [...found.groups] };
  };
}

const PUBLIC = /^\/(?:version\/?|(?:livez|readyz|healthz)(?:\/.*)?)$/;

/** Paths served without authentication, as kube-apiserver's default RBAC allows them to everyone. */
export function isPublicPath(path: string): boolean {
  const q = path.indexOf('?');
  return PUBLIC.test(q === -1 ? path : path.slice(0, q));
}
