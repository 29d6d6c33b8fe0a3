// One worker per (container instance, probe kind): the kubelet's prober
// worker (pkg/kubelet/prober/worker.go) on an injected clock.
//
// - Initial state as the kubelet's: readiness `failure`, liveness `success`,
//   startup `unknown`. It changes only when a run of consecutive identical
//   results reaches successThreshold / failureThreshold, and `onResult` is
//   called only on a change (the kubelet's results manager);
// - the first attempt is due initialDelaySeconds after the container started,
//   then one every periodSeconds on a fixed cadence (a ticker, not a delay
//   after each attempt);
// - attempts never overlap: a tick that comes while one runs is remembered
//   (at most one) and run when it ends, as a Go ticker's buffered tick;
// - every failed attempt calls `onFailureOutput` (the agent records Warning
//   Unhealthy per attempt); an `unknown` attempt (the probe could not run)
//   calls `onError` and is not counted; a success with a warning calls
//   `onWarning` and counts as success;
// - a held worker (liveness/readiness of a container with a startup probe)
//   ticks but does not probe until `setStartupDone()`; readiness then probes
//   at once (the kubelet's manual trigger), liveness at its next tick;
// - a liveness or startup worker that reached `failure`, and a startup worker
//   that reached `success`, stop: the container is restarted with new
//   workers, or is started for good. `stop()` cancels the timer; a result
//   arriving after stop is dropped.

import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Probe } from '../pods/pod-types.js';
import type { ProbeKind, ProbeResult } from './probe-result.js';
import { resolveProbe, type ResolvedProbe } from './probe-spec.js';

export type ProbeState = 'success' | 'failure' | 'unknown';

export interface ProbeWorkerOptions {
  kind: ProbeKind;
  /** the container's probe spec; API defaults are applied where missing */
  probe: Probe;
  clock: Clock;
  /** one attempt; a rejection counts as `unknown` */
  run: () => Promise<ProbeResult>;
  /** the thresholded state changed */
  onResult(result: 'success' | 'failure', output: string): void;
  /** each failed attempt, threshold or not */
  onFailureOutput?(output: string): void;
  /** each attempt that could not run (not counted) */
  onError?(output: string): void;
  /** each successful attempt with a warning (a redirect not followed) */
  onWarning?(output: string): void;
  /** wall ms when the container started; default: clock.now() at start() */
  startedAtMs?: number;
  /** do not probe until setStartupDone() */
  held?: boolean;
  /** an exception thrown by one of the callbacks; default: rethrown outside the worker so it is not lost */
  onCallbackError?(err: unknown): void;
}

function initialState(kind: ProbeKind): ProbeState {
  switch (kind) {
    case 'readiness':
      return 'failure';
    case 'liveness':
      return 'success';
    case 'startup':
      return 'unknown';
  }
}

export class ProbeWorker {
  readonly kind: ProbeKind;
  readonly probe: ResolvedProbe;
  private readonly o: ProbeWorkerOptions;
  private state: ProbeState;
  private lastResult: 'success' | 'failure' | undefined;
  private resultRun = 0;
  private held: boolean;
  private started = false;
  private stopped = false;
  private inFlight = false;
  private pendingTick = false;
  private timer: TimerHandle | undefined;
  /** monotonic ms of the first due attempt (container start + initial delay) */
  private firstDue = 0;
  /** monotonic ms of the next tick */
  private nextDue = 0;
  private attempts = 0;

  constructor(options: ProbeWorkerOptions) {
    this.o = options;
    this.kind = options.kind;
    this.probe = resolveProbe(options.kind, options.probe);
    this.state = initialState(options.kind);
    this.held = !!options.held;
  }

  /** The thresholded result. */
  get result(): ProbeState {
    return this.state;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Attempts begun so far (tests, metrics). */
  get attemptCount(): number {
    return this.attempts;
  }

  /** The probe-level grace period for the kill that follows a liveness/startup failure; undefined: use the pod's. */
  get terminationGracePeriodSeconds(): number | undefined {
    return this.probe.terminationGracePeriodSeconds;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const clock = this.o.clock;
    const startedAt = this.o.startedAtMs ?? clock.now();
    const dueIn = Math.max(0, startedAt + this.probe.initialDelaySeconds * 1000 - clock.now());
    this.firstDue = clock.monotonic() + dueIn;
    this.nextDue = this.firstDue;
    this.schedule();
  }

  /** The startup probe succeeded (or there is none): liveness and readiness may probe. */
  setStartupDone(): void {
    if (!this.held) return;
    this.held = false;
    // The kubelet triggers readiness at once when a container turns started, so a
    // ready app does not wait a whole period to receive traffic.
    if (this.kind === 'readiness' && this.started && this.o.clock.monotonic() >= this.firstDue) this.trigger();
  }

  stop(): void {
    this.stopped = true;
    this.pendingTick = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => this.tick(), Math.max(0, this.nextDue - this.o.clock.monotonic()));
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const period = this.probe.periodSeconds * 1000;
    const now = this.o.clock.monotonic();
    this.nextDue += period;
    // Behind by more than a period (a stalled event loop): skip the missed ticks, keep the phase.
    if (this.nextDue <= now) this.nextDue += (Math.floor((now - this.nextDue) / period) + 1) * period;
    this.schedule();
    this.trigger();
  }

  private trigger(): void {
    if (this.stopped || this.held) return;
    if (this.inFlight) {
      this.pendingTick = true;
      return;
    }
    this.attempt().catch((err: unknown) => this.callbackFailed(err));
  }

  private async attempt(): Promise<void> {
    this.inFlight = true;
    this.attempts++;
    let r: ProbeResult;
    try {
      r = await this.o.run();
    } catch (err) {
      r = { result: 'unknown', output: err instanceof Error ? err.message : String(err) };
    }
    this.inFlight = false;
    if (this.stopped) return;
    try {
      this.record(r);
    } finally {
      if (this.pendingTick && !this.stopped) {
        this.pendingTick = false;
        this.trigger();
      }
    }
  }

  private record(r: ProbeResult): void {
    switch (r.result) {
      case 'unknown':
        // The kubelet throws an errored attempt away: it neither fails nor heals the container.
        this.o.onError?.(r.output);
        return;
      case 'failure':
        this.o.onFailureOutput?.(r.output);
        break;
      case 'success':
        if (r.warning) this.o.onWarning?.(r.output);
        break;
    }
    if (this.lastResult === r.result) this.resultRun++;
    else {
      this.lastResult = r.result;
      this.resultRun = 1;
    }
    const threshold = r.result === 'failure' ? this.probe.failureThreshold : this.probe.successThreshold;
    if (this.resultRun < threshold) return;
    const changed = this.state !== r.result;
    this.state = r.result;
    // Liveness/startup failure: the container is killed; the next instance gets new workers.
    // Startup success: nothing left to decide for this instance.
    if ((r.result === 'failure' && this.kind !== 'readiness') || (r.result === 'success' && this.kind === 'startup')) this.stop();
    if (changed) this.o.onResult(r.result, r.output);
  }

  private callbackFailed(err: unknown): void {
    if (this.o.onCallbackError) this.o.onCallbackError(err);
    else
      queueMicrotask(() => {
        throw err;
      });
  }
}
