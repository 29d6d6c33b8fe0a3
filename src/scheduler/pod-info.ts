// A pod as the scheduler sees it (framework.PodInfo): its key, labels,
// priority, effective resource requests (exact and "non-zero" for scoring),
// host ports, tolerations and parsed affinity terms, computed once per pod
// object so that a snapshot of thousands of pods does no per-attempt parsing.
//
// Invariant: a PodInfo is immutable and belongs to exactly one pod object; a
// changed pod gets a new PodInfo.

import type { KObject } from '../api/object.js';
import { obj, objects, str, strMap, type JsonObject } from '../api/validation/json-read.js';
import type { Labels } from '../machinery/labels/requirement.js';
import { parseAffinityTerm, parseWeightedAffinityTerms, type AffinityTerm, type WeightedAffinityTerm } from './affinity-term.js';
import { SchedulingError } from './framework.js';
import { podHostPorts, type HostPort } from './host-ports.js';
import { NON_ZERO_DEFAULTS, milliValue, podRequests, resourceFromList, wholeValue, type Resource } from './resources.js';
import { parseTolerations, type Toleration } from './tolerations.js';

export interface ControllerRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

export interface PodInfo {
  /** namespace/name */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly pod: KObject;
  readonly spec: JsonObject;
  readonly labels: Labels;
  readonly nodeName: string;
  /** metadata.deletionTimestamp is set: still holds its node's resources, but no longer counts for spreading */
  readonly terminating: boolean;
  /** spec.priority (0 when absent) */
  readonly priority: number;
  readonly preemptionPolicy: string;
  /** the controlling ownerReference, if any */
  readonly controller: ControllerRef | undefined;
  /** resource.PodRequests as framework.Resource */
  readonly requests: Resource;
  /** cpu (milli) and memory requests with 100m / 200Mi for containers that name none (scoring only) */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
}

export function podKey(pod: KObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

interface Terms {
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
}

const NO_TERMS: Terms = { requiredAffinityTerms: [], requiredAntiAffinityTerms: [], preferredAffinityTerms: [], preferredAntiAffinityTerms: [] };

function parseTerms(spec: JsonObject, owner: { namespace: string; labels: Labels }): Terms {
  const affinity = obj(spec.affinity);
  const pa = obj(affinity?.podAffinity);
  const paa = obj(affinity?.podAntiAffinity);
  const required = (v: unknown) => objects(v).map(([t]) => parseAffinityTerm(t, owner));
  return {
    requiredAffinityTerms: required(pa?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinityTerms: required(paa?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinityTerms: parseWeightedAffinityTerms(pa?.preferredDuringSchedulingIgnoredDuringExecution, owner),
    preferredAntiAffinityTerms: parseWeightedAffinityTerms(paa?.preferredDuringSchedulingIgnoredDuringExecution, owner),
  };
}

function controllerOf(pod: KObject): ControllerRef | undefined {
  const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  return ref ? { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid } : undefined;
}

function build(pod: KObject, terms: (spec: JsonObject, owner: { namespace: string; labels: Labels }) => Terms): PodInfo {
  const spec = obj(pod.spec) ?? {};
  const namespace = pod.metadata.namespace ?? '';
  const labels = strMap(pod.metadata.labels);
  const exact = podRequests(spec);
  const nonZero = podRequests(spec, NON_ZERO_DEFAULTS);
  const cpu = nonZero.get('cpu');
  const memory = nonZero.get('memory');
  return {
    key: podKey(pod),
    namespace,
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid ?? '',
    pod,
    spec,
    labels,
    nodeName: str(spec.nodeName),
    terminating: typeof pod.metadata.deletionTimestamp === 'string' && pod.metadata.deletionTimestamp !== '',
    priority: typeof spec.priority === 'number' ? spec.priority : 0,
    preemptionPolicy: str(spec.preemptionPolicy),
    controller: controllerOf(pod),
    requests: resourceFromList(exact),
    nonZeroMilliCPU: cpu ? milliValue(cpu) : 0,
    nonZeroMemory: memory ? wholeValue(memory) : 0,
    hostPorts: podHostPorts(spec),
    tolerations: parseTolerations(spec.tolerations),
    ...terms(spec, { namespace, labels }),
  };
}

/**
 * The PodInfo of a pod already on a node. Affinity terms whose selectors do
 * not parse are dropped (validation refuses them, so this only guards
 * against objects written before a validation fix).
 */
export function existingPodInfo(pod: KObject): PodInfo {
  return build(pod, (spec, owner) => {
    try {
      return parseTerms(spec, owner);
    } catch (err) {
      if (err instanceof Error) return NO_TERMS;
      throw err;
    }
  });
}

/** The PodInfo of the pod being scheduled. Throws SchedulingError when its affinity cannot be evaluated. */
export function incomingPodInfo(pod: KObject): PodInfo {
  return build(pod, (spec, owner) => {
    try {
      return parseTerms(spec, owner);
    } catch (err) {
      if (err instanceof Error) throw new SchedulingError(`running PreFilter plugin "InterPodAffinity": parsing pod: ${err.message}`);
      throw err;
    }
  });
}

