// How hale declares the schema of a kind of its own (one client-node has no
// model for, e.g. autoscaling.hale.dev/v1alpha1 NodePool): object nodes built
// by hand from node.ts's constructors, each field with its description, and
// client-node models reused for the nested standard types (ObjectMeta,
// Taint, Condition, ListMeta). The registry (own-models.ts) makes these
// models look like client-node ones to modelSchema/isModel (build.ts),
// modelDocs (descriptions.ts), rootModelFor (kinds.ts) and so to the strict
// decoder and the OpenAPI documents.
// Invariant: an own model's name IS its definition name
// (`dev.hale.autoscaling.v1alpha1.NodePool`): it can never collide with a
// client-node class name, and `<model>List` names the list kind's schema.

import { goTypeName } from './model-names.js';
import { arrayOf, STRING, type ObjectNode, type SchemaNode } from './node.js';

/** The same shape as descriptions.ts' ModelDocs (structurally), kept here to avoid an import cycle. */
export interface OwnModelDocs {
  description: string | undefined;
  fields: Map<string, string>;
  required: string[];
}

export interface OwnModel {
  node: ObjectNode;
  docs: OwnModelDocs;
}

/** A served kind whose root schema is an own model (its list schema is `<model>List`). */
export interface OwnKind {
  group: string;
  version: string;
  kind: string;
  model: string;
}

export interface OwnModelSet {
  kinds: OwnKind[];
  models: OwnModel[];
}

/**
 * A module declaring own kinds. `clientModel` resolves client-node models by
 * class name (`V1ObjectMeta`); own models refer to each other directly.
 */
export type OwnModelSource = (clientModel: (name: string) => ObjectNode) => OwnModelSet;

export interface FieldDef {
  node: SchemaNode;
  description: string;
  required?: boolean;
}

/** An own object model named by its definition (`dev.hale.autoscaling.v1alpha1.NodePoolSpec`). */
export function defineModel(d: { definition: string; description: string; fields: Record<string, FieldDef> }): OwnModel {
  const goName = d.definition.slice(d.definition.lastIndexOf('.') + 1);
  const node: ObjectNode = { type: 'object', model: d.definition, definition: d.definition, goName, goType: goTypeName(d.definition), fields: new Map() };
  const docs: OwnModelDocs = { description: d.description, fields: new Map(), required: [] };
  for (const [name, f] of Object.entries(d.fields)) {
    node.fields.set(name, f.node);
    docs.fields.set(name, f.description);
    if (f.required) docs.required.push(name);
  }
  return { node, docs };
}

// Kubernetes' own wording for the fields every object and list has.
const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const OBJECT_META_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_META_DOC = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** apiVersion, kind and metadata (ObjectMeta), as every top-level kind has them. */
export function objectFields(clientModel: (name: string) => ObjectNode): Record<string, FieldDef> {
  return {
    apiVersion: { node: STRING, description: API_VERSION_DOC },
    kind: { node: STRING, description: KIND_DOC },
    metadata: { node: clientModel('V1ObjectMeta'), description: OBJECT_META_DOC },
  };
}

/** The `<Kind>List` model of a kind: apiVersion, items, kind, metadata (ListMeta). */
export function defineListModel(item: OwnModel, clientModel: (name: string) => ObjectNode, itemsDescription: string): OwnModel {
  return defineModel({
    definition: `${item.node.definition}List`,
    description: `${item.node.goName}List is a list of ${item.node.goName} objects.`,
    fields: {
      apiVersion: { node: STRING, description: API_VERSION_DOC },
      items: { node: arrayOf(item.node), description: itemsDescription, required: true },
      kind: { node: STRING, description: KIND_DOC },
      metadata: { node: clientModel('V1ListMeta'), description: LIST_META_DOC },
    },
  });
}
