// Per-container crash-loop backoff: the kubelet's flowcontrol.Backoff as the
// kubelet uses it (kuberuntime_manager doBackOff + kubelet.go
// HasExpiredFunc), with hale's faster defaults (1 s doubling to 60 s, ±10 %
// jitter, reset after 10 min of running).
//
// How the pod worker drives it, per exited container that its restart policy
// restarts:
//   until = backoffUntil(key, finishedAt)
//   until === undefined → next(key, finishedAt) and start the container now
//   otherwise           → CrashLoopBackOff until `until`, then look again
// So the first exit restarts at once (no entry yet), and each later exit waits
// initial, 2×initial, … capped at max.
//
// Invariants:
// - an entry's nominal step is initialMs · 2^n capped at maxMs; jitter is
//   drawn per restart around the nominal step and never compounds, so the
//   long-run schedule stays initial, 2×, 4×, …, max, each ±jitter;
// - an entry expires when the container ran longer than resetAfterMs from
//   its last (re)start to its exit (measured to the exit, not to now), and
//   is then treated as absent: restart at once, next step back to initial;
// - times are wall-clock milliseconds from the injected clock (the runtime's
//   finishedAt is a wall time), as the kubelet compares against time.Now().

import type { Clock } from '../clock/clock.js';

export interface CrashBackoffOptions {
  /** first backoff step; default 1000 ms */
  initialMs?: number;
  /** cap on the nominal step; default 60 000 ms. Below initialMs it lowers initialMs (kubelet's rule). */
  maxMs?: number;
  /** ± fraction applied to each step; default 0.1; 0 disables jitter */
  jitter?: number;
  /** an entry expires when the container ran longer than this since its last restart; default 600 000 ms */
  resetAfterMs?: number;
  clock: Clock;
  /** uniform in [0, 1); default Math.random. Tests pass a seeded generator. */
  random?: () => number;
}

export interface ResolvedCrashBackoffOptions {
  initialMs: number;
  maxMs: number;
  jitter: number;
  resetAfterMs: number;
  clock: Clock;
  random: () => number;
}

export class CrashBackoffOptionsError extends Error {
  constructor(
    readonly field: string,
    readonly value: number,
    reason: string,
  ) {
    super(`crash backoff: ${field}=${value} ${reason}`);
    this.name = 'CrashBackoffOptionsError';
  }
}

export function resolveCrashBackoffOptions(o: CrashBackoffOptions): ResolvedCrashBackoffOptions {
  const maxMs = o.maxMs ?? 60_000;
  const initialMs = Math.min(o.initialMs ?? 1000, maxMs);
  const jitter = o.jitter ?? 0.1;
  const resetAfterMs = o.resetAfterMs ?? 600_000;
  if (!(maxMs > 0) || !Number.isFinite(maxMs)) throw new CrashBackoffOptionsError('maxMs', maxMs, 'must be a positive number');
  if (!(initialMs > 0) || !Number.isFinite(initialMs)) throw new CrashBackoffOptionsError('initialMs', initialMs, 'must be a positive number');
  if (!(jitter >= 0 && jitter < 1)) throw new CrashBackoffOptionsError('jitter', jitter, 'must be in [0, 1)');
  if (!(resetAfterMs > 0)) throw new CrashBackoffOptionsError('resetAfterMs', resetAfterMs, 'must be a positive number');
  return { initialMs, maxMs, jitter, resetAfterMs, clock: o.clock, random: o.random ?? Math.random };
}

interface Entry {
  /** nominal step (no jitter): initial · 2^n, capped at max */
  stepMs: number;
  /** the step with this restart's jitter: how long an exit after this restart waits */
  delayMs: number;
  /** wall ms of the restart that created or advanced this entry (the kubelet's lastUpdate) */
  lastUpdateMs: number;
}

export class CrashBackoff {
  private readonly o: ResolvedCrashBackoffOptions;
  private readonly entries = new Map<string, Entry>();

  constructor(options: CrashBackoffOptions) {
    this.o = resolveCrashBackoffOptions(options);
  }

  /**
   * When the container whose last instance finished at `finishedAtMs` may
   * restart, or undefined if it may restart now (no entry, expired entry, or
   * the delay has passed). The kubelet's IsInBackOffSince, returning the time.
   */
  backoffUntil(key: string, finishedAtMs: number): number | undefined {
    const e = this.live(key, finishedAtMs);
    if (!e) return undefined;
    const until = finishedAtMs + e.delayMs;
    return this.o.clock.now() < until ? until : undefined;
  }

  /** Records a restart: a new or expired entry starts at initialMs, else the step doubles up to maxMs. */
  next(key: string, finishedAtMs: number): void {
    const e = this.live(key, finishedAtMs);
    const stepMs = e ? Math.min(e.stepMs * 2, this.o.maxMs) : this.o.initialMs;
    this.entries.set(key, { stepMs, delayMs: this.jittered(stepMs), lastUpdateMs: this.o.clock.now() });
  }

  /** The wait the current entry imposes (jitter included), for the CrashLoopBackOff message; undefined without an entry. */
  delayFor(key: string): number | undefined {
    return this.entries.get(key)?.delayMs;
  }

  /** Forgets one key (the container or pod is gone). */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops entries whose last restart is older than resetAfterMs: they would count as expired anyway. */
  gc(): void {
    const now = this.o.clock.now();
    for (const [key, e] of this.entries) if (now - e.lastUpdateMs > this.o.resetAfterMs) this.entries.delete(key);
  }

  /** Number of entries held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string, eventMs: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    return eventMs - e.lastUpdateMs > this.o.resetAfterMs ? undefined : e;
  }

  private jittered(stepMs: number): number {
    if (this.o.jitter === 0) return stepMs;
    const factor = 1 + this.o.jitter * (2 * this.o.random() - 1);
    return Math.max(1, Math.round(stepMs * factor));
  }
}
