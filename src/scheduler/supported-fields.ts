// Which pod spec fields with a scheduling meaning hale's scheduler honours,
// and the admission errors for the ones it does not (never ignore one
// silently: a pod that asks for something must either get it or be refused).
// Two fields decide whether the scheduler tries a pod at all:
// - schedulerName: only "" or default-scheduler are hale's. A pod for another
//   scheduler is legitimate Kubernetes: it stays Pending for that scheduler.
// - schedulingGates: a gated pod is not attempted. In Kubernetes the API
//   server gives it the PodScheduled condition below when it is created (pod
//   strategy applySchedulingGatedCondition); it is taken up once an update
//   has removed the last gate.
//
// Honoured:
//   nodeName (bound at creation, never scheduled), nodeSelector,
//   affinity.nodeAffinity (required and preferred; matchExpressions
//     In/NotIn/Exists/DoesNotExist/Gt/Lt, matchFields metadata.name),
//   affinity.podAffinity / podAntiAffinity (required and preferred;
//     namespaces, namespaceSelector — needs namespaces fed to the Snapshot —,
//     matchLabelKeys, mismatchLabelKeys, topologyKey),
//   tolerations (all operators and effects; tolerationSeconds does not
//     matter for scheduling), topologySpreadConstraints (maxSkew, topologyKey,
//     whenUnsatisfiable, labelSelector, minDomains, matchLabelKeys,
//     nodeAffinityPolicy, nodeTaintsPolicy), containers / initContainers
//     (sidecars with restartPolicy Always included) resource requests of cpu,
//     memory, ephemeral-storage, hugepages-* and extended resources, overhead,
//     host ports (hostIP, protocol; hostNetwork's defaulted ones too),
//     schedulerName (another scheduler's pods are left alone),
//     schedulingGates (isSchedulingGated), priorityClassName of the two built-in
//     classes and preemptionPolicy (nothing is preempted either way; the
//     failure message says so as Kubernetes would).
// Refused here:
//   priorityClassName other than system-node-critical / system-cluster-critical
//     (hale serves no PriorityClass objects),
//   runtimeClassName (no RuntimeClass objects, so its node selector,
//     tolerations and overhead cannot be applied),
//   resourceClaims and containers[*].resources.claims (dynamic resource allocation),
//   resources (pod-level resources, a feature that is off in Kubernetes 1.32).
// Not judged here: volumes (PersistentVolumeClaims and their node affinity are
// for the volume filters passed in ScheduleOptions.extraFilters).

import type { KObject } from '../api/object.js';
import { arr, obj, objects, str, type JsonObject } from '../api/validation/json-read.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** The PodScheduled condition (status False) of a gated pod. */
export const SCHEDULING_GATED_REASON = 'SchedulingGated';
export const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

/** spec.schedulerName names hale's scheduler (the API server defaults an empty one to default-scheduler). */
export function schedulerNameMatches(pod: KObject): boolean {
  const name = str(obj(pod.spec)?.schedulerName);
  return name === '' || name === DEFAULT_SCHEDULER_NAME;
}

export function isSchedulingGated(pod: KObject): boolean {
  return arr(obj(pod.spec)?.schedulingGates).length > 0;
}

export interface UnsupportedField {
  /** dotted path, e.g. `spec.runtimeClassName` */
  readonly path: string;
  readonly type: 'FieldValueNotSupported' | 'FieldValueForbidden';
  /** the whole field error text, path first, as Kubernetes prints a field.Error */
  readonly message: string;
}

export const BUILT_IN_PRIORITY_CLASSES: readonly string[] = ['system-cluster-critical', 'system-node-critical'];

function notSupported(path: string, value: unknown, detail: string): UnsupportedField {
  return { path, type: 'FieldValueNotSupported', message: `${path}: Unsupported value: ${JSON.stringify(value)}: ${detail}` };
}

function forbidden(path: string, detail: string): UnsupportedField {
  return { path, type: 'FieldValueForbidden', message: `${path}: Forbidden: ${detail}` };
}

/** The fields of `spec` (a PodSpec found at `path`) whose scheduling meaning hale does not honour. */
export function unsupportedSchedulingFields(spec: JsonObject, path = 'spec'): UnsupportedField[] {
  const out: UnsupportedField[] = [];
  const pcn = str(spec.priorityClassName);
  if (pcn && !BUILT_IN_PRIORITY_CLASSES.includes(pcn)) {
    out.push(
      notSupported(
        `${path}.priorityClassName`,
        pcn,
        `hale serves no PriorityClass objects; supported values: ${BUILT_IN_PRIORITY_CLASSES.map((c) => JSON.stringify(c)).join(', ')}`,
      ),
    );
  }
  const rcn = str(spec.runtimeClassName);
  if (rcn) {
    out.push(notSupported(`${path}.runtimeClassName`, rcn, "hale serves no RuntimeClass objects, so its scheduler cannot apply a RuntimeClass's node selector, tolerations or overhead"));
  }
  if (arr(spec.resourceClaims).length > 0) {
    out.push(forbidden(`${path}.resourceClaims`, "hale's scheduler does not implement dynamic resource allocation"));
  }
  for (const list of ['containers', 'initContainers'] as const) {
    for (const [c, i] of objects(spec[list])) {
      if (arr(obj(c.resources)?.claims).length > 0) {
        out.push(forbidden(`${path}.${list}[${i}].resources.claims`, "hale's scheduler does not implement dynamic resource allocation"));
      }
    }
  }
  if (spec.resources !== undefined && spec.resources !== null) {
    out.push(forbidden(`${path}.resources`, "hale's scheduler does not implement pod-level resources"));
  }
  return out;
}
