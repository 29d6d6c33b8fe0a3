// One EndpointSlice endpoint (discovery.k8s.io/v1 Endpoint) and the pod it
// comes from (podToEndpoint), with the identity the reconciler uses to find
// it again in an existing slice.
//
// Conditions are exactly Kubernetes':
//   serving     = the pod's Ready condition is True
//   terminating = the pod has a deletionTimestamp
//   ready       = publishNotReadyAddresses || (serving && !terminating)
// Identity (endpointHash) is addresses + hostname + target pod namespace/name
// only, so a readiness or node change updates the endpoint in place, in the
// slice that already holds it.

import type { KObject } from '../../api/object.js';
import { isPodReady } from '../../controller/pod-state.js';
import { isIPv6, podIPs, podSpecOf, shouldSetHostname } from '../../controller/endpoints/pod-endpoint.js';
import { serviceSpec } from '../../controller/endpoints/service.js';

export type AddressType = 'IPv4' | 'IPv6';

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface ObjectRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectRef;
  nodeName?: string;
  zone?: string;
  hints?: unknown;
}

export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** podToEndpoint; `node` is the pod's Node from the cache (its zone label), if known. */
export function podToEndpoint(pod: KObject, node: KObject | undefined, svc: KObject, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = serviceSpec(svc).publishNotReadyAddresses === true || (serving && !terminating);
  const ep: Endpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = podSpecOf(pod).hostname ?? '';
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
  const nodeName = podSpecOf(pod).nodeName;
  if (nodeName) ep.nodeName = nodeName;
  const zone = node?.metadata.labels?.[LABEL_ZONE];
  if (zone) ep.zone = zone;
  return ep;
}

/** hashEndpoint: what makes two endpoints "the same endpoint". */
export function endpointHash(ep: Endpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** EndpointsEqualBeyondHash: node, zone, conditions and target (its resourceVersion ignored). */
export function endpointsEqualBeyondHash(a: Endpoint, b: Endpoint): boolean {
  const ref = (r: ObjectRef | undefined): string => (r ? JSON.stringify([r.kind ?? '', r.namespace ?? '', r.name ?? '', r.uid ?? '']) : '');
  const ca = a.conditions ?? {};
  const cb = b.conditions ?? {};
  return (
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    ca.ready === cb.ready &&
    ca.serving === cb.serving &&
    ca.terminating === cb.terminating &&
    ref(a.targetRef) === ref(b.targetRef)
  );
}
