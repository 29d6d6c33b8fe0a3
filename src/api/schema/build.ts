// Turns client-node's generated attribute maps (`static getAttributeTypeMap()`
// on every model class) into hale's schema nodes. Runs once per model, on
// first use, and caches the result for the life of the process: the per-write
// checks only ever walk the finished nodes, never client-node.
// Fails loudly (throws) on a type string it does not understand, so a new
// client-node release cannot silently turn a field into "anything goes".
// hale's own kinds (no client-node model) come from the own-model registry
// (own-models.ts) and are served through the same functions.

import * as k8s from '@kubernetes/client-node';
import { isFieldsV1, isQuantityField } from './flattened-fields.js';
import { definitionName, goName, goTypeName } from './model-names.js';
import {
  arrayOf, BOOLEAN, BYTES, DOUBLE, FIELDS_V1, INT32, INT64, mapOf, MICRO_TIME, QUANTITY, RAW_EXTENSION, STRING, TIME,
  INT_OR_STRING, type ObjectNode, type SchemaNode,
} from './node.js';
import type { OwnKind, OwnModel } from './own-model.js';
import { ownRegistry } from './own-models.js';

/** One entry of a client-node attribute map. */
export interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface ModelClass {
  getAttributeTypeMap(): Attribute[];
}

function isModelClass(v: unknown): v is ModelClass {
  return typeof v === 'function' && typeof (v as { getAttributeTypeMap?: unknown }).getAttributeTypeMap === 'function';
}

// The module namespace indexed by class name; client-node exports every model by name.
const exported = k8s as unknown as Readonly<Record<string, unknown>>;

/** The attribute map of a client-node model, or undefined when there is no such model. */
export function attributesOf(model: string): readonly Attribute[] | undefined {
  const cls = exported[model];
  return isModelClass(cls) ? cls.getAttributeTypeMap() : undefined;
}

export function isModel(model: string): boolean {
  return isModelClass(exported[model]) || ownModel(model) !== undefined;
}

/** One of hale's own models (by definition name), or undefined. */
export function ownModel(model: string): OwnModel | undefined {
  return ownRegistry(modelSchema).models.get(model);
}

/** The served kinds whose schemas are hale's own models. */
export function ownKinds(): readonly OwnKind[] {
  return ownRegistry(modelSchema).kinds;
}

const models = new Map<string, ObjectNode>();

/** The (cached) node for a client-node model class or an own model; throws if there is no such model. */
export function modelSchema(model: string): ObjectNode {
  const known = models.get(model);
  if (known) return known;
  const attrs = attributesOf(model);
  if (!attrs) {
    const own = ownModel(model);
    if (own) return own.node;
    throw new Error(`schema: @kubernetes/client-node has no model ${model}, nor is it one of hale's own`);
  }
  const definition = definitionName(model);
  const node: ObjectNode = { type: 'object', model, definition, goName: goName(model), goType: goTypeName(definition), fields: new Map() };
  // Registered before the fields are built so self-referencing models terminate.
  models.set(model, node);
  for (const a of attrs) node.fields.set(a.baseName, typeNode(a.type, a.format, model, a.baseName));
  return node;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

function typeNode(type: string, format: string, model: string, field: string): SchemaNode {
  const array = ARRAY.exec(type);
  if (array?.[1] !== undefined) return arrayOf(typeNode(array[1], format, model, field));
  const map = MAP.exec(type);
  if (map?.[1] !== undefined) return mapOf(typeNode(map[1], format, model, field));
  switch (type) {
    case 'string':
      if (isQuantityField(model, field)) return QUANTITY;
      return format === 'byte' ? BYTES : STRING;
    case 'number':
      if (format === 'int32') return INT32;
      if (format === 'int64') return INT64;
      return DOUBLE;
    case 'boolean':
      return BOOLEAN;
    case 'Date':
      return TIME;
    case 'V1MicroTime':
      return MICRO_TIME;
    case 'IntOrString':
      return INT_OR_STRING;
    case 'any':
    case 'object':
      return isFieldsV1(model, field) ? FIELDS_V1 : RAW_EXTENSION;
    default:
      if (isModel(type)) return modelSchema(type);
      throw new Error(`schema: ${model}.${field} has type ${JSON.stringify(type)} that hale does not understand`);
  }
}
