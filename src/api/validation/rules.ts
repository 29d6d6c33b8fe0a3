// The per-resource rules the registry runs on every write: Kubernetes 1.32's
// defaulting, then its semantic validation for create, update and status
// writes. rulesFor() knows every resource in ../resources.ts; a key it does
// not know gets the generic rules (metadata only, DNS-subdomain names).
//
// Invariants: applyDefaults is idempotent and only fills what is missing;
// the validate functions never modify their arguments and never throw on
// malformed JSON (the shape checker reports that separately).

import type { FieldError } from '../field-errors.js';
import type { KObject } from '../object.js';
import { RESOURCES, resourceKey as keyOf } from '../resources.js';
import { defaultNodePool } from '../nodepool/defaults.js';
import { validateNodePoolCreate, validateNodePoolStatusUpdate, validateNodePoolUpdate } from '../nodepool/validation.js';
import { defaultEndpoints, defaultEndpointSlice } from '../defaults/endpoints.js';
import { defaultMetadata } from '../defaults/metadata.js';
import { defaultNamespace } from '../defaults/namespace.js';
import { defaultNode } from '../defaults/node.js';
import { defaultPod } from '../defaults/pod.js';
import { defaultPersistentVolumeClaim } from '../defaults/pvc.js';
import { defaultSecret } from '../defaults/secret.js';
import { defaultService } from '../defaults/service.js';
import { defaultPV, defaultStorageClass } from '../defaults/storage.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaults/workloads.js';
import { validateConfigMapCreate, validateConfigMapUpdate, validateSecretCreate, validateSecretUpdate } from './config.js';
import { validateControllerRevisionCreate, validateControllerRevisionUpdate } from './controllerrevision.js';
import { validateDaemonSetCreate, validateDaemonSetStatusUpdate, validateDaemonSetUpdate } from './daemonset.js';
import { validateDeploymentCreate, validateDeploymentStatusUpdate, validateDeploymentUpdate } from './deployment.js';
import { validateEndpointsCreate, validateEndpointsUpdate } from './endpoints.js';
import { validateEndpointSliceCreate, validateEndpointSliceUpdate } from './endpointslice.js';
import { validateCoreEventCreate, validateCoreEventUpdate, validateEventsV1Create, validateEventsV1Update } from './events.js';
import { validateLeaseCreate, validateLeaseUpdate } from './lease.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateNamespaceCreate, validateNamespaceStatusUpdate, validateNamespaceUpdate } from './namespace.js';
import { validateNodeCreate, validateNodeUpdate, validateNodeUpdateRules } from './node.js';
import { validatePDBCreate, validatePDBStatusUpdate, validatePDBUpdate } from './pdb.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from './pod.js';
import { validatePVCreate, validatePVStatusUpdate, validatePVUpdate } from './pv.js';
import { validatePVCCreate, validatePVCStatusUpdate, validatePVCUpdate } from './pvc.js';
import { validateReplicaSetCreate, validateReplicaSetStatusUpdate, validateReplicaSetUpdate } from './replicaset.js';
import { validateServiceObject, validateServiceStatusUpdate, validateServiceUpdate } from './service.js';
import { validateStatefulSetCreate, validateStatefulSetStatusUpdate, validateStatefulSetUpdate } from './statefulset.js';
import { validateStorageClassCreate, validateStorageClassUpdate } from './storageclass.js';
import { validateVolumeAttachmentCreate, validateVolumeAttachmentStatusUpdate, validateVolumeAttachmentUpdate } from './volumeattachment.js';

export interface KindRules {
  /** set Kubernetes' defaults in place (create and update both call it, before validation) */
  applyDefaults(obj: KObject): void;
  /** validate a new object (metadata included: name rules for this kind, labels, annotations, ownerReferences, finalizers) */
  validateCreate(obj: KObject): FieldError[];
  /** validate an update: everything validateCreate checks plus immutable fields (each with Kubernetes' "field is immutable" message), given the stored object */
  validateUpdate(obj: KObject, old: KObject): FieldError[];
  /** validate a write to the status subresource (often just metadata + status fields) */
  validateStatusUpdate(obj: KObject, old: KObject): FieldError[];
}

type Validate = (o: KObject) => FieldError[];
type ValidateUpdate = (o: KObject, old: KObject) => FieldError[];

interface Entry {
  defaults?: (o: KObject) => void;
  create: Validate;
  update: ValidateUpdate;
  /** defaults to the metadata update rules alone */
  status?: ValidateUpdate;
}

const metaOnlyUpdate: ValidateUpdate = (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata);

/** A kind with no rules of its own: ObjectMeta with a DNS-subdomain name. */
function generic(namespaced: boolean): Entry {
  const create: Validate = (o) => validateObjectMeta(o.metadata, { nameFn: nameIsDNSSubdomain, namespaced });
  return { create, update: (o, old) => [...metaOnlyUpdate(o, old), ...create(o)] };
}

const ENTRIES: Record<string, Entry> = {
  pods: { defaults: defaultPod, create: validatePodCreate, update: validatePodUpdate, status: validatePodStatusUpdate },
  nodes: { defaults: defaultNode, create: validateNodeCreate, update: validateNodeUpdate, status: validateNodeUpdateRules },
  services: { defaults: defaultService, create: validateServiceObject, update: validateServiceUpdate, status: validateServiceStatusUpdate },
  endpoints: { defaults: defaultEndpoints, create: validateEndpointsCreate, update: validateEndpointsUpdate },
  events: { create: validateCoreEventCreate, update: validateCoreEventUpdate },
  namespaces: { defaults: defaultNamespace, create: validateNamespaceCreate, update: validateNamespaceUpdate, status: validateNamespaceStatusUpdate },
  configmaps: { create: validateConfigMapCreate, update: validateConfigMapUpdate },
  secrets: { defaults: defaultSecret, create: validateSecretCreate, update: validateSecretUpdate },
  persistentvolumes: { defaults: defaultPV, create: validatePVCreate, update: validatePVUpdate, status: validatePVStatusUpdate },
  persistentvolumeclaims: { defaults: defaultPersistentVolumeClaim, create: validatePVCCreate, update: validatePVCUpdate, status: validatePVCStatusUpdate },
  serviceaccounts: generic(true),
  'deployments.apps': { defaults: defaultDeployment, create: validateDeploymentCreate, update: validateDeploymentUpdate, status: validateDeploymentStatusUpdate },
  'replicasets.apps': { defaults: defaultReplicaSet, create: validateReplicaSetCreate, update: validateReplicaSetUpdate, status: validateReplicaSetStatusUpdate },
  'statefulsets.apps': { defaults: defaultStatefulSet, create: validateStatefulSetCreate, update: validateStatefulSetUpdate, status: validateStatefulSetStatusUpdate },
  'daemonsets.apps': { defaults: defaultDaemonSet, create: validateDaemonSetCreate, update: validateDaemonSetUpdate, status: validateDaemonSetStatusUpdate },
  'controllerrevisions.apps': { create: validateControllerRevisionCreate, update: validateControllerRevisionUpdate },
  'leases.coordination.k8s.io': { create: validateLeaseCreate, update: validateLeaseUpdate },
  'endpointslices.discovery.k8s.io': { defaults: defaultEndpointSlice, create: validateEndpointSliceCreate, update: validateEndpointSliceUpdate },
  'storageclasses.storage.k8s.io': { defaults: defaultStorageClass, create: validateStorageClassCreate, update: validateStorageClassUpdate },
  'volumeattachments.storage.k8s.io': {
    create: validateVolumeAttachmentCreate,
    update: validateVolumeAttachmentUpdate,
    status: validateVolumeAttachmentStatusUpdate,
  },
  'poddisruptionbudgets.policy': { create: validatePDBCreate, update: validatePDBUpdate, status: validatePDBStatusUpdate },
  'events.events.k8s.io': { create: validateEventsV1Create, update: validateEventsV1Update },
  'nodepools.autoscaling.hale.dev': { defaults: defaultNodePool, create: validateNodePoolCreate, update: validateNodePoolUpdate, status: validateNodePoolStatusUpdate },
};

const SCOPE = new Map(RESOURCES.map((r) => [keyOf(r), r.namespaced]));

export function rulesFor(resourceKey: string /* 'pods', 'deployments.apps', … as resourceKey() in resources.ts */): KindRules {
  const namespaced = SCOPE.get(resourceKey) ?? true;
  const entry = ENTRIES[resourceKey] ?? generic(namespaced);
  return {
    applyDefaults(o) {
      defaultMetadata(o, namespaced);
      entry.defaults?.(o);
    },
    validateCreate: (o) => entry.create(o),
    validateUpdate: (o, old) => entry.update(o, old),
    validateStatusUpdate: (o, old) => (entry.status ?? metaOnlyUpdate)(o, old),
  };
}

/** Every resource key that has rules of its own (the rest get the generic ones). */
export const RULED_RESOURCES: readonly string[] = Object.keys(ENTRIES);
