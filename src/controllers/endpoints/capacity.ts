// The Endpoints size cap (endpoints_controller.go truncateEndpoints): an
// Endpoints object holds at most 1000 addresses; beyond that it is truncated
// and annotated endpoints.kubernetes.io/over-capacity: truncated.
//
// Ready addresses are kept before not-ready ones; within the kind being cut,
// each subset keeps a share proportional to its size, rounded up, so the last
// subsets may get fewer. (EndpointSlices have no such cap.)

import { addressCount, type EndpointSubset } from './subsets.js';

export const MAX_CAPACITY = 1000;
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const TRUNCATED = 'truncated';

/** Truncates `subsets` in place to MAX_CAPACITY addresses; true when it had to. */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += (s.addresses ?? []).length;
    totalNotReady += (s.notReadyAddresses ?? []).length;
  }
  if (totalReady + totalNotReady <= MAX_CAPACITY) return false;
  const truncateReady = totalReady > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = truncateReady ? (s.addresses ?? []).length : (s.notReadyAddresses ?? []).length;
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

/** capacityAnnotationSetCorrectly: under the cap and not annotated (anything else needs a write). */
export function capacityAnnotationCorrect(annotations: Record<string, string> | undefined, subsets: readonly EndpointSubset[] | undefined): boolean {
  if (addressCount(subsets) > MAX_CAPACITY) return false;
  return !(annotations && ANNOTATION_OVER_CAPACITY in annotations);
}
