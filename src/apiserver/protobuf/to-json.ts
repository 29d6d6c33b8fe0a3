// Turns a decoded protobuf message into the JSON Go's encoding/json writes for
// the same Kubernetes object, which is what kubectl would have sent as JSON
// (`kubectl create … --dry-run=client -o json` prints exactly this). So the
// protobuf and JSON paths feed identical values to field validation,
// defaulting, validation and admission. Rules (see spec.ts for the shapes):
// - scalar value fields with `omitempty` vanish when zero; without it they
//   are written, zero if absent; pointer fields appear iff they were on the wire;
// - struct value fields are always written (`status: {}`, `resources: {}`),
//   because Go's omitempty never omits a struct;
// - maps are JSON objects with sorted keys; bytes are standard base64;
// - Time is RFC3339 in seconds, or null when zero (`creationTimestamp: null`);
//   IntOrString is a number or a string; Quantity is its string.
// Invariant: output objects are plain JSON; map keys such as `__proto__` are
// own properties, never prototypes.

import protobuf from 'protobufjs';
import { badRequest } from '../../machinery/errors.js';
import { messageSpec } from './root.js';
import { isScalar, type FieldSpec, type MessageSpec } from './spec.js';
import type { Decoded } from './wire.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const own = (o: Decoded, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Sets a key that came from the client (a map key) as an own property, whatever its name. */
function put(o: JsonObject, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

function scalarToJson(type: string, v: unknown, path: string): Json {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : '';
    case 'bool':
      return v === true;
    case 'int32':
      return typeof v === 'number' ? v : 0;
    case 'int64':
      // protobufjs gives a Long (long.js is installed); JSON numbers lose precision past 2^53, as JSON.parse does.
      return v === undefined || v === null ? 0 : protobuf.util.LongBits.from(v as protobuf.Long | number).toNumber(false);
    case 'bytes':
      return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : '';
    default:
      throw new Error(`${path}: no JSON rule for protobuf scalar ${type}`);
  }
}

function isZero(v: Json): boolean {
  return v === '' || v === 0 || v === false || v === null;
}

// Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds: the protobuf of a zero Time is empty.
const GO_ZERO_TIME = -62135596800;
// metav1.Time is RFC3339 with a four-digit year.
const MIN_SECONDS = -62167219200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

function timeToJson(m: Decoded | undefined, path: string): Json {
  // Kubernetes reads only seconds (nanos are dropped on decode, as JSON carries seconds).
  if (m === undefined || (!own(m, 'seconds') && !own(m, 'nanos'))) return null;
  const seconds = scalarToJson('int64', m.seconds, path) as number;
  if (seconds === GO_ZERO_TIME) return null;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw badRequest(`${path}: time ${seconds}s since the epoch is outside years 0000–9999`);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function intOrStringToJson(m: Decoded | undefined, path: string): Json {
  const type = m && own(m, 'type') ? (scalarToJson('int64', m.type, path) as number) : 0;
  if (type === 0) return m && own(m, 'intVal') ? scalarToJson('int32', m.intVal, path) : 0;
  if (type === 1) return m && own(m, 'strVal') ? scalarToJson('string', m.strVal, path) : '';
  // Go's IntOrString.MarshalJSON fails the same way ("impossible IntOrString.Type").
  throw badRequest(`${path}: IntOrString type ${type} is neither 0 (int) nor 1 (string)`);
}

function rawJsonToJson(m: Decoded | undefined, path: string): Json {
  const raw = m && own(m, 'Raw') && m.Raw instanceof Uint8Array ? Buffer.from(m.Raw).toString('utf8') : '';
  try {
    return JSON.parse(raw) as Json;
  } catch (err) {
    throw badRequest(`${path}: the fields set is not JSON: ${(err as Error).message}`);
  }
}

function valueToJson(type: string, v: unknown, path: string): Json {
  // protobufjs leaves a map entry's missing message value as null: the zero value, like absent.
  return isScalar(type) ? scalarToJson(type, v, path) : messageToJson(type, (v ?? undefined) as Decoded | undefined, path);
}

function mapToJson(f: FieldSpec, entries: Record<string, unknown>, path: string): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(entries).sort()) put(out, key, valueToJson(f.type, entries[key], `${path}[${JSON.stringify(key)}]`));
  return out;
}

function fieldToJson(out: JsonObject, f: FieldSpec, m: Decoded | undefined, path: string): void {
  const at = join(path, f.name);
  const v = m?.[f.name];
  if (f.label === 'map') {
    const entries = m && own(m, f.name) && v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
    if (Object.keys(entries).length > 0) out[f.name] = mapToJson(f, entries, at);
    else if (!f.omitempty) out[f.name] = null; // a nil map without omitempty
    return;
  }
  if (f.label === 'repeated') {
    const items = Array.isArray(v) ? (v as unknown[]) : [];
    if (items.length > 0) out[f.name] = items.map((item, i) => valueToJson(f.type, item, `${at}[${i}]`));
    else if (!f.omitempty) out[f.name] = null; // a nil slice without omitempty
    return;
  }
  const present = m !== undefined && own(m, f.name);
  switch (f.go) {
    case 'inline': {
      const inner = messageToJson(f.type, present ? (v as Decoded) : undefined, path);
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw new Error(`${at}: inline field ${f.type} is not a struct`);
      Object.assign(out, inner);
      return;
    }
    case 'pointer':
      if (present) out[f.name] = valueToJson(f.type, v, at);
      else if (!f.omitempty) out[f.name] = null;
      return;
    case 'value': {
      if (!isScalar(f.type)) {
        out[f.name] = messageToJson(f.type, present ? (v as Decoded) : undefined, at);
        return;
      }
      const value = scalarToJson(f.type, present ? v : undefined, at);
      if (!(f.omitempty && isZero(value))) out[f.name] = value;
      return;
    }
  }
}

function structToJson(spec: MessageSpec, m: Decoded | undefined, path: string): JsonObject {
  const out: JsonObject = {};
  for (const f of spec.fields) fieldToJson(out, f, m, path);
  return out;
}

/**
 * The Go JSON of message `name` (a full name hale defines) decoded as `m`;
 * `undefined` stands for the zero value (the field was absent). `path` names
 * it in error messages (`spec.template.spec`).
 */
export function messageToJson(name: string, m: Decoded | undefined, path = ''): Json {
  const spec = messageSpec(name);
  switch (spec.marshaller) {
    case 'struct':
      return structToJson(spec, m, path);
    case 'time':
      return timeToJson(m, path);
    case 'intOrString':
      return intOrStringToJson(m, path);
    case 'quantity':
      return m && own(m, 'string') ? scalarToJson('string', m.string, path) : '0';
    case 'rawJson':
      return rawJsonToJson(m, path);
  }
}
