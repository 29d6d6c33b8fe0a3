// The shape of hale's field knowledge: one node per JSON type a Kubernetes
// field can hold. Built once from client-node's attribute maps (build.ts) and
// then only read: by the strict decoder (unknown/duplicate fields, JSON type
// errors) and by the OpenAPI documents, so the two cannot disagree.
// Invariant: object nodes are shared (one per model) and may form cycles;
// walkers must not assume a tree when they recurse without a value to follow.

export type ScalarNode =
  | { readonly type: 'string'; readonly byte: boolean; readonly goType: string }
  | { readonly type: 'integer'; readonly format: 'int32' | 'int64'; readonly goType: string }
  | { readonly type: 'number'; readonly goType: string }
  | { readonly type: 'boolean'; readonly goType: string }
  /** metav1.Time (RFC3339) or metav1.MicroTime (RFC3339 with exactly six fraction digits) */
  | { readonly type: 'time'; readonly micro: boolean; readonly goType: string }
  /** resource.Quantity: a JSON string or number in Kubernetes' quantity syntax */
  | { readonly type: 'quantity'; readonly goType: string }
  /** intstr.IntOrString: a JSON string or an int32 */
  | { readonly type: 'int-or-string'; readonly goType: string }
  /** runtime.RawExtension / metav1.FieldsV1: any JSON, kept verbatim, never checked inside */
  | { readonly type: 'free-form'; readonly definition: 'RawExtension' | 'FieldsV1'; readonly goType: string };

export interface ArrayNode {
  readonly type: 'array';
  readonly items: SchemaNode;
  readonly goType: string;
}

export interface MapNode {
  readonly type: 'map';
  readonly values: SchemaNode;
  readonly goType: string;
}

export interface ObjectNode {
  readonly type: 'object';
  /** client-node class name, e.g. `V1PodSpec`, `CoreV1Event` */
  readonly model: string;
  /** Kubernetes' schema name, e.g. `io.k8s.api.core.v1.PodSpec` */
  readonly definition: string;
  /** Go struct name as encoding/json reports it, e.g. `PodSpec` */
  readonly goName: string;
  /** e.g. `v1.PodSpec` */
  readonly goType: string;
  /** JSON field name → node; filled right after the node is registered (cycles) */
  readonly fields: Map<string, SchemaNode>;
}

export type SchemaNode = ScalarNode | ArrayNode | MapNode | ObjectNode;

export const STRING: ScalarNode = { type: 'string', byte: false, goType: 'string' };
export const BYTES: ScalarNode = { type: 'string', byte: true, goType: '[]uint8' };
export const INT32: ScalarNode = { type: 'integer', format: 'int32', goType: 'int32' };
export const INT64: ScalarNode = { type: 'integer', format: 'int64', goType: 'int64' };
export const DOUBLE: ScalarNode = { type: 'number', goType: 'float64' };
export const BOOLEAN: ScalarNode = { type: 'boolean', goType: 'bool' };
export const TIME: ScalarNode = { type: 'time', micro: false, goType: 'v1.Time' };
export const MICRO_TIME: ScalarNode = { type: 'time', micro: true, goType: 'v1.MicroTime' };
export const QUANTITY: ScalarNode = { type: 'quantity', goType: 'resource.Quantity' };
export const INT_OR_STRING: ScalarNode = { type: 'int-or-string', goType: 'intstr.IntOrString' };
export const RAW_EXTENSION: ScalarNode = { type: 'free-form', definition: 'RawExtension', goType: 'runtime.RawExtension' };
export const FIELDS_V1: ScalarNode = { type: 'free-form', definition: 'FieldsV1', goType: 'v1.FieldsV1' };

export function arrayOf(items: SchemaNode): ArrayNode {
  return { type: 'array', items, goType: `[]${items.goType}` };
}

export function mapOf(values: SchemaNode): MapNode {
  // Every map of quantities in the served APIs is core/v1's named type ResourceList.
  const goType = values === QUANTITY ? 'v1.ResourceList' : `map[string]${values.goType}`;
  return { type: 'map', values, goType };
}
