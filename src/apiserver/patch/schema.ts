// What a strategic merge patch needs to know about each kind: which fields are
// lists merged by a key, which are scalar lists merged as ordered sets, which
// objects are replaced whole, and where clients send `$retainKeys`. These are
// the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api v0.32 (and
// metav1.ObjectMeta), written down as data.
// Invariants: a field that is not described is a plain field — objects merge
// recursively, lists are atomic (replaced) — exactly like an untagged Go field.
// Lookups use own properties only, so a patch key like `constructor` can never
// pick up something from Object.prototype.

/** How one field behaves under a strategic merge patch. */
export interface PatchField {
  /**
   * `merge` (tag `patchStrategy:"merge"`): a list of objects merges element by
   * element on `mergeKey`; a list of scalars (no `mergeKey`) merges as an ordered set.
   * `replace` (tag `patchStrategy:"replace"`): an object field is replaced, not merged.
   * Absent: objects merge recursively, lists are replaced whole.
   */
  readonly strategy?: 'merge' | 'replace';
  /** `patchMergeKey`: the field that identifies an element of a merge list. */
  readonly mergeKey?: string;
  /**
   * `retainKeys` strategy (a union type): kubectl sends `$retainKeys` here. The
   * server honours `$retainKeys` wherever it appears, as Kubernetes does, so this
   * flag documents the schema rather than changing how a patch applies.
   */
  readonly retainKeys?: boolean;
  /** The nested object's fields (for a list: each element's fields). */
  readonly fields?: PatchSchema;
}

/** The described fields of one object type, by JSON name. */
export interface PatchSchema {
  readonly [field: string]: PatchField;
}

const NO_FIELDS: PatchSchema = {};

/** The description of `key` in `schema`, if any (own properties only). */
export function fieldOf(schema: PatchSchema, key: string): PatchField | undefined {
  return Object.hasOwn(schema, key) ? schema[key] : undefined;
}

/** The schema of the object (or list element) under `key`; empty when undescribed. */
export function fieldsOf(schema: PatchSchema, key: string): PatchSchema {
  return fieldOf(schema, key)?.fields ?? NO_FIELDS;
}

// ---- shared pieces -------------------------------------------------------

/** `conditions` everywhere, and node `status.addresses`. */
const BY_TYPE: PatchField = { strategy: 'merge', mergeKey: 'type' };
const BY_NAME: PatchField = { strategy: 'merge', mergeKey: 'name' };
const BY_IP: PatchField = { strategy: 'merge', mergeKey: 'ip' };
/** A list of scalars merged as an ordered set (`metadata.finalizers`, node `spec.podCIDRs`). */
const SCALAR_SET: PatchField = { strategy: 'merge' };

const OBJECT_META: PatchSchema = {
  finalizers: SCALAR_SET,
  ownerReferences: { strategy: 'merge', mergeKey: 'uid' },
};

/** core/v1 Container and EphemeralContainerCommon. */
const CONTAINER: PatchSchema = {
  ports: { strategy: 'merge', mergeKey: 'containerPort' },
  env: BY_NAME,
  volumeMounts: { strategy: 'merge', mergeKey: 'mountPath' },
  volumeDevices: { strategy: 'merge', mergeKey: 'devicePath' },
  // args, command, envFrom, resizePolicy, resources.claims: untagged, atomic.
};

const POD_SPEC: PatchSchema = {
  volumes: { strategy: 'merge', mergeKey: 'name', retainKeys: true },
  initContainers: { ...BY_NAME, fields: CONTAINER },
  containers: { ...BY_NAME, fields: CONTAINER },
  ephemeralContainers: { ...BY_NAME, fields: CONTAINER },
  imagePullSecrets: BY_NAME,
  hostAliases: BY_IP,
  topologySpreadConstraints: { strategy: 'merge', mergeKey: 'topologyKey' },
  schedulingGates: BY_NAME,
  resourceClaims: { strategy: 'merge', mergeKey: 'name', retainKeys: true },
  // tolerations, readinessGates, os, affinity terms: untagged.
};

const POD_STATUS: PatchSchema = {
  conditions: BY_TYPE,
  hostIPs: BY_IP,
  podIPs: BY_IP,
  resourceClaimStatuses: { strategy: 'merge', mergeKey: 'name', retainKeys: true },
  // containerStatuses / initContainerStatuses / ephemeralContainerStatuses are
  // untagged, hence atomic: the tags inside ContainerStatus never come into play.
};

const POD_TEMPLATE_SPEC: PatchSchema = {
  metadata: { fields: OBJECT_META },
  spec: { fields: POD_SPEC },
};

const CONDITIONS_STATUS: PatchSchema = { conditions: BY_TYPE };

/** A top-level kind: `metadata` is always ObjectMeta. */
function kind(fields: PatchSchema): PatchSchema {
  return { metadata: { fields: OBJECT_META }, ...fields };
}

function workload(spec: PatchSchema): PatchSchema {
  return kind({ spec: { fields: spec }, status: { fields: CONDITIONS_STATUS } });
}

const METADATA_ONLY = kind({});

/** Keyed by `<apiVersion>/<kind>`. */
const KINDS: Readonly<Record<string, PatchSchema>> = {
  // core/v1
  'v1/Pod': kind({ spec: { fields: POD_SPEC }, status: { fields: POD_STATUS } }),
  'v1/Node': kind({
    spec: { fields: { podCIDRs: SCALAR_SET } }, // taints: untagged, atomic
    status: { fields: { conditions: BY_TYPE, addresses: BY_TYPE } }, // images, volumesAttached: atomic
  }),
  'v1/Service': kind({
    spec: { fields: { ports: { strategy: 'merge', mergeKey: 'port' } } },
    status: { fields: CONDITIONS_STATUS },
  }),
  'v1/Endpoints': METADATA_ONLY, // subsets: atomic
  'v1/Event': METADATA_ONLY,
  'v1/Namespace': kind({ status: { fields: CONDITIONS_STATUS } }),
  'v1/ConfigMap': METADATA_ONLY,
  'v1/Secret': METADATA_ONLY,
  'v1/PersistentVolume': METADATA_ONLY, // accessModes, mountOptions: atomic
  'v1/PersistentVolumeClaim': kind({ status: { fields: CONDITIONS_STATUS } }),
  'v1/ServiceAccount': kind({ secrets: BY_NAME }), // imagePullSecrets here is untagged: atomic
  // apps/v1
  'apps/v1/Deployment': workload({
    template: { fields: POD_TEMPLATE_SPEC },
    strategy: { retainKeys: true },
  }),
  'apps/v1/ReplicaSet': workload({ template: { fields: POD_TEMPLATE_SPEC } }),
  // volumeClaimTemplates and updateStrategy are untagged: the list is atomic, the object merges.
  'apps/v1/StatefulSet': workload({ template: { fields: POD_TEMPLATE_SPEC } }),
  'apps/v1/DaemonSet': workload({ template: { fields: POD_TEMPLATE_SPEC } }),
  'apps/v1/ControllerRevision': METADATA_ONLY,
  // coordination.k8s.io/v1, discovery.k8s.io/v1, storage.k8s.io/v1: no tags below metadata.
  'coordination.k8s.io/v1/Lease': METADATA_ONLY,
  'discovery.k8s.io/v1/EndpointSlice': METADATA_ONLY,
  'storage.k8s.io/v1/StorageClass': METADATA_ONLY,
  'storage.k8s.io/v1/VolumeAttachment': METADATA_ONLY,
  // policy/v1: the selector is `patchStrategy:"replace"`.
  'policy/v1/PodDisruptionBudget': kind({
    spec: { fields: { selector: { strategy: 'replace' } } },
    status: { fields: CONDITIONS_STATUS },
  }),
  'events.k8s.io/v1/Event': METADATA_ONLY,
  'autoscaling/v1/Scale': METADATA_ONLY,
};

/** The kinds `patchSchemaFor` knows, as `<apiVersion>/<kind>`. */
export function describedKinds(): string[] {
  return Object.keys(KINDS);
}

/**
 * The strategic-merge description of `apiVersion`/`kind`. A kind hale does not
 * describe gets ObjectMeta only: every other field merges as an untagged Go field would.
 */
export function patchSchemaFor(apiVersion: string, kindName: string): PatchSchema {
  const key = `${apiVersion}/${kindName}`;
  return (Object.hasOwn(KINDS, key) ? KINDS[key] : undefined) ?? METADATA_ONLY;
}
