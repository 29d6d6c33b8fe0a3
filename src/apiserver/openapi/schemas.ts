// `components.schemas` of an OpenAPI v3 document, generated from the same
// schema nodes the strict decoder checks bodies against. Object models become
// named components (`io.k8s.api.core.v1.PodSpec`) linked by `$ref`; the types
// client-node flattens (Time, Quantity, IntOrString, RawExtension, FieldsV1)
// become the components Kubernetes publishes for them. Only the schemas
// reachable from a document's roots are emitted, as kube-apiserver does.

import { modelDocs } from '../../api/schema/descriptions.js';
import { SPECIAL_DEFINITIONS } from '../../api/schema/model-names.js';
import type { ObjectNode, SchemaNode } from '../../api/schema/node.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

export const REF_PREFIX = '#/components/schemas/';

export function ref(definition: string): JsonObject {
  return { $ref: `${REF_PREFIX}${definition}` };
}

const SPECIAL_SCHEMAS: Readonly<Record<keyof typeof SPECIAL_DEFINITIONS, JsonObject>> = {
  Time: {
    description: 'Time is a timestamp in RFC3339 form (`2006-01-02T15:04:05Z`), serialized with second precision.',
    type: 'string',
    format: 'date-time',
  },
  MicroTime: {
    description: 'MicroTime is a timestamp in RFC3339 form with exactly six fractional digits (`2006-01-02T15:04:05.000000Z`).',
    type: 'string',
    format: 'date-time',
  },
  FieldsV1: {
    description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
    type: 'object',
  },
  Quantity: {
    description: 'Quantity is a fixed-point representation of a number, written as a string (`100m`, `1.5Gi`, `2e3`) or a JSON number.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  IntOrString: {
    description: 'IntOrString holds either an int32 or a string.',
    // No `type`: kubectl explain then shows the field as <IntOrString>, as for Kubernetes' own schema.
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  },
  RawExtension: {
    description: 'RawExtension holds an arbitrary JSON object, usually a complete Kubernetes object.',
    type: 'object',
  },
};

/** Collects the components reachable from some roots. */
export class SchemaCollector {
  readonly schemas: JsonObject = {};
  private readonly gvks: Map<string, GVK[]>;
  private readonly done = new Set<string>();

  /** `gvks`: definition name → the kinds it is, for `x-kubernetes-group-version-kind`. */
  constructor(gvks: Map<string, GVK[]>) {
    this.gvks = gvks;
  }

  /** Adds a model and everything it refers to; returns a `$ref` to it. */
  add(node: ObjectNode): JsonObject {
    const pending: ObjectNode[] = [node];
    for (let next = pending.pop(); next; next = pending.pop()) this.emit(next, pending);
    return ref(node.definition);
  }

  private special(name: keyof typeof SPECIAL_DEFINITIONS): JsonObject {
    const definition = SPECIAL_DEFINITIONS[name];
    if (!this.done.has(definition)) {
      this.done.add(definition);
      this.schemas[definition] = SPECIAL_SCHEMAS[name];
    }
    return ref(definition);
  }

  /** The schema of a field's value: inline for primitives, `$ref` for named types. */
  private schemaOf(node: SchemaNode, pending: ObjectNode[]): JsonObject {
    switch (node.type) {
      case 'string': return node.byte ? { type: 'string', format: 'byte' } : { type: 'string' };
      case 'integer': return { type: 'integer', format: node.format };
      case 'number': return { type: 'number', format: 'double' };
      case 'boolean': return { type: 'boolean' };
      case 'time': return this.special(node.micro ? 'MicroTime' : 'Time');
      case 'quantity': return this.special('Quantity');
      case 'int-or-string': return this.special('IntOrString');
      case 'free-form': return this.special(node.definition);
      case 'array': return { type: 'array', items: this.schemaOf(node.items, pending) };
      case 'map': return { type: 'object', additionalProperties: this.schemaOf(node.values, pending) };
      case 'object':
        if (!this.done.has(node.definition)) pending.push(node);
        return ref(node.definition);
    }
  }

  private emit(node: ObjectNode, pending: ObjectNode[]): void {
    if (this.done.has(node.definition)) return;
    this.done.add(node.definition);
    const docs = modelDocs(node.model);
    const properties: JsonObject = {};
    for (const [name, field] of node.fields) {
      const schema = this.schemaOf(field, pending);
      // client-node drops the description of fields whose type is a model; the model's own stands in.
      const description = docs.fields.get(name) ?? (field.type === 'object' ? modelDocs(field.model).description : undefined);
      if (description === undefined) properties[name] = schema;
      // A `$ref` ignores its siblings in OpenAPI 3.0, so a described reference is wrapped.
      else if ('$ref' in schema) properties[name] = { description, allOf: [schema] };
      else properties[name] = { description, ...schema };
    }
    const out: JsonObject = {};
    if (docs.description !== undefined) out.description = docs.description;
    out.type = 'object';
    if (docs.required.length > 0) out.required = docs.required;
    out.properties = properties;
    const gvks = this.gvks.get(node.definition);
    if (gvks) out['x-kubernetes-group-version-kind'] = gvks.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
    this.schemas[node.definition] = out;
  }
}
