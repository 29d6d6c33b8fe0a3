// maxSurge and maxUnavailable as numbers of pods (deploymentutil's
// ResolveFenceposts, MaxSurge, MaxUnavailable): an int is taken as is, a
// percentage of spec.replicas is rounded up for surge and down for
// unavailable, and when both resolve to 0 unavailable becomes 1 (validation
// refuses 0/0 as written, but 25% of 1 rounds down to 0). Recreate has
// neither: both are 0.

import { scaledValueOrZero } from '../../machinery/intstr.js';
import { specOf, type Deployment } from './types.js';

export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValueOrZero(maxSurge ?? 0, desired, true);
  let unavailable = scaledValueOrZero(maxUnavailable ?? 0, desired, false);
  // Both 0 would never make progress; one unavailable pod is the safer choice (surge may be blocked by quota).
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function isRollingUpdate(d: Deployment): boolean {
  return (specOf(d).strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function desiredReplicas(d: Deployment): number {
  return specOf(d).replicas ?? 1;
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = specOf(d).strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d)).surge;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = specOf(d).strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas).unavailable, replicas);
}
