// The shapes of parsed JSON the patch code works on, and a prototype-safe way
// to copy and write them. Invariants: `cloneJson` returns a tree that shares
// nothing with its input, and `setField` always creates an own data property,
// so a patch key such as `__proto__` or `constructor` is stored as plain data
// and can never change an object's prototype (prototype pollution).

import type { JsonObject } from '../../api/object.js';
import { isJsonObject } from '../../api/object.js';

/** What a JSON value is, as far as merging cares. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export function kindOf(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      // functions, symbols, bigints never come out of JSON.parse; treat them as absent.
      return 'null';
  }
}

/** Own-property lookup: inherited names (`toString`, `constructor`) are never fields. */
export function hasField(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function getField(obj: JsonObject, key: string): unknown {
  return hasField(obj, key) ? obj[key] : undefined;
}

/**
 * Writes an own enumerable data property, even for `__proto__`. Only that key
 * needs defineProperty (an assignment to it sets the prototype); every other
 * key is assigned, which keeps the object's fast shape.
 */
export function setField(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

export function deleteField(obj: JsonObject, key: string): void {
  if (hasField(obj, key)) delete obj[key];
}

/** Deep copy of a JSON tree (undefined object members are dropped, as JSON does). */
export function cloneJson<T>(value: T): T {
  return cloneValue(value) as T;
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : cloneValue(v)));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    // for…in: JSON objects inherit nothing enumerable, and it allocates no key array.
    for (const key in value) {
      const v = value[key];
      if (v !== undefined) setField(out, key, cloneValue(v));
    }
    return out;
  }
  return value;
}

/** Compact JSON for error messages; never throws. */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (err) {
    // Only reachable for non-JSON input (cycles, bigint); the message is best-effort.
    return `<unprintable: ${err instanceof Error ? err.message : String(err)}>`;
  }
}

/** Structural equality of JSON values (member order does not matter, list order does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => hasField(b, k) && jsonEqual(a[k], b[k]));
}
