// Per-resource behaviour of the generic registry, as Kubernetes' REST
// strategies define it: which kinds reset status on create, keep spec and
// status apart, may be created by PUT, what a main-resource update may not
// change (PrepareForUpdate), when generation moves, and graceful deletion.

import type { KObject } from '../../api/object.js';
import { resourceKey, type ResourceInfo } from '../../api/resources.js';
import { specChanged } from './compare.js';
import { deepEqual } from '../../machinery/deep-equal.js';

export interface Strategy {
  /** main-resource writes keep the stored status; status writes keep everything else */
  hasStatus: boolean;
  /** what status becomes on create (undefined: keep what the client sent) */
  statusOnCreate: ((obj: KObject) => unknown) | undefined;
  /** PUT of a missing object creates it */
  allowCreateOnUpdate: boolean;
  /** what the server sets on every new object of the kind (after the generic metadata rules) */
  prepareForCreate: (obj: KObject) => void;
  /** a main-resource update keeps what only a subresource may change (runs after the generic metadata rules) */
  prepareForUpdate: (next: KObject, current: KObject) => void;
  /** the update moves metadata.generation (for kinds that keep one) */
  bumpsGeneration: (next: KObject, current: KObject) => boolean;
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
  'nodepools.autoscaling.hale.dev': emptyStatus,
};

const CREATE_ON_UPDATE = new Set(['endpoints', 'events', 'leases.coordination.k8s.io', 'events.events.k8s.io']);

const keepNothing = (): void => undefined;

/**
 * namespaceStrategy.PrepareForUpdate: spec.finalizers change only through
 * namespaces/finalize (status only through /status, kept by hasStatus).
 * Without this a PUT could empty the finalizers of a Terminating namespace
 * and have it deleted with its objects still inside.
 */
function keepNamespaceFinalizers(next: KObject, current: KObject): void {
  const old = (current.spec ?? {}) as { finalizers?: unknown };
  const spec = { ...((next.spec ?? {}) as Record<string, unknown>) };
  if (old.finalizers === undefined) delete spec.finalizers;
  else spec.finalizers = structuredClone(old.finalizers);
  next.spec = spec;
}

/**
 * A DaemonSet's spec.templateGeneration, which apps/v1 shows as the
 * `deprecated.daemonset.template.generation` annotation: 1 on create, +1 on
 * every template change, never set by a client (daemonSetStrategy).
 */
export const DS_TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function setTemplateGeneration(obj: KObject, value: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [DS_TEMPLATE_GENERATION]: String(value) };
}

function templateGenerationOf(obj: KObject): number {
  const n = Number(obj.metadata.annotations?.[DS_TEMPLATE_GENERATION] ?? '0');
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

function daemonSetTemplateGeneration(next: KObject, current: KObject): void {
  const template = (o: KObject): unknown => (o.spec as { template?: unknown } | undefined)?.template;
  const old = templateGenerationOf(current);
  setTemplateGeneration(next, deepEqual(template(next), template(current)) ? old : old + 1);
}

const PREPARE_FOR_CREATE: Record<string, (obj: KObject) => void> = {
  'daemonsets.apps': (obj) => setTemplateGeneration(obj, 1),
};

const PREPARE_FOR_UPDATE: Record<string, (next: KObject, current: KObject) => void> = {
  namespaces: keepNamespaceFinalizers,
  'daemonsets.apps': daemonSetTemplateGeneration,
};

/**
 * deploymentStrategy.PrepareForUpdate also bumps generation on annotation
 * changes ("annotations are copied from deployments to their replica sets");
 * every other kind (ReplicaSet, StatefulSet, DaemonSet, …) only on spec changes.
 */
const deploymentGeneration = (next: KObject, current: KObject): boolean =>
  specChanged(next, current) || !deepEqual(next.metadata.annotations ?? {}, current.metadata.annotations ?? {});

const BUMPS_GENERATION: Record<string, (next: KObject, current: KObject) => boolean> = {
  'deployments.apps': deploymentGeneration,
};

export function strategyFor(r: ResourceInfo): Strategy {
  const key = resourceKey(r);
  return {
    hasStatus: r.subresources.some((s) => s.name === 'status'),
    statusOnCreate: STATUS_ON_CREATE[key],
    allowCreateOnUpdate: CREATE_ON_UPDATE.has(key),
    prepareForCreate: PREPARE_FOR_CREATE[key] ?? keepNothing,
    prepareForUpdate: PREPARE_FOR_UPDATE[key] ?? keepNothing,
    bumpsGeneration: BUMPS_GENERATION[key] ?? specChanged,
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
