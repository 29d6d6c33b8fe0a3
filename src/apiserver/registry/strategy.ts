// Per-resource behaviour of the generic registry, as Kubernetes' REST
// strategies define it: which kinds reset status on create, keep spec and
// status apart, may be created by PUT, and delete gracefully.

import type { KObject } from '../../api/object.js';
import { resourceKey, type ResourceInfo } from '../../api/resources.js';

export interface Strategy {
  /** main-resource writes keep the stored status; status writes keep everything else */
  hasStatus: boolean;
  /** what status becomes on create (undefined: keep what the client sent) */
  statusOnCreate: ((obj: KObject) => unknown) | undefined;
  /** PUT of a missing object creates it */
  allowCreateOnUpdate: boolean;
}

const emptyStatus = (): unknown => ({});

const STATUS_ON_CREATE: Record<string, (obj: KObject) => unknown> = {
  pods: (obj) => {
    const s = (obj.status ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = { phase: 'Pending' };
    if (typeof s.qosClass === 'string') out.qosClass = s.qosClass;
    return out;
  },
  'deployments.apps': emptyStatus,
  'replicasets.apps': () => ({ replicas: 0 }),
  'statefulsets.apps': () => ({ replicas: 0, availableReplicas: 0 }),
  'daemonsets.apps': () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
  'poddisruptionbudgets.policy': () => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
  services: () => ({ loadBalancer: {} }),
  persistentvolumeclaims: () => ({ phase: 'Pending' }),
  persistentvolumes: () => ({ phase: 'Pending' }),
  namespaces: () => ({ phase: 'Active' }),
  'volumeattachments.storage.k8s.io': () => ({ attached: false }),
};

const CREATE_ON_UPDATE = new Set(['endpoints', 'events', 'leases.coordination.k8s.io', 'events.events.k8s.io']);

export function strategyFor(r: ResourceInfo): Strategy {
  const key = resourceKey(r);
  return {
    hasStatus: r.subresources.some((s) => s.name === 'status'),
    statusOnCreate: STATUS_ON_CREATE[key],
    allowCreateOnUpdate: CREATE_ON_UPDATE.has(key),
  };
}

/**
 * The grace period a pod delete gets, as Kubernetes' pod strategy computes
 * it: 0 for a pod no node has taken (nothing to stop) or that has finished;
 * otherwise the request's value, else the pod's terminationGracePeriodSeconds.
 */
export function podGracePeriod(pod: KObject, requested: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = ((pod.status ?? {}) as { phase?: string }).phase;
  if (!spec.nodeName) return 0;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = requested ?? spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, g);
}
