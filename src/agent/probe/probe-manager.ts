// The probes of one container instance: a worker per probe the container
// declares, combined into what the pod worker needs (the kubelet's
// prober_manager UpdatePodStatus and computePodActions, per container).
//
// - started = the startup probe succeeded, or there is none;
// - ready = started && the readiness probe's result is success (no readiness
//   probe: ready once started) && the container is not being killed;
// - liveness and readiness are held until started;
// - a liveness failure, or a startup failure, is fatal for this instance:
//   every worker stops, `ready` drops at once (so the endpoint leaves
//   Services before the kill, not after the grace period), and
//   `onLivenessFailure` is called once with the Killing message and the
//   probe-level grace period; the agent kills, and a restarted container gets
//   a new manager;
// - `onChange` is called whenever (ready, started) changes, never for the
//   initial value (read `ready` / `started` after constructing);
// - `onUnhealthy` is called for every failed or errored attempt with the
//   Warning Unhealthy message; `onProbeWarning` for ProbeWarning.
// Constructing starts nothing; `start()` arms the timers, `stop()` cancels them.

import type { Clock } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import type { Container, Probe } from '../pods/pod-types.js';
import { ProbeWorker } from './probe-worker.js';
import {
  killingMessage,
  probeErroredMessage,
  probeFailedMessage,
  probeWarningMessage,
  type ProbeKind,
  type ProbeResult,
} from './probe-result.js';

export interface ProbeStatus {
  ready: boolean;
  started: boolean;
}

export interface LivenessFailure {
  kind: 'liveness' | 'startup';
  /** the failed attempt's output */
  output: string;
  /** probe-level terminationGracePeriodSeconds; undefined: use the pod's */
  gracePeriodSeconds: number | undefined;
  /** the Normal Killing event text, e.g. "Container app failed liveness probe, will be restarted" */
  message: string;
}

export interface ProbeManagerOptions {
  container: Pick<Container, 'name' | 'startupProbe' | 'livenessProbe' | 'readinessProbe'>;
  clock: Clock;
  /** runs one attempt of a probe of this container instance (see runProbe in run-probe.ts) */
  runProbe(kind: ProbeKind, probe: Probe): Promise<ProbeResult>;
  /** wall ms when the container started; default: clock.now() at start() */
  startedAtMs?: number;
  /** the container is started again after a kill (restart policy is not Never); default true. Only shapes the Killing text. */
  restart?: boolean;
  /** a restartable init container (sidecar); only shapes the Killing text */
  sidecar?: boolean;
  onChange?(status: ProbeStatus): void;
  onLivenessFailure?(failure: LivenessFailure): void;
  /** Warning Unhealthy: `message` is the whole event text ("Liveness probe failed: …" / "… probe errored: …") */
  onUnhealthy?(kind: ProbeKind, output: string, message: string): void;
  /** Warning ProbeWarning: "Readiness probe warning: Probe terminated redirects, Response body: …" */
  onProbeWarning?(kind: ProbeKind, output: string, message: string): void;
  /** where exceptions thrown by the callbacks above are reported */
  log?: Logger;
}

export class ProbeManager {
  private readonly o: ProbeManagerOptions;
  private readonly workers = new Map<ProbeKind, ProbeWorker>();
  private killed: LivenessFailure | undefined;
  private last: ProbeStatus;

  constructor(options: ProbeManagerOptions) {
    this.o = options;
    const c = options.container;
    const held = !!c.startupProbe;
    const specs: [ProbeKind, Probe | undefined][] = [
      ['startup', c.startupProbe],
      ['liveness', c.livenessProbe],
      ['readiness', c.readinessProbe],
    ];
    for (const [kind, probe] of specs) {
      if (!probe) continue;
      this.workers.set(
        kind,
        new ProbeWorker({
          kind,
          probe,
          clock: options.clock,
          run: () => options.runProbe(kind, probe),
          ...(options.startedAtMs !== undefined ? { startedAtMs: options.startedAtMs } : {}),
          held: kind !== 'startup' && held,
          onResult: (result, output) => this.onResult(kind, result, output),
          onFailureOutput: (output) => options.onUnhealthy?.(kind, output, probeFailedMessage(kind, output)),
          onError: (output) => options.onUnhealthy?.(kind, output, probeErroredMessage(kind, output)),
          onWarning: (output) => options.onProbeWarning?.(kind, output, probeWarningMessage(kind, output)),
          onCallbackError: (err) => this.callbackFailed(kind, err),
        }),
      );
    }
    this.last = this.status();
  }

  get started(): boolean {
    const s = this.workers.get('startup');
    return !s || s.result === 'success';
  }

  get ready(): boolean {
    if (this.killed || !this.started) return false;
    const r = this.workers.get('readiness');
    return !r || r.result === 'success';
  }

  /** The fatal probe failure of this instance, once there was one. */
  get failure(): LivenessFailure | undefined {
    return this.killed;
  }

  /** The worker of one kind (tests, introspection). */
  worker(kind: ProbeKind): ProbeWorker | undefined {
    return this.workers.get(kind);
  }

  start(): void {
    for (const w of this.workers.values()) w.start();
  }

  stop(): void {
    for (const w of this.workers.values()) w.stop();
  }

  private status(): ProbeStatus {
    return { ready: this.ready, started: this.started };
  }

  private onResult(kind: ProbeKind, result: 'success' | 'failure', output: string): void {
    if (this.killed) return;
    if (kind === 'startup' && result === 'success') {
      for (const w of this.workers.values()) w.setStartupDone();
    }
    if (result === 'failure' && (kind === 'liveness' || kind === 'startup')) {
      this.stop();
      this.killed = {
        kind,
        output,
        gracePeriodSeconds: this.workers.get(kind)?.terminationGracePeriodSeconds,
        message: killingMessage(this.o.container.name, kind, { restart: this.o.restart ?? true, sidecar: !!this.o.sidecar }),
      };
      this.emitChange();
      this.o.onLivenessFailure?.(this.killed);
      return;
    }
    this.emitChange();
  }

  private emitChange(): void {
    const now = this.status();
    if (now.ready === this.last.ready && now.started === this.last.started) return;
    this.last = now;
    this.o.onChange?.(now);
  }

  private callbackFailed(kind: ProbeKind, err: unknown): void {
    if (this.o.log) {
      this.o.log.error({ container: this.o.container.name, probe: kind, err: err instanceof Error ? err.message : String(err) }, 'probe callback failed');
      return;
    }
    queueMicrotask(() => {
      throw err;
    });
  }
}
