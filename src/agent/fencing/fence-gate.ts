// Whether the node is fenced (DESIGN.md, Fencing), and the way out of it.
//
// The node is fenced from the moment the agent starts until it has unfenced,
// and again from its deadline on (FenceDeadline: send time of the last
// successful Lease renewal + fenceAfter). While fenced, no fenced container
// (fenced-pod.ts) is started; those that run are killed by their
// supervisors at the deadline they were last handed, on their own.
//
// Unfencing, after a successful renewal whose deadline is still ahead:
//   1. `verify()`: the node has no out-of-service taint, and a consistent
//      read of its pods (a fresh LIST, not the informer's cache) has removed
//      the pods that are gone (the agent does this);
//   2. the deadline is handed to every fenced container's supervisor (`push`);
//   3. only then the gate opens (`onChange(false)`), if the deadline is still
//      ahead: a check that outlived it leaves the node fenced.
// While unfenced, every renewal hands the supervisors the new deadline. A
// fenced node never extends a deadline before it has unfenced, so a
// restarted agent's running containers keep the one their supervisors had.
//
// `holdUntilMs` is where peer grants plug in (quorum/peer-quorum.ts: an
// agent may hold its containers past its lease deadline while it holds grants
// from a strict majority): the effective deadline is the later of the two,
// and it only ever moves an *unfenced* node's deadline — a node that fenced
// stays fenced until it unfences through a renewal, whatever grants arrive.
// It also disarms fencing (arming.ts): an infinite hold clears the
// supervisors' deadline (0) and never fences the node.

import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { FenceDeadline, type FenceDeadlineOptions } from './fence-deadline.js';

export type FenceState = 'fenced' | 'unfencing' | 'unfenced';

export interface FenceGateOptions extends FenceDeadlineOptions {
  clock: Clock;
  log: Logger;
  /** hands every fenced container's supervisor the deadline (Runtime.setFenceDeadline) */
  push(deadlineNs: bigint): Promise<void>;
  /** the checks before unfencing (no out-of-service taint, consistent read of the node's pods); false or a throw keeps the node fenced */
  verify(): Promise<boolean>;
  /** the gate closed (true) or opened (false) */
  onChange?(fenced: boolean): void;
  /**
   * Quorum hook: the monotonic time until which grants from a strict majority
   * of members let the node hold its containers past its lease deadline, or
   * undefined for none. Call `refresh()` when it moves.
   */
  holdUntilMs?(): number | undefined;
}

export class FenceGate {
  readonly deadline: FenceDeadline;
  private readonly opts: FenceGateOptions;
  private current: FenceState = 'fenced';
  private why = 'the agent has not renewed its lease since it started';
  private enabled = false;
  private stopped = false;
  private attempt: Promise<void> | undefined;
  private timer: TimerHandle | undefined;

  constructor(opts: FenceGateOptions) {
    this.opts = opts;
    this.deadline = new FenceDeadline(opts);
  }

  /** True while no fenced container may start; a passed deadline closes the gate here at the latest. */
  get fenced(): boolean {
    if (this.current === 'unfenced' && this.expired()) this.fence('its lease was not renewed before the fencing deadline');
    return this.current !== 'unfenced';
  }

  get state(): FenceState {
    void this.fenced;
    return this.current;
  }

  /** why the node is fenced (for status messages) */
  get reason(): string {
    return this.why;
  }

  /** the effective deadline: the lease's, or a later quorum hold */
  deadlineMs(): number | undefined {
    const lease = this.deadline.deadlineMs;
    const hold = this.opts.holdUntilMs?.();
    if (lease === undefined || hold === undefined) return lease ?? hold;
    return Math.max(lease, hold);
  }

  private expired(): boolean {
    const d = this.deadlineMs();
    return d === undefined || this.opts.clock.monotonic() >= d;
  }

  /** A Lease renewal sent at `sentAtMs` (monotonic) succeeded. */
  renewed(sentAtMs: number): void {
    if (this.stopped) return;
    const wasFenced = this.fenced; // a deadline that passed before this renewal landed fences first
    if (!this.deadline.renewed(sentAtMs)) return;
    if (wasFenced) void this.tryUnfence();
    else this.refresh();
  }

  /** Hands the supervisors the current deadline and re-arms the expiry timer (after a renewal; after a quorum grant). */
  refresh(): void {
    if (this.stopped || this.fenced) return;
    this.arm();
    const d = this.deadlineMs();
    if (d !== undefined) this.push(this.nsOf(d));
  }

  /** Hands the supervisors the effective deadline now, fenced or not (arming and disarming); nothing before the first renewal. */
  async handOver(): Promise<void> {
    this.refresh();
    const d = this.deadlineMs();
    if (d !== undefined) await this.opts.push(this.nsOf(d));
  }

  /** An infinite hold (fencing not armed) clears the supervisors' deadline: 0. */
  private nsOf(d: number): bigint {
    return Number.isFinite(d) ? this.deadline.nsOf(d) : 0n;
  }

  /** The agent can run the unfence checks now (its runtime and pod workers exist); resolves after the first attempt. */
  enable(): Promise<void> {
    this.enabled = true;
    return this.tryUnfence();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private tryUnfence(): Promise<void> {
    if (!this.enabled || this.stopped) return Promise.resolve();
    // A renewal during a running attempt moves the deadline that attempt checks last.
    this.attempt ??= this.unfence().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  private async unfence(): Promise<void> {
    if (this.current !== 'fenced' || this.expired()) return;
    this.current = 'unfencing';
    let ok = false;
    try {
      ok = await this.opts.verify();
    } catch (err) {
      this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'fencing: the checks before unfencing failed; the node stays fenced');
    }
    if (this.stopped || !ok || this.expired()) {
      this.current = 'fenced';
      return;
    }
    const d = this.deadlineMs()!;
    try {
      await this.opts.push(this.nsOf(d));
    } catch (err) {
      // The supervisors keep an earlier deadline: they kill sooner, never later.
      this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'fencing: handing the supervisors the deadline failed');
    }
    if (this.stopped || this.expired()) {
      this.current = 'fenced';
      return;
    }
    this.current = 'unfenced';
    this.opts.log.info({ msLeft: this.deadline.msLeft(this.opts.clock) }, 'fencing: node unfenced');
    this.opts.onChange?.(false);
    // A renewal that landed meanwhile moved the deadline past the one just pushed.
    if (this.deadlineMs() !== d) this.refresh();
    else this.arm();
  }

  private fence(why: string): void {
    this.current = 'fenced';
    this.why = why;
    this.timer?.cancel();
    this.timer = undefined;
    this.opts.log.warn({ why }, 'fencing: node fenced; stateful containers are killed by their supervisors and not started');
    this.opts.onChange?.(true);
  }

  private arm(): void {
    this.timer?.cancel();
    const d = this.deadlineMs();
    if (d === undefined || !Number.isFinite(d)) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.current !== 'unfenced') return;
      if (this.expired()) this.fence('its lease was not renewed before the fencing deadline');
      else this.arm();
    }, Math.max(0, d - this.opts.clock.monotonic()));
  }

  private push(ns: bigint): void {
    this.opts.push(ns).catch((err: unknown) => this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'fencing: handing the supervisors the deadline failed'));
  }
}
