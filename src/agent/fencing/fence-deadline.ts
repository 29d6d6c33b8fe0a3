// The node's fencing deadline (DESIGN.md, Fencing): the send time of its
// last successful Lease renewal plus `fenceAfter`, on the agent's monotonic
// clock. The send time, never the arrival time: a renewal that took long to
// land bought no more time than one that landed at once, because the control
// plane may have timed the node from before it was sent.
//
// Invariants: the deadline only moves forward (an older send time never
// shortens or extends it); before the first renewal there is no deadline,
// which counts as expired.
//
// Supervisors take the deadline as absolute CLOCK_MONOTONIC nanoseconds,
// while the agent's clock (realClock.monotonic = performance.now()) counts
// milliseconds from the process's time origin: `performanceToMonotonicNs`
// converts, erring early by the few nanoseconds between its two samples.

import type { Clock } from '../../lib/clock/clock.js';

export const DEFAULT_FENCE_AFTER_MS = 8000;

let offsetNs: bigint | undefined;

/**
 * realClock's monotonic milliseconds → absolute CLOCK_MONOTONIC nanoseconds.
 * Both count from the same clock on Linux (libuv's hrtime is CLOCK_MONOTONIC
 * and performance.now() is derived from it). The offset is sampled once,
 * hrtime first: performance.now() read after it is a little larger, so the
 * offset is a little smaller than the true one and every converted deadline
 * a little earlier than exact: never later.
 */
export function performanceToMonotonicNs(ms: number): bigint {
  if (offsetNs === undefined) {
    const hr = process.hrtime.bigint();
    const perf = performance.now();
    offsetNs = hr - BigInt(Math.ceil(perf * 1e6));
  }
  return offsetNs + BigInt(Math.floor(ms * 1e6));
}

export interface FenceDeadlineOptions {
  /** how long after a renewal's send time the node fences itself; default 8000 */
  fenceAfterMs?: number;
  /** the clock's monotonic ms → CLOCK_MONOTONIC ns; default performanceToMonotonicNs (realClock's) */
  toMonotonicNs?: (ms: number) => bigint;
}

export class FenceDeadline {
  readonly fenceAfterMs: number;
  private readonly toNs: (ms: number) => bigint;
  private sentAtMs: number | undefined;

  constructor(opts: FenceDeadlineOptions = {}) {
    const after = opts.fenceAfterMs ?? DEFAULT_FENCE_AFTER_MS;
    if (!Number.isFinite(after) || after <= 0) throw new Error(`fenceAfterMs ${after}: expected a positive number`);
    this.fenceAfterMs = after;
    this.toNs = opts.toMonotonicNs ?? performanceToMonotonicNs;
  }

  /** A renewal sent at `sentAtMs` succeeded; true when it moved the deadline. */
  renewed(sentAtMs: number): boolean {
    if (this.sentAtMs !== undefined && sentAtMs <= this.sentAtMs) return false;
    this.sentAtMs = sentAtMs;
    return true;
  }

  /** the deadline on the agent's monotonic clock; undefined before the first renewal */
  get deadlineMs(): number | undefined {
    return this.sentAtMs === undefined ? undefined : this.sentAtMs + this.fenceAfterMs;
  }

  /** the deadline as the supervisors take it */
  get deadlineNs(): bigint | undefined {
    const d = this.deadlineMs;
    return d === undefined ? undefined : this.toNs(d);
  }

  /** any time on the agent's monotonic clock as the supervisors take it */
  nsOf(ms: number): bigint {
    return this.toNs(ms);
  }

  /** true before the first renewal and from the deadline on */
  expired(nowMs: number): boolean {
    const d = this.deadlineMs;
    return d === undefined || nowMs >= d;
  }

  /** milliseconds until the deadline (0 when expired) */
  msLeft(clock: Clock): number {
    const d = this.deadlineMs;
    return d === undefined ? 0 : Math.max(0, d - clock.monotonic());
  }
}
