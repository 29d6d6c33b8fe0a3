// What makes a pod a daemon pod (pkg/controller/daemon/util):
//
// - the tolerations every daemon pod gets (AddOrUpdateDaemonPodTolerations):
//   not-ready and unreachable NoExecute with no tolerationSeconds (never
//   taint-evicted), disk/memory/pid-pressure and unschedulable NoSchedule,
//   network-unavailable NoSchedule for hostNetwork pods only. A toleration
//   already there with the same key/operator/value/effect is replaced (so a
//   tolerationSeconds on it goes), otherwise the toleration is appended;
// - the labels `controller-revision-hash` (the current ControllerRevision) and
//   the deprecated `pod-template-generation` (CreatePodTemplate);
// - the pin to one node: required node affinity `metadata.name In [node]`,
//   replacing every existing required term (ReplaceDaemonSetPodNodeNameNodeAffinity),
//   so the default scheduler binds it there and nowhere else;
// - the node a pod is for: spec.nodeName, or the pin while unscheduled (GetTargetNodeName).

import type { KObject } from '../../api/object.js';
import type { PodTemplate } from '../../controller/pod-template.js';
import type { DaemonSet } from './daemonset.js';
import { specOf } from './daemonset.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** the DaemonSet annotation the API server keeps spec.templateGeneration in (apps/v1) */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/** Toleration.MatchToleration: same key, operator, value and effect. */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/** v1helper.AddOrUpdateTolerationInPodSpec */
function addOrUpdateToleration(list: Toleration[], t: Toleration): Toleration[] {
  let updated = false;
  const out = list.map((existing) => {
    if (!sameToleration(existing, t)) return existing;
    updated = true;
    return { ...t };
  });
  if (!updated) out.push({ ...t });
  return out;
}

/** The pod spec with the daemon tolerations added (a copy; `spec` is not changed). */
export function withDaemonTolerations(spec: Record<string, unknown>): Record<string, unknown> {
  let tolerations = [...((spec.tolerations as Toleration[] | undefined) ?? [])];
  for (const t of DAEMON_TOLERATIONS) tolerations = addOrUpdateToleration(tolerations, t);
  if (spec.hostNetwork === true) tolerations = addOrUpdateToleration(tolerations, HOST_NETWORK_TOLERATION);
  return { ...spec, tolerations };
}

/**
 * util.GetTemplateGeneration: the annotation's value; undefined when it does
 * not parse. Kubernetes' API server always sets the annotation (1 on create,
 * +1 per template change); where it is missing, hale reads
 * metadata.generation instead, which also starts at 1 and moves with every
 * template change — a pod is never taken for updated by mistake, because a
 * pod made at the current generation also carries the current hash.
 */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const a = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (a === undefined) return ds.metadata.generation;
  return /^-?[0-9]+$/.test(a) ? Number(a) : undefined;
}

/** util.CreatePodTemplate: the template with daemon tolerations, the generation and the hash labels. */
export function daemonPodTemplate(ds: DaemonSet, hash: string, generation: number | undefined): PodTemplate {
  const t = structuredClone(specOf(ds).template ?? {});
  const labels = { ...(t.metadata?.labels ?? {}) };
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  return { metadata: { ...(t.metadata ?? {}), labels }, spec: withDaemonTolerations(t.spec ?? {}) };
}

interface Affinity {
  nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown[] } } & Record<string, unknown>;
  [k: string]: unknown;
}

/** util.ReplaceDaemonSetPodNodeNameNodeAffinity: the affinity (a copy) requiring exactly `nodeName`. */
export function pinnedAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const out: Affinity = structuredClone(affinity ?? {});
  const na = (out.nodeAffinity ??= {});
  // The required terms are replaced, not ANDed: the scheduler must consider this node only.
  na.requiredDuringSchedulingIgnoredDuringExecution = { ...(na.requiredDuringSchedulingIgnoredDuringExecution ?? {}), nodeSelectorTerms: [term] };
  return out;
}

/** util.GetTargetNodeName: spec.nodeName, else the `metadata.name In [one]` field of the required affinity. */
export function targetNodeName(pod: KObject): string | undefined {
  const spec = (pod.spec ?? {}) as { nodeName?: string; affinity?: Affinity };
  if (spec.nodeName) return spec.nodeName;
  const terms = (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as { matchFields?: { key?: string; operator?: string; values?: string[] }[] }[];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}

/** util.IsPodUpdated: the pod carries the current hash, or the current template generation. */
export function isPodUpdated(pod: KObject, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const generationMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash !== '' && labels[CONTROLLER_REVISION_HASH_LABEL] === hash;
  return hashMatches || generationMatches;
}
