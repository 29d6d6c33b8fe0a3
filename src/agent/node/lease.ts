// Keeps the node's Lease in kube-node-lease renewed: every `renewMs`
// (hale default 2 s, duration 8 s). Every renewal is a compare-and-swap on
// the Lease's resourceVersion, so a Lease the control plane revoked (or
// another holder took) is never silently overwritten: the conflict is
// reported and the next round starts from a fresh read.
//
// `onRenewed(sentAtMonotonicMs)` fires after each successful renewal with
// the monotonic time the request was sent: the agent's fencing deadline is
// derived from it (DESIGN.md, Fencing), never from when the answer arrived.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { LEASES } from '../../client/resources.js';
import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { ANNOTATION_LEASE_REVOKED } from '../../api/fencing.js';

export interface LeaseOptions {
  client: ApiClient;
  nodeName: string;
  nodeUid: () => string | undefined;
  clock: Clock;
  log: Logger;
  renewMs?: number;
  durationSeconds?: number;
  onRenewed?: (sentAtMonotonicMs: number) => void;
  /**
   * Annotations every renewal carries, asked for at send time. A key given as
   * undefined is removed from the Lease (an announcement that is over must not
   * linger: the control plane reads every renewal's annotations afresh).
   */
  annotations?: () => Record<string, string | undefined>;
}

export const LEASE_NAMESPACE = 'kube-node-lease';

export class LeaseRevokedError extends Error {
  constructor(node: string) {
    super(`the Lease of node ${node} was revoked by the control plane (the node was fenced); waiting until it is released`);
    this.name = 'LeaseRevokedError';
  }
}

/** MicroTime as Kubernetes writes it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** `cur` with `set` applied: a key set to undefined is removed; undefined when nothing is left. */
function withAnnotations(cur: Record<string, string> | undefined, set: Record<string, string | undefined> | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = { ...cur };
  for (const [k, v] of Object.entries(set ?? {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

export class LeaseKeeper {
  private readonly opts: LeaseOptions;
  private current: KObject | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private lastFailureLogged = 0;
  private inFlight = false;
  private lastFailed = true;
  private lastSuccess: number | undefined;
  private firstRoundDone!: () => void;
  /** resolves once the first renewal round has ended, renewed or not (the agent waits for it before its first unfence check) */
  readonly firstRound: Promise<void> = new Promise((r) => (this.firstRoundDone = r));

  constructor(opts: LeaseOptions) {
    this.opts = opts;
  }

  get renewMs(): number {
    return this.opts.renewMs ?? 2000;
  }

  start(): void {
    this.stopped = false;
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** The attempt before the one in flight failed (read inside onRenewed: this renewal ends a failure). */
  get lastAttemptFailed(): boolean {
    return this.lastFailed;
  }

  /** The most recent renewal attempt failed (or none was made yet) and none is in flight: the API is out of reach. */
  get cutOff(): boolean {
    return this.lastFailed && !this.inFlight;
  }

  /** Monotonic ms at which the latest successful renewal's answer arrived (undefined: none yet). */
  get lastSuccessMs(): number | undefined {
    return this.lastSuccess;
  }

  private tick(): void {
    if (this.stopped) return;
    this.inFlight = true;
    this.renew()
      .then(() => {
        this.lastFailed = false;
        this.lastSuccess = this.opts.clock.monotonic();
      })
      .catch((err: unknown) => {
        this.lastFailed = true;
        this.current = undefined;
        const now = this.opts.clock.monotonic();
        if (now - this.lastFailureLogged > 10_000) {
          this.lastFailureLogged = now;
          this.opts.log.warn({ err: String(err), node: this.opts.nodeName }, 'lease renewal failed');
        }
      })
      .finally(() => {
        this.inFlight = false;
        this.firstRoundDone();
        if (!this.stopped) this.timer = this.opts.clock.setTimeout(() => this.tick(), this.renewMs);
      });
  }

  /** One renewal round; exported for tests. */
  async renew(): Promise<void> {
    const sentAt = this.opts.clock.monotonic();
    const renewTime = microTime(this.opts.clock.now());
    const durationSeconds = this.opts.durationSeconds ?? 8;
    if (!this.current) {
      try {
        this.current = await this.opts.client.get(LEASES, LEASE_NAMESPACE, this.opts.nodeName);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
        const lease = this.fresh(renewTime, durationSeconds);
        const annotations = withAnnotations(undefined, this.opts.annotations?.());
        if (annotations) lease.metadata.annotations = annotations;
        this.current = await this.opts.client.create(LEASES, LEASE_NAMESPACE, lease);
        this.opts.onRenewed?.(sentAt);
        return;
      }
    }
    if (this.current.metadata.annotations?.[ANNOTATION_LEASE_REVOKED]) {
      // The control plane fenced this node: never renew a revoked Lease; it is deleted once the node's pods are gone.
      this.current = undefined;
      throw new LeaseRevokedError(this.opts.nodeName);
    }
    const next: KObject = structuredClone(this.current);
    const annotations = withAnnotations(next.metadata.annotations, this.opts.annotations?.());
    if (annotations) next.metadata.annotations = annotations;
    else delete next.metadata.annotations;
    next.spec = { ...(next.spec as object), holderIdentity: this.opts.nodeName, leaseDurationSeconds: durationSeconds, renewTime };
    const uid = this.opts.nodeUid();
    if (uid && !next.metadata.ownerReferences?.length) next.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: this.opts.nodeName, uid }];
    this.current = await this.opts.client.update(LEASES, next);
    this.opts.onRenewed?.(sentAt);
  }

  private fresh(renewTime: string, durationSeconds: number): KObject {
    const uid = this.opts.nodeUid();
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.opts.nodeName,
        namespace: LEASE_NAMESPACE,
        ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.opts.nodeName, uid }] } : {}),
      },
      spec: { holderIdentity: this.opts.nodeName, leaseDurationSeconds: durationSeconds, renewTime },
    };
  }
}
