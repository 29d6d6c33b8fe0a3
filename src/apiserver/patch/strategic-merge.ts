// Kubernetes' strategic merge patch (application/strategic-merge-patch+json),
// as the API server applies it (strategicpatch.StrategicMergeMapPatch).
// For each patch key: `null` deletes; a value the original lacks, or of another
// JSON type, replaces; objects merge recursively (unless the schema says
// `replace`); lists merge or are replaced per schema (strategic-list.ts);
// scalars replace. In a map, `$patch: replace` makes the patch the whole map,
// `$patch: delete` empties it, `$retainKeys` drops keys of the original it does
// not list, `$setElementOrder/<list>` orders a list, and
// `$deleteFromPrimitiveList/<list>` removes scalars.
// Invariants: never mutates its arguments (it merges private copies); the
// result holds no directive keys; failures are ApiErrors (400, or 422 for
// lists of lists).

import { isJsonObject } from '../../api/object.js';
import type { JsonObject } from '../../api/object.js';
import {
  DELETE,
  PATCH_DIRECTIVE,
  REPLACE,
  RETAIN_KEYS_DIRECTIVE,
  newContent,
  parseDirectiveKey,
  stripDirectives,
} from './directives.js';
import { ElementIdentity } from './element-order.js';
import { cloneJson, deleteField, getField, hasField, kindOf, setField, show } from './json-value.js';
import { malformedPatch } from './patch-errors.js';
import { fieldOf, fieldsOf } from './schema.js';
import type { PatchSchema } from './schema.js';
import { elementKind, mergeListField } from './strategic-list.js';

/**
 * Applies `patch` to `original`. A JSON `null` body is a no-op, as in
 * Kubernetes (it decodes to an empty map); any other non-object body is 400
 * with the Go decoder's message.
 */
export function strategicMergePatch(opts: { original: JsonObject; patch: unknown; schema: PatchSchema }): JsonObject {
  const { original, patch, schema } = opts;
  if (patch === null) return cloneJson(original);
  if (!isJsonObject(patch)) {
    throw malformedPatch(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(cloneJson(original), cloneJson(patch), schema);
}

function goJsonType(value: unknown): string {
  const k = kindOf(value);
  return k === 'null' ? 'null' : k === 'boolean' ? 'bool' : k;
}

/** strategicpatch.mergeMap. Mutates and returns `original`; consumes `patch`. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject {
  if (hasField(patch, PATCH_DIRECTIVE)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  applyElementOrders(original, patch, schema);

  for (const rawKey of Object.keys(patch)) {
    const directive = parseDirectiveKey(rawKey);
    // `$setElementOrder` and `$retainKeys` were consumed above; `$patch` returned early.
    const isDeleteList = directive?.kind === 'deleteFromPrimitiveList';
    const key = directive?.kind === 'deleteFromPrimitiveList' ? directive.list : rawKey;
    const patchValue = patch[rawKey];

    if (patchValue === null) {
      deleteField(original, key);
      continue;
    }
    const current = getField(original, key);
    const kind = kindOf(patchValue);
    if (!hasField(original, key) || kindOf(current) !== kind) {
      // A delete list for a list the original lacks changes nothing.
      if (!isDeleteList) setNewContent(original, key, patchValue);
      continue;
    }
    if (kind === 'object') {
      const field = fieldOf(schema, key);
      const merged =
        field?.strategy === 'replace'
          ? stripDirectives(patchValue)
          : mergeMap(current as JsonObject, patchValue as JsonObject, fieldsOf(schema, key));
      setField(original, key, merged);
    } else if (kind === 'array') {
      const merged = mergeListField(current as unknown[], patchValue as unknown[], {
        name: key,
        field: fieldOf(schema, key),
        isDeleteList,
        mergeElement: elementMerger(schema, key),
      });
      setField(original, key, merged.list);
    } else {
      setField(original, key, patchValue);
    }
  }
  return original;
}

/** Merges elements of the list `key` with the list's element schema. */
function elementMerger(schema: PatchSchema, key: string): (original: JsonObject, patch: JsonObject) => JsonObject {
  const elementSchema = fieldsOf(schema, key);
  return (original, patch) => mergeMap(original, patch, elementSchema);
}

function setNewContent(original: JsonObject, key: string, value: unknown): void {
  const kept = newContent(value);
  if (kept === undefined) deleteField(original, key);
  else setField(original, key, kept);
}

/** `$patch` in a map: `replace` → the patch (without directives) is the map; `delete` → `{}`. */
function mapDirective(patch: JsonObject): JsonObject {
  const directive = patch[PATCH_DIRECTIVE];
  if (directive === REPLACE) {
    deleteField(patch, PATCH_DIRECTIVE);
    return stripDirectives(patch) as JsonObject;
  }
  if (directive === DELETE) return {};
  throw malformedPatch(`unknown patch type: ${show(directive)} in map: ${show(patch)}`);
}

/**
 * `$retainKeys: [k…]`: every non-null patch field must be listed (else 400), and
 * keys of the original that are not listed are dropped before merging.
 */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasField(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retain = patch[RETAIN_KEYS_DIRECTIVE];
  deleteField(patch, RETAIN_KEYS_DIRECTIVE);
  if (!Array.isArray(retain)) throw malformedPatch('invalid patch format of retainKeys');
  for (const key of Object.keys(patch)) {
    const kind = parseDirectiveKey(key)?.kind;
    if (patch[key] === null || kind === 'deleteFromPrimitiveList' || kind === 'setElementOrder') continue;
    if (!retain.includes(key)) throw malformedPatch('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) {
    if (!retain.includes(key)) deleteField(original, key);
  }
}

/**
 * Every `$setElementOrder/<list>` in this map (strategicpatch.mergePatchIntoOriginal):
 * merges `<list>` (if the patch has it), then orders the result: the named
 * elements in the directive's order, server-only elements interleaved by their
 * position in the live list as the merge left it (see MergedList). Consumes
 * the directive and the list from `patch`.
 */
function applyElementOrders(original: JsonObject, patch: JsonObject, schema: PatchSchema): void {
  for (const rawKey of Object.keys(patch)) {
    const directive = parseDirectiveKey(rawKey);
    if (directive?.kind !== 'setElementOrder') continue;
    const order = patch[rawKey];
    deleteField(patch, rawKey);
    const key = directive.list;
    if (!Array.isArray(order)) throw malformedPatch(`$setElementOrder/${key} must be a list, got ${show(order)}`);

    // A null live value counts as absent (Kubernetes' typed objects never hold one).
    const current = getField(original, key) ?? undefined;
    const patchList = getField(patch, key);
    if (current !== undefined && !Array.isArray(current)) throw malformedPatch(`${key}: cannot order a non-list value ${show(current)}`);
    if (patchList !== undefined && !Array.isArray(patchList)) throw malformedPatch(`${key}: $setElementOrder needs a list, the patch has ${show(patchList)}`);

    const field = fieldOf(schema, key);
    const identity = new ElementIdentity(field?.mergeKey);
    identity.validateOrderList(patchList ?? [], order);

    let merged: unknown[];
    let liveOrder: unknown[] = current ?? [];
    if (current !== undefined && patchList !== undefined) {
      ({ list: merged, liveOrder } = mergeListField(current, patchList, { name: key, field, isDeleteList: false, mergeElement: elementMerger(schema, key) }));
    } else if (current !== undefined) {
      merged = current;
    } else if (patchList !== undefined) {
      merged = newContent(patchList) as unknown[];
    } else {
      continue;
    }
    if (identity.mergeKey === undefined && elementKind(merged) === 'object') {
      throw malformedPatch(`$setElementOrder/${key}: a list of objects needs a merge key to be ordered`);
    }
    const { named, others } = identity.partition(merged, order);
    if (elementKind(current ?? [], patchList ?? []) === undefined) {
      throw malformedPatch('no elements in any of the given slices');
    }
    setField(original, key, identity.normalizeOrder({ patchItems: named, serverOnly: others, patchOrder: order, serverOrder: liveOrder }));
    deleteField(patch, key);
  }
}
