// The `$`-keys of a strategic merge patch and how patch content is cleaned of
// them before it is stored. Kubernetes leaves directive keys and nulls in the
// merged map and relies on decoding into the Go struct to drop them (unknown
// fields, zero values); hale stores JSON, so it drops them explicitly here.
// Invariants: every `$` key is one of the four directives or a 400 — a typo
// such as `$retainkeys` is an error, not silently stored data; the cleaners
// never mutate their input.

import { isJsonObject } from '../../api/object.js';
import type { JsonObject } from '../../api/object.js';
import { setField } from './json-value.js';
import { malformedPatch } from './patch-errors.js';

export const PATCH_DIRECTIVE = '$patch';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';

/** The `$patch` values Kubernetes defines; only some are valid in a given place. */
export const DELETE = 'delete';
export const REPLACE = 'replace';
export const MERGE = 'merge';

export type DirectiveKey =
  | { kind: 'patch' }
  | { kind: 'retainKeys' }
  | { kind: 'setElementOrder'; list: string }
  | { kind: 'deleteFromPrimitiveList'; list: string };

/**
 * What a patch key means: `undefined` for an ordinary field, the directive for a
 * `$` key. Throws 400 for a malformed or unknown directive (the two messages
 * Kubernetes has are mergepatch.ErrBadPatchFormatFor{SetElementOrderList,PrimitiveList}).
 */
export function parseDirectiveKey(key: string): DirectiveKey | undefined {
  if (!key.startsWith('$')) return undefined;
  if (key === PATCH_DIRECTIVE) return { kind: 'patch' };
  if (key === RETAIN_KEYS_DIRECTIVE) return { kind: 'retainKeys' };
  if (key.startsWith(SET_ELEMENT_ORDER_PREFIX)) {
    const list = listName(key, SET_ELEMENT_ORDER_PREFIX);
    if (list === undefined) throw malformedPatch('invalid patch format of setElementOrder list');
    return { kind: 'setElementOrder', list };
  }
  if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
    const list = listName(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
    if (list === undefined) throw malformedPatch('invalid patch format of primitive list');
    return { kind: 'deleteFromPrimitiveList', list };
  }
  throw malformedPatch(`unknown strategic merge patch directive ${JSON.stringify(key)}`);
}

/** `$setElementOrder/containers` → `containers`; undefined unless the prefix is followed by `/`. */
function listName(key: string, prefix: string): string | undefined {
  const slash = key.indexOf('/');
  return slash >= 0 && key.slice(0, slash) === prefix ? key.slice(slash + 1) : undefined;
}

/** True for an object element that carries `$patch` (a delete/replace marker). */
export function hasPatchDirective(value: unknown): value is JsonObject {
  return isJsonObject(value) && Object.hasOwn(value, PATCH_DIRECTIVE);
}

/**
 * Patch content that is stored as sent (an element appended to a merge list, the
 * body of `$patch: replace`): drops directive keys and null members, which is
 * what decoding the merged map into the Go type does in Kubernetes.
 */
export function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (parseDirectiveKey(key) !== undefined || v === null || v === undefined) continue;
    setField(out, key, stripDirectives(v));
  }
  return out;
}

/**
 * Patch content for a field the original does not have (or has with another
 * type): Kubernetes' discardNullValuesFromPatch then removeDirectives — an
 * object carrying `$patch` disappears entirely, as a value or as a list element.
 * Returns `undefined` when the whole value disappears.
 */
export function newContent(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const kept = newContent(v);
      if (kept !== undefined) out.push(kept);
    }
    return out;
  }
  if (!isJsonObject(value)) return value;
  if (hasPatchDirective(value)) return undefined;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (parseDirectiveKey(key) !== undefined || v === null || v === undefined) continue;
    const kept = newContent(v);
    if (kept !== undefined) setField(out, key, kept);
  }
  return out;
}
