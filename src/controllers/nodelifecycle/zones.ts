// Zone states for the eviction circuit breakers (ComputeZoneState in
// Kubernetes' node lifecycle controller):
//
// - FullDisruption: no node of the zone is ready and at least one is not;
// - PartialDisruption: more than 2 nodes are not ready and they are at least
//   `unhealthyThreshold` (0.55) of the zone;
// - Normal otherwise.
//
// Nodes labelled `node.kubernetes.io/exclude-disruption` do not count. The
// zone key joins region and zone as Kubernetes' GetZoneKey does, so nodes
// without either label share the zone "".

import type { KObject } from '../../api/object.js';

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

export function zoneKey(node: KObject): string {
  const l = node.metadata.labels ?? {};
  const region = l[LABEL_REGION] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l[LABEL_ZONE] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

export function excludedFromDisruption(node: KObject): boolean {
  return LABEL_EXCLUDE_DISRUPTION in (node.metadata.labels ?? {});
}

export function computeZoneState(ready: number, notReady: number, unhealthyThreshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (ready + notReady) >= unhealthyThreshold) return 'PartialDisruption';
  return 'Normal';
}

export interface EvictionRates {
  evictionRate: number;
  secondaryEvictionRate: number;
  largeClusterThreshold: number;
}

/** The tainting rate of a zone in `state` with `size` nodes (setLimiterInZone). */
export function zoneRate(state: ZoneState, size: number, r: EvictionRates): number {
  switch (state) {
    case 'Normal':
    case 'FullDisruption':
      return r.evictionRate;
    case 'PartialDisruption':
      return size > r.largeClusterThreshold ? r.secondaryEvictionRate : 0;
  }
}
