// How the endpoint controllers read a Service (core/v1), as Kubernetes'
// endpoint and EndpointSlice controllers read it. Shared with the legacy
// Endpoints controller (src/controllers/endpoints), as k8s.io/endpointslice's
// util package is shared by both in Kubernetes.
//
// A selector that is absent *or empty* selects nothing: the API server drops
// an empty `selector: {}` when it stores a Service (Go's omitempty), so
// Kubernetes' controllers never see one; treating it as "no selector" keeps
// hale from selecting every pod of the namespace.

import type { KObject } from '../../api/object.js';

export interface ServicePort {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port?: number;
  targetPort?: number | string;
}

export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  ipFamilies?: string[];
  publishNotReadyAddresses?: boolean;
}

export function serviceSpec(svc: KObject): ServiceSpec {
  return (svc.spec ?? {}) as ServiceSpec;
}

/** The selector the controllers act on, or undefined when they leave the Service alone. */
export function serviceSelector(svc: KObject): Record<string, string> | undefined {
  const sel = serviceSpec(svc).selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

/** A set selector (labels.SelectorFromSet): every key with exactly that value. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

/** True when the controllers produce endpoints for `svc` (not ExternalName, has a selector). */
export function managesEndpoints(svc: KObject): boolean {
  return serviceSpec(svc).type !== 'ExternalName' && serviceSelector(svc) !== undefined;
}

/** helper.IsServiceIPSet: a cluster IP that is neither "" nor "None" (false = headless). */
export function isServiceIPSet(svc: KObject): boolean {
  const ip = serviceSpec(svc).clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

export function isHeadless(svc: KObject): boolean {
  return serviceSpec(svc).clusterIP === 'None';
}

/** The service.kubernetes.io/headless label both controllers put on what they write for a headless Service. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** The annotation both controllers set to the time of the change that caused a write. */
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
