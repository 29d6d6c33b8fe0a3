// Defensive readers for untyped JSON. Validation and defaulting run on bodies
// that another layer type-checks, but they must never throw on a body that
// slipped past it: a TypeError here would turn a 422 into a 500.

import { isJsonObject, type JsonObject } from '../object.js';

export type { JsonObject };
export { isJsonObject };

/** The object at `v`, or undefined when it is absent or not an object. */
export function obj(v: unknown): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

/** The array at `v`, or an empty one. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The array at `v` keeping only its objects, each with its original index. */
export function objects(v: unknown): Array<[JsonObject, number]> {
  const out: Array<[JsonObject, number]> = [];
  arr(v).forEach((item, i) => {
    if (isJsonObject(item)) out.push([item, i]);
  });
  return out;
}

/** The string at `v`, or '' (Go's zero value) when it is absent or not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The string at `v`, or undefined (a Go *string). */
export function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The number at `v`, or undefined (a Go *int). */
export function optNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The number at `v`, or 0 (Go's zero value). */
export function num(v: unknown): number {
  return optNum(v) ?? 0;
}

export function bool(v: unknown): boolean {
  return v === true;
}

/** A map[string]string: entries whose value is not a string are skipped (the schema layer reports them). */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const o = obj(v);
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val;
  return out;
}

/**
 * The object at o[k], created (as {}) when absent. A value of the wrong type
 * is left untouched (the shape checker reports it) and a detached {} is
 * returned, so defaulting never overwrites what a client sent.
 */
export function ensureObj(o: JsonObject, k: string): JsonObject {
  const cur = o[k];
  if (isJsonObject(cur)) return cur;
  const made: JsonObject = {};
  if (cur === undefined || cur === null) o[k] = made;
  return made;
}

/**
 * Go's apiequality.Semantic.DeepEqual on decoded objects: a field that is
 * absent equals its zero value ("", 0, false, null, [], {}), because Go decodes
 * both to the same struct. (A Go *bool set to false is the one case this
 * calls equal and Go does not; erring that way never rejects a valid update.)
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return deepEqual(normalise(a), normalise(b));
}

function normalise(v: unknown): unknown {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => normalise(x) ?? null);
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const n = normalise(x);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
