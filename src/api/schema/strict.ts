// Server-side field validation, as kube-apiserver's strict JSON decoder
// (sigs.k8s.io/json UnmarshalStrict) does it, over hale's schema nodes:
//  - unknown fields, reported with Go's path syntax:
//    `unknown field "spec.template.spec.containers[0].imagee"`;
//  - JSON type errors, with encoding/json's wording:
//    `json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container`;
//  - duplicate fields (duplicates.ts, re-exported here: it needs the raw text).
// Callers: Strict → 400 `strict decoding error: <list joined by ", ">`;
// Warn → one `Warning: 299 - "<msg>"` each; Ignore → nothing; type errors are
// always 400. Kubernetes reports only the first type error (`typeErrors[0]`)
// and, when there is one, no strict errors; we return all, capped.
// Like Go, maps take any key, free-form fields (RawExtension, FieldsV1) are
// never looked into, null is accepted everywhere, and matching is
// case-sensitive (`Name` is an unknown field).

import { base64Error } from './go-base64.js';
import { timeParseError } from './go-time.js';
import { schemaFor } from './kinds.js';
import type { SchemaNode } from './node.js';
import { quantityError } from './quantity-syntax.js';

export { findDuplicateFields } from './duplicates.js';

/** sigs.k8s.io/json keeps at most this many strict errors. */
const MAX_ERRORS = 100;

export interface FieldCheck {
  /** `unknown field "spec.foo"`, in document order, deduplicated */
  unknown: string[];
  /** `json: cannot unmarshal …` and the custom decoders' messages */
  typeErrors: string[];
}

interface Walk {
  /** Go's strictFieldStack: `spec`, `.containers`, `[0]` … joined without separator */
  path: string[];
  /** Go's errorContext.FieldStack: struct field names only (no indexes, no map keys) */
  goFields: string[];
  /** Go's errorContext.Struct: the struct owning the innermost field */
  struct: string;
  /** drop unknown fields instead of reporting them */
  drop: boolean;
  unknown: string[];
  seen: Set<string>;
  typeErrors: string[];
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

function pushKey(w: Walk, key: string): void {
  w.path.push(w.path.length > 0 ? `.${key}` : key);
}

function typeError(w: Walk, value: string, goType: string): void {
  if (w.typeErrors.length >= MAX_ERRORS) return;
  w.typeErrors.push(w.struct === ''
    ? `json: cannot unmarshal ${value} into Go value of type ${goType}`
    : `json: cannot unmarshal ${value} into Go struct field ${w.struct}.${w.goFields.join('.')} of type ${goType}`);
}

function plainError(w: Walk, message: string): void {
  if (w.typeErrors.length < MAX_ERRORS) w.typeErrors.push(message);
}

function checkInteger(w: Walk, value: unknown, goType: string, bits: 32 | 64): void {
  if (typeof value !== 'number') return typeError(w, describe(value), goType);
  const limit = bits === 32 ? 2 ** 31 : 2 ** 63;
  if (!Number.isInteger(value) || value >= limit || value < -limit) typeError(w, `number ${String(value)}`, goType);
}

function walk(node: SchemaNode, value: unknown, w: Walk): void {
  if (value === null) return;
  switch (node.type) {
    case 'string':
      if (typeof value === 'string') {
        if (node.byte) {
          const err = base64Error(value);
          if (err !== undefined) plainError(w, err);
        }
      } else if (node.byte && Array.isArray(value)) {
        // encoding/json also fills a []byte from a JSON array of small integers.
        for (const b of value) {
          if (b === null) continue;
          if (typeof b !== 'number') typeError(w, describe(b), 'uint8');
          else if (!Number.isInteger(b) || b < 0 || b > 255) typeError(w, `number ${String(b)}`, 'uint8');
        }
      } else {
        typeError(w, describe(value), node.goType);
      }
      return;
    case 'integer':
      return checkInteger(w, value, node.goType, node.format === 'int32' ? 32 : 64);
    case 'number':
      if (typeof value !== 'number') typeError(w, describe(value), node.goType);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeError(w, describe(value), node.goType);
      return;
    case 'time':
      // metav1.Time first decodes a JSON string, so other JSON types fail as "of type string".
      if (typeof value !== 'string') return typeError(w, describe(value), 'string');
      {
        const err = timeParseError(value, node.micro);
        if (err !== undefined) plainError(w, err);
      }
      return;
    case 'quantity': {
      const err = quantityError(value);
      if (err !== undefined) plainError(w, err);
      return;
    }
    case 'int-or-string':
      // IntOrString decodes anything that is not a JSON string into its int32.
      if (typeof value !== 'string') checkInteger(w, value, 'int32', 32);
      return;
    case 'free-form':
      return;
    case 'array': {
      if (!Array.isArray(value)) return typeError(w, describe(value), node.goType);
      for (let i = 0; i < value.length; i++) {
        w.path.push(`[${i}]`);
        walk(node.items, value[i], w);
        w.path.pop();
      }
      return;
    }
    case 'map': {
      if (!isObject(value)) return typeError(w, describe(value), node.goType);
      for (const key of Object.keys(value)) {
        pushKey(w, key);
        walk(node.values, value[key], w);
        w.path.pop();
      }
      return;
    }
    case 'object': {
      if (!isObject(value)) return typeError(w, describe(value), node.goType);
      for (const key of Object.keys(value)) {
        const field = node.fields.get(key);
        if (field === undefined) {
          if (w.drop) {
            delete value[key];
            continue;
          }
          const msg = `unknown field ${JSON.stringify(w.path.length > 0 ? `${w.path.join('')}.${key}` : key)}`;
          if (!w.seen.has(msg) && w.unknown.length < MAX_ERRORS) {
            w.seen.add(msg);
            w.unknown.push(msg);
          }
          continue;
        }
        const outer = w.struct;
        pushKey(w, key);
        w.goFields.push(key);
        w.struct = node.goName;
        walk(field, value[key], w);
        w.struct = outer;
        w.goFields.pop();
        w.path.pop();
      }
      return;
    }
  }
}

function newWalk(drop: boolean): Walk {
  return { path: [], goFields: [], struct: '', drop, unknown: [], seen: new Set(), typeErrors: [] };
}

/** Unknown fields and type errors of `value` against any schema node (the kind-free core of checkFields). */
export function checkNode(node: SchemaNode, value: unknown): FieldCheck {
  const w = newWalk(false);
  walk(node, value, w);
  return { unknown: w.unknown, typeErrors: w.typeErrors };
}

/**
 * Unknown fields and JSON type errors of an object of the given kind.
 * A kind hale has no schema for yields no findings (the caller has already
 * refused kinds it does not serve).
 */
export function checkFields(opts: { apiVersion: string; kind: string; obj: unknown }): FieldCheck {
  const node = schemaFor(opts.apiVersion, opts.kind);
  if (!node) return { unknown: [], typeErrors: [] };
  return checkNode(node, opts.obj);
}

/** Removes, in place, every field the schema does not know (what decoding into Go structs does). */
export function dropUnknownFieldsOf(node: SchemaNode, value: unknown): void {
  walk(node, value, newWalk(true));
}

/** Removes, in place, the unknown fields of an object of the given kind, so they never reach storage. */
export function dropUnknownFields(apiVersion: string, kind: string, obj: unknown): void {
  const node = schemaFor(apiVersion, kind);
  if (node) dropUnknownFieldsOf(node, obj);
}
