// "Since when has this been true?" per key, timed on the control plane's own
// monotonic clock from the moment the autoscaler itself first saw it — never
// from a timestamp another machine wrote — as the node lifecycle controller
// times nodes. A restarted autoscaler starts every clock again, which only
// ever delays an action.

export class SinceTracker {
  private readonly since = new Map<string, number>();

  /** Records that `key` holds now (keeps the first moment); returns how long it has held. */
  hold(key: string, nowMono: number): number {
    const first = this.since.get(key);
    if (first === undefined) {
      this.since.set(key, nowMono);
      return 0;
    }
    return nowMono - first;
  }

  /** How long `key` has held, or undefined when it does not. */
  heldFor(key: string, nowMono: number): number | undefined {
    const first = this.since.get(key);
    return first === undefined ? undefined : nowMono - first;
  }

  clear(key: string): void {
    this.since.delete(key);
  }

  /** Forgets every key not in `keep` (called once per pass with what still holds). */
  retain(keep: ReadonlySet<string>): void {
    for (const k of this.since.keys()) if (!keep.has(k)) this.since.delete(k);
  }

  /** ms until the earliest of `keys` has held `forMs`, or undefined when none is tracked. */
  dueIn(keys: Iterable<string>, forMs: number, nowMono: number): number | undefined {
    let best: number | undefined;
    for (const k of keys) {
      const first = this.since.get(k);
      if (first === undefined) continue;
      const left = Math.max(0, first + forMs - nowMono);
      best = best === undefined ? left : Math.min(best, left);
    }
    return best;
  }
}
