// Fields whose Kubernetes type client-node flattens away. client-node types
// every resource.Quantity as `string` (Kubernetes also takes JSON numbers:
// `cpu: 0.5`, `memory: 1073741824`) and every RawExtension / FieldsV1 as
// `any`. Without this table a quantity written as a number would be a type
// error and the OpenAPI documents would call it a plain string.
// Source: every `resource.Quantity` property in Kubernetes' swagger.json
// (v1.32–v1.34) of a model client-node 1.4.0 has; kinds hale does not serve
// are kept so the table stays true if they are added.

/** `Model.field` for each field that holds a Quantity, or a map of them (ResourceList). */
const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1PodSpec.overhead',
  'V1ContainerStatus.allocatedResources',
  'V1NodeStatus.allocatable',
  'V1NodeStatus.capacity',
  'V1PersistentVolumeSpec.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1ResourceFieldSelector.divisor',
  'V1ResourceQuotaSpec.hard',
  'V1ResourceQuotaStatus.hard',
  'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.max',
  'V1LimitRangeItem.maxLimitRequestRatio',
  'V1LimitRangeItem.min',
  'V1Overhead.podFixed',
  'V1CSIStorageCapacity.capacity',
  'V1CSIStorageCapacity.maximumVolumeSize',
]);

export function isQuantityField(model: string, field: string): boolean {
  return QUANTITY_FIELDS.has(`${model}.${field}`);
}

/** The `any`-typed fields that are metav1.FieldsV1; every other `any` is a RawExtension. */
export function isFieldsV1(model: string, field: string): boolean {
  return model === 'V1ManagedFieldsEntry' && field === 'fieldsV1';
}

/** For tests: the table, to check each entry still names a real client-node field. */
export function quantityFieldNames(): readonly string[] {
  return [...QUANTITY_FIELDS];
}
