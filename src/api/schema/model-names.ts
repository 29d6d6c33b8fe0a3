// client-node class names → the names Kubernetes gives the same schemas
// (`V1PodSpec` → `io.k8s.api.core.v1.PodSpec`). client-node drops the Go
// package from most class names, so the package comes from this table,
// checked against Kubernetes' own swagger.json for every model reachable
// from a served kind (client-node 1.4.0, spec v1.34). Models not listed here
// are core/v1; that default is only right for what hale serves.

const CORE = 'io.k8s.api.core.v1';

const PACKAGES: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1': [
    'V1ObjectMeta', 'V1ManagedFieldsEntry', 'V1OwnerReference', 'V1LabelSelector', 'V1LabelSelectorRequirement',
    'V1ListMeta', 'V1Condition', 'V1DeleteOptions', 'V1Preconditions', 'V1Status', 'V1StatusDetails',
    'V1StatusCause', 'V1WatchEvent',
  ],
  'io.k8s.api.apps.v1': [
    'V1Deployment', 'V1DeploymentSpec', 'V1DeploymentStrategy', 'V1RollingUpdateDeployment', 'V1DeploymentStatus',
    'V1DeploymentCondition', 'V1DeploymentList', 'V1ReplicaSet', 'V1ReplicaSetSpec', 'V1ReplicaSetStatus',
    'V1ReplicaSetCondition', 'V1ReplicaSetList', 'V1StatefulSet', 'V1StatefulSetSpec', 'V1StatefulSetOrdinals',
    'V1StatefulSetPersistentVolumeClaimRetentionPolicy', 'V1StatefulSetUpdateStrategy',
    'V1RollingUpdateStatefulSetStrategy', 'V1StatefulSetStatus', 'V1StatefulSetCondition', 'V1StatefulSetList',
    'V1DaemonSet', 'V1DaemonSetSpec', 'V1DaemonSetUpdateStrategy', 'V1RollingUpdateDaemonSet', 'V1DaemonSetStatus',
    'V1DaemonSetCondition', 'V1DaemonSetList', 'V1ControllerRevision', 'V1ControllerRevisionList',
  ],
  'io.k8s.api.coordination.v1': ['V1Lease', 'V1LeaseSpec', 'V1LeaseList'],
  'io.k8s.api.discovery.v1': [
    'V1EndpointSlice', 'V1Endpoint', 'V1EndpointConditions', 'V1EndpointHints', 'V1ForNode', 'V1ForZone',
    'DiscoveryV1EndpointPort', 'V1EndpointSliceList',
  ],
  'io.k8s.api.storage.v1': [
    'V1StorageClass', 'V1StorageClassList', 'V1VolumeAttachment', 'V1VolumeAttachmentSpec', 'V1VolumeAttachmentSource',
    'V1VolumeAttachmentStatus', 'V1VolumeError', 'V1VolumeAttachmentList',
  ],
  'io.k8s.api.policy.v1': [
    'V1PodDisruptionBudget', 'V1PodDisruptionBudgetSpec', 'V1PodDisruptionBudgetStatus', 'V1PodDisruptionBudgetList',
    'V1Eviction',
  ],
  'io.k8s.api.events.v1': ['EventsV1Event', 'EventsV1EventSeries', 'EventsV1EventList'],
  'io.k8s.api.autoscaling.v1': ['V1Scale', 'V1ScaleSpec', 'V1ScaleStatus'],
};

const packageOf = new Map<string, string>();
for (const [pkg, models] of Object.entries(PACKAGES)) for (const m of models) packageOf.set(m, pkg);

/** `V1PodSpec` → `PodSpec`, `CoreV1Event` → `Event`, `DiscoveryV1EndpointPort` → `EndpointPort`. */
export function goName(model: string): string {
  return model.replace(/^([A-Z][a-z]+)?V\d+((alpha|beta)\d+)?/, '');
}

/** `V1PodSpec` → `io.k8s.api.core.v1.PodSpec`. */
export function definitionName(model: string): string {
  return `${packageOf.get(model) ?? CORE}.${goName(model)}`;
}

/** `io.k8s.api.core.v1.PodSpec` → `v1.PodSpec`, the way Go's reflect names the type. */
export function goTypeName(definition: string): string {
  const parts = definition.split('.');
  return parts.slice(-2).join('.');
}

/** Schemas for the types client-node flattens to primitives, named as Kubernetes names them. */
export const SPECIAL_DEFINITIONS = {
  Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  MicroTime: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  FieldsV1: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  RawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
} as const;
