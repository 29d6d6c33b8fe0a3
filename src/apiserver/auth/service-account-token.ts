// ServiceAccount tokens as Kubernetes 1.32 mints and checks them
// (pkg/serviceaccount/claims.go, jwt.go): RS256 JWTs with `kid`, claims
// iss, sub `system:serviceaccount:<ns>:<name>`, aud, exp, iat, nbf, jti and
// the private `kubernetes.io` claim {namespace, serviceaccount{name,uid},
// pod{name,uid} | secret{name,uid}, node{name,uid} for pod-bound tokens}.
//
// Verification (jose, never hand-written JWT code) checks the signature, the
// issuer, exp/nbf with Kubernetes' one-minute leeway and that one of the
// API server's audiences is in `aud`; then `resolve` confirms against live
// objects that the ServiceAccount (and the bound pod or secret) still exists
// with the UID the token names and is not being deleted for longer than the
// leeway. Any failure is "not authenticated": the caller answers 401.

import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { KObject } from '../../api/object.js';
import type { Clock } from '../../lib/clock/clock.js';
import type { User } from './authenticate.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** jwt.DefaultLeeway in go-jose: exp/nbf tolerance and the grace for deleted objects */
const LEEWAY_S = 60;

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

export interface TokenSpec {
  serviceAccount: KObject;
  audiences: string[];
  expirationSeconds: number;
  pod?: KObject;
  secret?: KObject;
  node?: KObject;
}

export interface IssuedToken {
  token: string;
  /** exp, in ms since the epoch */
  expiresAt: number;
}

/** Reads live objects for the post-signature checks; undefined = not found. */
export interface BoundObjectGetter {
  serviceAccount(namespace: string, name: string): Promise<KObject | undefined>;
  pod(namespace: string, name: string): Promise<KObject | undefined>;
  secret(namespace: string, name: string): Promise<KObject | undefined>;
}

export interface ServiceAccountTokensOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** default DEFAULT_ISSUER */
  issuer?: string;
  /** the audiences the API server accepts (--api-audiences); default [issuer] */
  apiAudiences?: string[];
  clock: Clock;
}

export function serviceAccountUser(namespace: string, name: string): User {
  return { name: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

/** A JWT's shape (three base64url parts), so other kinds of bearer token never reach the verifier. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

const ref = (o: KObject): ObjectRef => ({ name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' });

function deletedLongAgo(o: KObject, nowMs: number): boolean {
  const ts = o.metadata.deletionTimestamp;
  return typeof ts === 'string' && Date.parse(ts) < nowMs - LEEWAY_S * 1000;
}

export class ServiceAccountTokens {
  readonly issuer: string;
  readonly apiAudiences: string[];

  constructor(private readonly o: ServiceAccountTokensOptions) {
    this.issuer = o.issuer ?? DEFAULT_ISSUER;
    this.apiAudiences = o.apiAudiences?.length ? [...o.apiAudiences] : [this.issuer];
  }

  async issue(spec: TokenSpec): Promise<IssuedToken> {
    const sa = spec.serviceAccount;
    const namespace = sa.metadata.namespace ?? '';
    const now = Math.floor(this.o.clock.now() / 1000);
    const exp = now + spec.expirationSeconds;
    const k8s: KubernetesClaim = { namespace, serviceaccount: ref(sa) };
    if (spec.pod) {
      k8s.pod = ref(spec.pod);
      if (spec.node) k8s.node = ref(spec.node);
    } else if (spec.secret) k8s.secret = ref(spec.secret);
    const token = await new SignJWT({ 'kubernetes.io': k8s as unknown as JWTPayload[string] })
      .setProtectedHeader({ alg: 'RS256', kid: this.o.keyId })
      .setIssuer(this.issuer)
      .setSubject(serviceAccountUser(namespace, sa.metadata.name ?? '').name)
      .setAudience(spec.audiences)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.o.privateKey);
    return { token, expiresAt: exp * 1000 };
  }

  /** The signed claims of a valid token of this issuer, or undefined (bad signature, expired, wrong audience…). */
  async verify(token: string): Promise<{ payload: JWTPayload; kubernetes: KubernetesClaim } | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.o.publicKey, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        audience: this.apiAudiences,
        clockTolerance: LEEWAY_S,
        currentDate: new Date(this.o.clock.now()),
      });
      const k8s = payload['kubernetes.io'] as KubernetesClaim | undefined;
      if (!k8s || typeof k8s.namespace !== 'string' || typeof k8s.serviceaccount?.name !== 'string') return undefined;
      return { payload, kubernetes: k8s };
    } catch (err) {
      // jose's errors are the token's fault (JOSEError); anything else is ours and must surface.
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
  }

  /** verify + the live-object checks: the user the token authenticates as, or undefined. */
  async authenticate(token: string, objects: BoundObjectGetter): Promise<User | undefined> {
    const v = await this.verify(token);
    if (!v) return undefined;
    const { namespace, serviceaccount, pod, secret } = v.kubernetes;
    const now = this.o.clock.now();
    const sa = await objects.serviceAccount(namespace, serviceaccount.name);
    if (!sa || sa.metadata.uid !== serviceaccount.uid || deletedLongAgo(sa, now)) return undefined;
    if (secret) {
      const s = await objects.secret(namespace, secret.name);
      if (!s || s.metadata.uid !== secret.uid || deletedLongAgo(s, now)) return undefined;
    }
    if (pod) {
      const p = await objects.pod(namespace, pod.name);
      if (!p || p.metadata.uid !== pod.uid || deletedLongAgo(p, now)) return undefined;
    }
    return serviceAccountUser(namespace, serviceaccount.name);
  }
}
