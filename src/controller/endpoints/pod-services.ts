// From a pod event to the Services whose endpoints may change
// (GetPodServiceMemberships / GetServicesToUpdateOnPodChange): shared by the
// EndpointSlice and Endpoints controllers' pod handlers.
//
// An update matters when it changes the pod's endpoint (deletionTimestamp,
// readiness, IPs, or — beyond Kubernetes, which waits for the next sync — a
// move to a terminal phase) or which Services select it (labels,
// hostname/subdomain). When only the labels changed, just the Services that
// gained or lost the pod are synced.

import type { KObject } from '../../api/object.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { BY_NAMESPACE } from '../../controller/informers.js';
import { isPodReady, isPodTerminal } from '../../controller/pod-state.js';
import { podIPs, podSpecOf } from './pod-endpoint.js';
import { selectorMatches, serviceSelector } from './service.js';

/** Keys of the Services in `namespace` whose selector selects `labels`. */
export function servicesSelecting(services: Informer, namespace: string, labels: Record<string, string> | undefined): Set<string> {
  const out = new Set<string>();
  for (const svc of services.byIndex(BY_NAMESPACE, namespace)) {
    const sel = serviceSelector(svc);
    if (sel && selectorMatches(sel, labels ?? {})) out.add(objectKey(svc));
  }
  return out;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a?.[k] === b?.[k]);
}

/** podEndpointsChanged: [the endpoint may change, the set of selecting Services may change]. */
export function podEndpointsChanged(old: KObject, cur: KObject): { podChanged: boolean; labelsChanged: boolean } {
  const os = podSpecOf(old);
  const cs = podSpecOf(cur);
  const labelsChanged = !sameLabels(old.metadata.labels, cur.metadata.labels) || os.hostname !== cs.hostname || os.subdomain !== cs.subdomain;
  const oldIPs = podIPs(old);
  const curIPs = podIPs(cur);
  const podChanged =
    old.metadata.deletionTimestamp !== cur.metadata.deletionTimestamp ||
    isPodReady(old) !== isPodReady(cur) ||
    isPodTerminal(old) !== isPodTerminal(cur) ||
    oldIPs.length !== curIPs.length ||
    oldIPs.some((ip, i) => ip !== curIPs[i]);
  return { podChanged, labelsChanged };
}

/** The Service keys to sync after a pod update (none for a resync or an irrelevant change). */
export function servicesToSyncOnPodUpdate(services: Informer, old: KObject, cur: KObject): Set<string> {
  if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return new Set();
  const { podChanged, labelsChanged } = podEndpointsChanged(old, cur);
  if (!podChanged && !labelsChanged) return new Set();
  const ns = cur.metadata.namespace ?? '';
  const now = servicesSelecting(services, ns, cur.metadata.labels);
  if (!labelsChanged) return now;
  const before = servicesSelecting(services, ns, old.metadata.labels);
  if (podChanged) return new Set([...now, ...before]);
  const out = new Set<string>();
  for (const k of now) if (!before.has(k)) out.add(k);
  for (const k of before) if (!now.has(k)) out.add(k);
  return out;
}
