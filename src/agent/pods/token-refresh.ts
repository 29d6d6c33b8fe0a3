// The node's ServiceAccount tokens for projected volumes, as the kubelet's
// token manager keeps them (pkg/kubelet/token/token_manager.go): one token
// per (pod, account, audiences, lifetime), cached and handed out again
// until 80% of its lifetime has passed (or it is 24 h old), then requested
// anew. Each projected volume holding a token registers a rewrite that runs
// at that point, so the file in the pod is replaced before the token
// expires; the kubelet gets the same effect from its periodic pod sync.
//
// Everything of a pod (cached tokens, pending rewrites) goes with `forget`
// when the pod's containers are gone; `stop` cancels every timer. A failed
// rewrite is retried after a minute (the old token is still valid then).

import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';

export interface TokenRequestSpec {
  namespace: string;
  serviceAccount: string;
  audiences: string[];
  expirationSeconds: number;
  pod: { name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  /** ms since the epoch */
  expiresAt: number;
}

export interface ProjectedTokensOptions {
  clock: Clock;
  log: Logger;
  /** asks the API server (serviceaccounts/token, bound to the pod) */
  request(spec: TokenRequestSpec): Promise<IssuedToken>;
}

const MAX_TTL_BEFORE_REFRESH_MS = 24 * 60 * 60_000;
const RETRY_MS = 60_000;

interface Cached extends IssuedToken {
  refreshAt: number;
}

/** When the kubelet asks again: 80% of the lifetime, at most 24 h after issue. */
export function refreshTime(issuedAt: number, expiresAt: number): number {
  return Math.min(issuedAt + 0.8 * (expiresAt - issuedAt), issuedAt + MAX_TTL_BEFORE_REFRESH_MS);
}

export class ProjectedTokens {
  private readonly tokens = new Map<string, Map<string, Cached>>();
  private readonly rewrites = new Map<string, Map<string, TimerHandle>>();
  /** forgotten pods (uids never return): a rewrite in flight when its pod went must not schedule again */
  private readonly gone = new Set<string>();
  private stopped = false;

  constructor(private readonly o: ProjectedTokensOptions) {}

  /** A token for `spec`: the cached one while it is fresh, else a new one. */
  async token(spec: TokenRequestSpec): Promise<Cached> {
    const key = JSON.stringify([spec.namespace, spec.serviceAccount, [...spec.audiences].sort(), spec.expirationSeconds]);
    const now = this.o.clock.now();
    const cached = this.tokens.get(spec.pod.uid)?.get(key);
    if (cached && now < cached.refreshAt) return cached;
    const issued = await this.o.request(spec);
    const fresh: Cached = { ...issued, refreshAt: refreshTime(now, issued.expiresAt) };
    if (!this.stopped && !this.gone.has(spec.pod.uid)) {
      let m = this.tokens.get(spec.pod.uid);
      if (!m) this.tokens.set(spec.pod.uid, (m = new Map()));
      m.set(key, fresh);
    }
    return fresh;
  }

  /** Runs `rewrite` at `atMs` (replacing a pending one for the same volume); a failure is retried a minute later. */
  schedule(podUid: string, volume: string, atMs: number, rewrite: () => Promise<void>): void {
    if (this.stopped || this.gone.has(podUid)) return;
    let m = this.rewrites.get(podUid);
    if (!m) this.rewrites.set(podUid, (m = new Map()));
    m.get(volume)?.cancel();
    const pod = m;
    pod.set(
      volume,
      this.o.clock.setTimeout(() => {
        pod.delete(volume);
        rewrite().catch((err: unknown) => {
          this.o.log.warn({ podUid, volume, err: err instanceof Error ? err.message : String(err) }, 'projected token refresh failed; retrying');
          if (this.rewrites.get(podUid) === pod) this.schedule(podUid, volume, this.o.clock.now() + RETRY_MS, rewrite);
        });
      }, Math.max(0, atMs - this.o.clock.now())),
    );
  }

  /** The pod's containers are gone: drop its tokens and stop its refreshes. */
  forget(podUid: string): void {
    for (const t of this.rewrites.get(podUid)?.values() ?? []) t.cancel();
    this.rewrites.delete(podUid);
    this.tokens.delete(podUid);
    this.gone.add(podUid);
    if (this.gone.size > 10_000) this.gone.delete(this.gone.values().next().value as string);
  }

  /** Pods with pending refreshes (tests, metrics). */
  get pods(): number {
    return this.rewrites.size;
  }

  stop(): void {
    this.stopped = true;
    for (const uid of [...this.rewrites.keys()]) this.forget(uid);
    this.tokens.clear();
  }
}
