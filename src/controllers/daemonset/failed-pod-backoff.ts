// The per-node backoff for deleting failed daemon pods (kube-controller-
// manager's `flowcontrol.NewBackOff(1s, 15min)` for the DaemonSet
// controller): a kubelet that keeps rejecting a daemon pod must not make the
// controller delete and recreate it in a hot loop.
//
// Semantics kept from flowcontrol.Backoff (no jitter):
// - `inBackoffSinceUpdate(key, now)`: an entry exists and less than its
//   current delay has passed since it was last advanced;
// - `next(key, now)`: a new entry — or one idle for more than 2 × max —
//   starts at the initial delay; otherwise the delay doubles, capped at max;
// - `gc(now)` drops entries idle for more than 2 × max.
// Times are monotonic milliseconds from the injected clock.

export const FAILED_POD_BACKOFF_INITIAL_MS = 1000;
export const FAILED_POD_BACKOFF_MAX_MS = 15 * 60_000;

interface Entry {
  delayMs: number;
  lastUpdateMs: number;
}

export class FailedPodBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly initialMs = FAILED_POD_BACKOFF_INITIAL_MS,
    readonly maxMs = FAILED_POD_BACKOFF_MAX_MS,
  ) {}

  /** The current delay of `key` (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  inBackoffSinceUpdate(key: string, nowMs: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, nowMs)) return false;
    return nowMs - e.lastUpdateMs < e.delayMs;
  }

  next(key: string, nowMs: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, nowMs)) this.entries.set(key, { delayMs: this.initialMs, lastUpdateMs: nowMs });
    else this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, this.maxMs), lastUpdateMs: nowMs });
  }

  gc(nowMs: number): void {
    for (const [k, e] of this.entries) if (this.expired(e, nowMs)) this.entries.delete(k);
  }

  private expired(e: Entry, nowMs: number): boolean {
    return nowMs - e.lastUpdateMs > 2 * this.maxMs;
  }
}
