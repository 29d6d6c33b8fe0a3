// How the DNS server reads the two kinds it serves from: a Service (core/v1)
// and an EndpointSlice (discovery.k8s.io/v1). Only the fields DNS answers
// depend on; cached objects are never modified here.
//
// Readiness is CoreDNS's (an endpoint whose `ready` condition is absent is
// ready) widened by the Service: publishNotReadyAddresses, or the legacy
// `service.alpha.kubernetes.io/tolerate-unready-endpoints: "true"` the DNS
// specification still names, publishes every endpoint.

import type { KObject } from '../api/object.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
const TOLERATE_UNREADY = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';

export interface ServicePort {
  name?: string;
  protocol?: string;
  port?: number;
}

export interface ServiceView {
  type: string;
  clusterIPs: string[];
  headless: boolean;
  externalName: string;
  ports: ServicePort[];
  publishNotReady: boolean;
}

interface RawServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  ports?: ServicePort[];
  publishNotReadyAddresses?: boolean;
}

export function readService(svc: KObject): ServiceView {
  const spec = (svc.spec ?? {}) as RawServiceSpec;
  const ips = spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return {
    type: spec.type ?? 'ClusterIP',
    clusterIPs: ips.filter((ip) => ip !== '' && ip !== 'None'),
    headless: ips[0] === 'None',
    externalName: spec.externalName ?? '',
    ports: spec.ports ?? [],
    publishNotReady: spec.publishNotReadyAddresses === true || svc.metadata.annotations?.[TOLERATE_UNREADY] === 'true',
  };
}

export interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null };
  hostname?: string;
}

export interface SlicePort {
  name?: string;
  protocol?: string;
  port?: number;
}

export interface SliceView {
  addressType: string;
  endpoints: SliceEndpoint[];
  ports: SlicePort[];
}

export function readSlice(slice: KObject): SliceView {
  return {
    addressType: typeof slice.addressType === 'string' ? slice.addressType : 'IPv4',
    endpoints: Array.isArray(slice.endpoints) ? (slice.endpoints as SliceEndpoint[]) : [],
    ports: Array.isArray(slice.ports) ? (slice.ports as SlicePort[]) : [],
  };
}

/** `<ns>/<service>` of the Service a slice belongs to, or undefined for a slice without the label. */
export function sliceServiceKey(slice: KObject): string | undefined {
  const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return name ? `${slice.metadata.namespace ?? ''}/${name}` : undefined;
}

/** `publishNotReady`: the owning Service's `ServiceView.publishNotReady` (false when the Service is not cached). */
export function endpointReady(ep: SliceEndpoint, publishNotReady: boolean): boolean {
  return publishNotReady || ep.conditions?.ready !== false;
}
