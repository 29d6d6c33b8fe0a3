// A token bucket on the injected clock (client-go's flowcontrol token bucket):
// `burst` tokens at most (full at the start), `qps` tokens a second. The node
// lifecycle controller's zone limiters use burst 1; the event spam filter 25.
// A rate of 0 stops the bucket: nothing is ever taken until the rate rises.

import type { Clock } from '../clock/clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private qps: number,
    private readonly burst = 1,
  ) {
    this.tokens = burst;
    this.last = clock.monotonic();
  }

  get rate(): number {
    return this.qps;
  }

  /** A new rate is a new bucket (SwapLimiter): full at a positive rate, empty at 0. */
  setRate(qps: number): void {
    if (qps === this.qps) return;
    this.qps = qps;
    this.tokens = qps > 0 ? this.burst : 0;
    this.last = this.clock.monotonic();
  }

  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (Infinity when stopped). */
  msUntilNext(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    if (this.qps <= 0) return Infinity;
    return Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }

  private refill(): void {
    const now = this.clock.monotonic();
    if (this.qps > 0) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}
