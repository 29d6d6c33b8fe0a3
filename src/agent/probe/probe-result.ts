// What one probe attempt returns, and the kubelet's texts built from it
// (1.32: pkg/kubelet/prober/prober.go, prober_manager.go probeType.String,
// pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions /
// computeInitContainerActions, pkg/kubelet/events/event.go).
//
// Result meanings, as the kubelet's prober treats them:
// - success: the handler succeeded; `warning` marks kubelet's probe.Warning
//   (an HTTP redirect not followed): counted as success, plus a ProbeWarning
//   event;
// - failure: counted toward failureThreshold; one Unhealthy event per attempt;
// - unknown: the probe could not be run at all (kubelet: a non-nil error, e.g.
//   an unknown named port or a runtime exec error). The attempt is not
//   counted either way; an Unhealthy "… probe errored: …" event is recorded.

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeResult {
  result: 'success' | 'failure' | 'unknown';
  output: string;
  /** success that the kubelet reports as probe.Warning (a redirect it did not follow) */
  warning?: boolean;
}

/** probeType.String(): "Liveness" | "Readiness" | "Startup" */
export function probeKindName(kind: ProbeKind): string {
  switch (kind) {
    case 'liveness':
      return 'Liveness';
    case 'readiness':
      return 'Readiness';
    case 'startup':
      return 'Startup';
  }
}

/** Event reasons (pkg/kubelet/events). */
export const UNHEALTHY_REASON = 'Unhealthy';
export const PROBE_WARNING_REASON = 'ProbeWarning';
export const KILLING_REASON = 'Killing';

/** Warning Unhealthy, each failed attempt: "Liveness probe failed: HTTP probe failed with statuscode: 500" */
export function probeFailedMessage(kind: ProbeKind, output: string): string {
  return `${probeKindName(kind)} probe failed: ${output}`;
}

/** Warning Unhealthy, each attempt that could not run (1.32 text; 1.33+ says "errored and resulted in unknown state: …"). */
export function probeErroredMessage(kind: ProbeKind, error: string): string {
  return `${probeKindName(kind)} probe errored: ${error}`;
}

/** Warning ProbeWarning: "Readiness probe warning: Probe terminated redirects, Response body: …" */
export function probeWarningMessage(kind: ProbeKind, output: string): string {
  return `${probeKindName(kind)} probe warning: ${output}`;
}

export interface KillingMessageOptions {
  /** the container will be started again (restart policy is not Never); adds ", will be restarted" */
  restart: boolean;
  /** a restartable init container (sidecar): "Init container c failed … probe", never with the suffix */
  sidecar?: boolean;
}

/**
 * Normal Killing after a liveness or startup failure:
 * "Container c failed liveness probe, will be restarted",
 * "Container c failed startup probe, will be restarted",
 * "Container c failed liveness probe" (restartPolicy Never),
 * "Init container c failed startup probe" (sidecar).
 */
export function killingMessage(container: string, kind: 'liveness' | 'startup', o: KillingMessageOptions): string {
  if (o.sidecar) return `Init container ${container} failed ${kind} probe`;
  const base = `Container ${container} failed ${kind} probe`;
  return o.restart ? `${base}, will be restarted` : base;
}
