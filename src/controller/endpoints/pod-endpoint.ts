// Which pods back a Service and at which port (k8s.io/endpointslice utils.go
// and util/controller_utils.go): shared by the EndpointSlice and Endpoints
// controllers.
//
// - A pod is in a Service's endpoints iff it is not terminal (Succeeded or
//   Failed) and has an IP; terminating pods are kept by the EndpointSlice
//   controller (with terminating=true) and by the Endpoints controller only
//   for publishNotReadyAddresses Services.
// - A named targetPort is looked up per pod (name and protocol) in the
//   containers and in sidecars (init containers with restartPolicy Always),
//   so two pods of one Service may serve it on different numbers.

import type { KObject } from '../../api/object.js';
import { podPhase } from '../../controller/pod-state.js';
import type { ServicePort } from './service.js';

interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

interface Container {
  ports?: ContainerPort[];
  restartPolicy?: string;
}

interface PodSpecView {
  containers?: Container[];
  initContainers?: Container[];
  hostname?: string;
  subdomain?: string;
  nodeName?: string;
}

export function podSpecOf(pod: KObject): PodSpecView {
  return (pod.spec ?? {}) as PodSpecView;
}

/** status.podIPs (the API keeps podIPs[0] == podIP); a lone podIP stands in for an old writer. */
export function podIPs(pod: KObject): string[] {
  const st = (pod.status ?? {}) as { podIP?: string; podIPs?: { ip?: string }[] };
  const ips = (st.podIPs ?? []).map((p) => p.ip ?? '').filter((ip) => ip !== '');
  if (ips.length > 0) return ips;
  return st.podIP ? [st.podIP] : [];
}

export function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** ShouldPodBeInEndpoints */
export function shouldPodBeInEndpoints(pod: KObject, includeTerminating: boolean): boolean {
  const phase = podPhase(pod);
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod asked for a hostname under this Service's subdomain (StatefulSet DNS). */
export function shouldSetHostname(pod: KObject, svc: KObject): boolean {
  const spec = podSpecOf(pod);
  return !!spec.hostname && spec.subdomain === svc.metadata.name && svc.metadata.namespace === pod.metadata.namespace;
}

/** FindPort: the pod's port number for a Service port, or undefined when the pod has no such named port. */
export function findPort(pod: KObject, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (typeof target !== 'string') return undefined;
  const protocol = svcPort.protocol ?? 'TCP';
  const spec = podSpecOf(pod);
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(spec.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol && p.containerPort !== undefined) return p.containerPort;
    }
  }
  return undefined;
}
