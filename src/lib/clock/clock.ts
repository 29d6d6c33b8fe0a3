// Clock: every piece of hale that reads time or sleeps takes one of these, so
// tests can run healing logic on a fake clock in milliseconds.

export interface Clock {
  /** wall-clock milliseconds since the epoch */
  now(): number;
  /** monotonic milliseconds (never jumps back); use for durations and deadlines */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export interface TimerHandle {
  cancel(): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** A clock that moves only when told to. Timers fire in due order during `advance`. */
export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;
  private seq = 0;
  private timers = new Map<number, { due: number; fn: () => void }>();

  constructor(startWallMs = Date.UTC(2026, 0, 1)) {
    this.wall = startWallMs;
  }

  now(): number {
    return this.wall + this.mono;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { due: this.mono + Math.max(0, ms), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** Move time forward by `ms`, firing every timer that comes due, in order. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].due <= end && (!next || e[1].due < next[1].due)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.mono = next[1].due;
      next[1].fn();
    }
    this.mono = end;
  }
}
