// A Probe spec with the API defaults applied (core/v1 SetDefaults_Probe: a
// zero or missing field takes its default), so workers never branch on
// undefined. Objects from the API server are already defaulted; this guards
// objects built in code and tests.
//
// Invariants of a ResolvedProbe: periodSeconds, timeoutSeconds,
// successThreshold, failureThreshold ≥ 1; initialDelaySeconds ≥ 0;
// successThreshold is 1 for liveness and startup (validation requires it; a
// higher value there would only delay a restart decision that cannot be
// undone); terminationGracePeriodSeconds only on liveness and startup.

import type { Probe } from '../pods/pod-types.js';
import type { ProbeKind } from './probe-result.js';

export interface ResolvedProbe {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  terminationGracePeriodSeconds: number | undefined;
  /** the spec as given: its handler (exec, httpGet, tcpSocket, grpc) */
  spec: Probe;
}

function positive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v >= 1 ? Math.floor(v) : dflt;
}

export function resolveProbe(kind: ProbeKind, p: Probe): ResolvedProbe {
  return {
    initialDelaySeconds: p.initialDelaySeconds !== undefined && p.initialDelaySeconds > 0 ? p.initialDelaySeconds : 0,
    periodSeconds: positive(p.periodSeconds, 10),
    timeoutSeconds: positive(p.timeoutSeconds, 1),
    successThreshold: kind === 'readiness' ? positive(p.successThreshold, 1) : 1,
    failureThreshold: positive(p.failureThreshold, 3),
    terminationGracePeriodSeconds: kind === 'readiness' ? undefined : p.terminationGracePeriodSeconds,
    spec: p,
  };
}
