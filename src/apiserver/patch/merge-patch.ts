// JSON merge patch (RFC 7386, application/merge-patch+json), with the null
// handling of the library Kubernetes uses (evanphx/json-patch v4 MergePatch):
// `null` deletes a key; an object merges into an object recursively; anything
// else (arrays included) replaces the value. Null members inside a value that
// is put in place are dropped, as Kubernetes' pruneNulls (and decoding into the
// Go type) does.
// Invariants: never mutates its arguments; a non-object body is 400
// "Invalid JSON Patch" (Kubernetes' jsonpatch.ErrBadJSONPatch).

import { isJsonObject } from '../../api/object.js';
import type { JsonObject } from '../../api/object.js';
import { cloneJson, deleteField, getField, setField } from './json-value.js';
import { malformedPatch } from './patch-errors.js';

export function mergePatch(original: JsonObject, patch: unknown): JsonObject {
  if (!isJsonObject(patch)) throw malformedPatch('Invalid JSON Patch');
  const result = cloneJson(original);
  mergeInto(result, patch);
  return result;
}

/** Merges `patch` into `target` (a private copy). */
function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null || value === undefined) {
      deleteField(target, key);
      continue;
    }
    const current = getField(target, key);
    if (isJsonObject(current) && isJsonObject(value)) mergeInto(current, value);
    else setField(target, key, withoutNulls(value));
  }
}

/** A copy of `value` with null object members removed at every depth (array elements are kept). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v !== null && v !== undefined) setField(out, key, withoutNulls(v));
  }
  return out;
}
