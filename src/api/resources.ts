// The catalogue of resources hale serves. Discovery, routing, OpenAPI, tables
// and validation all key off these entries, so a resource is added in one
// place. Names, short names, categories and subresources match Kubernetes 1.32.

export interface SubresourceInfo {
  name: 'status' | 'scale' | 'binding' | 'eviction' | 'log' | 'finalize' | 'token';
  /** the kind the subresource speaks, when it is not the parent's */
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: SubresourceInfo[];
  /** metadata.generation is kept (spec-bearing kinds other than Pod) */
  hasGeneration: boolean;
  /** verbs: all the usual ones unless narrowed (e.g. create-only) */
  verbs: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const SCALE: SubresourceInfo = { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };

interface Def {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  short?: string[];
  all?: boolean;
  sub?: SubresourceInfo[];
  generation?: boolean;
  verbs?: string[];
}

function def(d: Def): ResourceInfo {
  return {
    group: d.group ?? '',
    version: d.version ?? 'v1',
    kind: d.kind,
    listKind: `${d.kind}List`,
    plural: d.plural,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced ?? true,
    shortNames: d.short ?? [],
    categories: d.all ? ['all'] : [],
    subresources: d.sub ?? [],
    hasGeneration: d.generation ?? false,
    verbs: d.verbs ?? ALL_VERBS,
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  // core/v1
  def({
    kind: 'Pod', plural: 'pods', short: ['po'], all: true,
    sub: [
      STATUS('Pod'),
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
    ],
  }),
  def({ kind: 'Node', plural: 'nodes', namespaced: false, short: ['no'], sub: [STATUS('Node')] }),
  def({ kind: 'Service', plural: 'services', short: ['svc'], all: true, sub: [STATUS('Service')] }),
  def({ kind: 'Endpoints', plural: 'endpoints', short: ['ep'] }),
  def({ kind: 'Event', plural: 'events', short: ['ev'] }),
  def({ kind: 'Namespace', plural: 'namespaces', namespaced: false, short: ['ns'], sub: [STATUS('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }] }),
  def({ kind: 'ConfigMap', plural: 'configmaps', short: ['cm'] }),
  def({ kind: 'Secret', plural: 'secrets' }),
  def({ kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, short: ['pv'], sub: [STATUS('PersistentVolume')] }),
  def({ kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', short: ['pvc'], sub: [STATUS('PersistentVolumeClaim')] }),
  def({ kind: 'ServiceAccount', plural: 'serviceaccounts', short: ['sa'], sub: [{ name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }] }),
  // apps/v1
  def({ group: 'apps', kind: 'Deployment', plural: 'deployments', short: ['deploy'], all: true, sub: [STATUS('Deployment'), SCALE], generation: true }),
  def({ group: 'apps', kind: 'ReplicaSet', plural: 'replicasets', short: ['rs'], all: true, sub: [STATUS('ReplicaSet'), SCALE], generation: true }),
  def({ group: 'apps', kind: 'StatefulSet', plural: 'statefulsets', short: ['sts'], all: true, sub: [STATUS('StatefulSet'), SCALE], generation: true }),
  def({ group: 'apps', kind: 'DaemonSet', plural: 'daemonsets', short: ['ds'], all: true, sub: [STATUS('DaemonSet')], generation: true }),
  def({ group: 'apps', kind: 'ControllerRevision', plural: 'controllerrevisions' }),
  // coordination.k8s.io/v1
  def({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases' }),
  // discovery.k8s.io/v1
  def({ group: 'discovery.k8s.io', kind: 'EndpointSlice', plural: 'endpointslices', generation: true }),
  // storage.k8s.io/v1
  def({ group: 'storage.k8s.io', kind: 'StorageClass', plural: 'storageclasses', namespaced: false, short: ['sc'] }),
  def({ group: 'storage.k8s.io', kind: 'VolumeAttachment', plural: 'volumeattachments', namespaced: false, sub: [STATUS('VolumeAttachment')] }),
  // policy/v1
  def({ group: 'policy', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', short: ['pdb'], sub: [STATUS('PodDisruptionBudget')], generation: true }),
  // events.k8s.io/v1 (the same objects as core/v1 events, other field names)
  def({ group: 'events.k8s.io', kind: 'Event', plural: 'events', short: ['ev'] }),
  // autoscaling.hale.dev/v1alpha1 (hale's own: src/api/nodepool)
  def({ group: 'autoscaling.hale.dev', version: 'v1alpha1', kind: 'NodePool', plural: 'nodepools', namespaced: false, short: ['np'], sub: [STATUS('NodePool')], generation: true }),
];

export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `deployments.apps`, `pods`: the key used for per-resource tables, validators, printers. */
export function resourceKey(r: { group: string; plural: string }): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

const byKey = new Map(RESOURCES.map((r) => [`${groupVersion(r)}/${r.plural}`, r]));
const byKind = new Map(RESOURCES.map((r) => [`${groupVersion(r)}/${r.kind}`, r]));

export function findResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byKey.get(`${groupVersion({ group, version })}/${plural}`);
}

export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}
