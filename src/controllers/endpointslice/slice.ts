// The shape of an EndpointSlice this controller writes (newEndpointSlice,
// setEndpointSliceLabels, NewPortMapKey, ownedBy in k8s.io/endpointslice):
//
// - generateName `<service>-`, ownerReference to the Service (controller,
//   blockOwnerDeletion) so the garbage collector removes slices with it;
// - labels: the Service's labels, minus the three reserved ones, plus
//   kubernetes.io/service-name, endpointslice.kubernetes.io/managed-by and,
//   for a Service without a cluster IP, service.kubernetes.io/headless;
// - slices are grouped by their port set: one group per distinct list of
//   resolved ports (pods serving a named targetPort on different numbers
//   land in different slices).

import type { KObject } from '../../api/object.js';
import { controllerRef } from '../../controller/controller-ref.js';
import type { AddressType, Endpoint } from './endpoint.js';
import { findPort } from '../../controller/endpoints/pod-endpoint.js';
import { isHeadless, isServiceIPSet, LABEL_HEADLESS, serviceSpec } from '../../controller/endpoints/service.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** The managed-by value of slices this controller owns (controllerQualifiedName). */
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

export interface EndpointPort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

export interface EndpointSliceView extends KObject {
  addressType?: string;
  endpoints?: Endpoint[] | null;
  ports?: EndpointPort[] | null;
}

/** getEndpointPorts: the Service's ports resolved for one pod (ports the pod lacks are left out). */
export function endpointPorts(svc: KObject, pod: KObject): EndpointPort[] {
  const spec = serviceSpec(svc);
  const ports = spec.ports ?? [];
  if (ports.length === 0 && isHeadless(svc)) return [];
  const out: EndpointPort[] = [];
  for (const sp of ports) {
    const num = findPort(pod, sp);
    if (num === undefined) continue;
    const p: EndpointPort = { name: sp.name ?? '', protocol: sp.protocol ?? 'TCP', port: num };
    if (sp.appProtocol !== undefined) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

function portKey(p: EndpointPort): string {
  return JSON.stringify([p.name ?? '', p.protocol ?? 'TCP', p.port ?? null, p.appProtocol ?? null]);
}

/** NewPortMapKey: equal for the same set of ports in any order. */
export function portMapKey(ports: readonly EndpointPort[] | null | undefined): string {
  return JSON.stringify((ports ?? []).map(portKey).sort());
}

function isReservedLabel(k: string): boolean {
  return k === LABEL_SERVICE_NAME || k === LABEL_MANAGED_BY || k === LABEL_HEADLESS;
}

/**
 * setEndpointSliceLabels: the labels the slice should carry, and whether the
 * Service's own labels differ from the slice's (a change of headlessness
 * alone does not count, as in Kubernetes).
 */
export function sliceLabels(slice: KObject | undefined, svc: KObject): { labels: Record<string, string>; changed: boolean } {
  const have: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata.labels ?? {})) if (!isReservedLabel(k)) have[k] = v;
  const want: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (!isReservedLabel(k)) want[k] = v;
  const changed = Object.keys(have).length !== Object.keys(want).length || Object.entries(want).some(([k, v]) => have[k] !== v);
  if (!isServiceIPSet(svc)) want[LABEL_HEADLESS] = '';
  want[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  want[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return { labels: want, changed };
}

/** newEndpointSlice: an empty slice for `svc` with these ports (no name yet: the server generates it). */
export function newEndpointSlice(svc: KObject, ports: EndpointPort[], addressType: AddressType): EndpointSliceView {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata.name ?? ''}-`,
      namespace: svc.metadata.namespace ?? '',
      labels: sliceLabels(undefined, svc).labels,
      ownerReferences: [controllerRef(svc, 'v1', 'Service')],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/** ownedBy: the slice names this Service (by uid) as an owner. */
export function ownedBy(slice: KObject, svc: KObject): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/**
 * placeholderSliceCompare: `slice` already is the placeholder `placeholder`
 * would be — same namespace, labels and address type, no ports or endpoints
 * (owner references are not compared, as in Kubernetes).
 */
export function samePlaceholder(slice: EndpointSliceView, placeholder: EndpointSliceView): boolean {
  const a = slice.metadata.labels ?? {};
  const b = placeholder.metadata.labels ?? {};
  const sameLabelSet = Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
  return (
    slice.metadata.namespace === placeholder.metadata.namespace &&
    sameLabelSet &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}

/** The Service key (namespace/name) a slice belongs to by its service-name label, if it has one. */
export function serviceKeyOf(slice: KObject): string | undefined {
  const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return name ? `${slice.metadata.namespace ?? ''}/${name}` : undefined;
}

export function managedByController(slice: KObject): boolean {
  return slice.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME;
}

/** getAddressTypesForService: from spec.ipFamilies; failing that, the cluster IP's family, or both for headless. */
export function addressTypesFor(svc: KObject): AddressType[] {
  const spec = serviceSpec(svc);
  const out = new Set<AddressType>();
  for (const f of spec.ipFamilies ?? []) {
    if (f === 'IPv4') out.add('IPv4');
    if (f === 'IPv6') out.add('IPv6');
  }
  if (out.size > 0) return [...out];
  if (isServiceIPSet(svc)) return [(spec.clusterIP ?? '').includes(':') ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}
