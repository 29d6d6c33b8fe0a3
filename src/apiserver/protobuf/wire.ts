// Reads protobuf bytes into a protobufjs message of one of hale's types.
// First a structural pass over the wire format: every tag must name a field
// hale defines, with the wire type that field's type uses, and every length
// must stay inside its parent. protobufjs alone would skip unknown fields
// (silently losing data hale cannot represent) and read a mis-typed field as
// garbage. Only then protobufjs decodes. Invariants: any failure is either a
// `MalformedProtobuf` or an `UnmappedField`, nothing else escapes from bytes;
// malformed wins, so a corrupt tag that reads as an unknown field is a 400.

import protobuf from 'protobufjs';
import { protoType } from './root.js';

/** The bytes are not a well-formed encoding of the message (truncated, bad lengths, wrong wire types). */
export class MalformedProtobuf extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedProtobuf';
  }
}

/** A well-formed field that hale has no definition for: decoding on would lose it. */
export class UnmappedField extends Error {
  readonly type: string;
  readonly id: number;
  readonly path: string;
  constructor(type: string, id: number, path: string) {
    super(`field number ${id} of ${type}${path ? ` (at ${path})` : ''}`);
    this.name = 'UnmappedField';
    this.type = type;
    this.id = id;
    this.path = path;
  }
}

/** A decoded message: its own properties are exactly the fields that were on the wire (proto2). */
export type Decoded = Record<string, unknown>;

const VARINT = 0;
const LENGTH_DELIMITED = 2;

const VARINT_TYPES: ReadonlySet<string> = new Set(['int32', 'int64', 'uint32', 'uint64', 'bool', 'sint32', 'sint64']);

function wireTypeName(wt: number): string {
  return ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32'][wt] ?? `invalid (${wt})`;
}

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

/** Reads a length prefix and returns where the sub-message ends, inside the current limit. */
function subEnd(r: protobuf.Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new MalformedProtobuf(`a length of ${len} bytes at offset ${r.pos} runs past the end of its message`);
  return end;
}

/** Runs `body` with the reader limited to `end`, so nothing inside can read past its parent's length. */
function within(r: protobuf.Reader, end: number, body: () => void): void {
  const outer = r.len;
  r.len = end;
  body();
  if (r.pos !== end) throw new MalformedProtobuf(`a message ends at offset ${r.pos}, not at its declared end ${end}`);
  r.len = outer;
}

function expectWireType(field: protobuf.FieldBase, wt: number, allowed: readonly number[], path: string): void {
  if (!allowed.includes(wt)) {
    throw new MalformedProtobuf(`field ${field.name} (${field.id}) at ${path || 'the top level'} has wire type ${wireTypeName(wt)}, not ${allowed.map(wireTypeName).join(' or ')}`);
  }
}

function checkScalar(r: protobuf.Reader, field: protobuf.FieldBase, type: string, wt: number, path: string): void {
  if (VARINT_TYPES.has(type)) {
    // proto2 repeated scalars are unpacked, but decoders must accept packed ones too.
    expectWireType(field, wt, field.repeated ? [VARINT, LENGTH_DELIMITED] : [VARINT], path);
  } else {
    expectWireType(field, wt, [LENGTH_DELIMITED], path); // string, bytes
  }
  r.skipType(wt);
}

/** What the walk found that is well-formed but unknown; reported only if the whole message is well-formed. */
interface Walk {
  unmapped: UnmappedField | undefined;
}

function checkMapEntry(r: protobuf.Reader, walk: Walk, field: protobuf.MapField, end: number, path: string): void {
  within(r, end, () => {
    while (r.pos < end) {
      const tag = r.uint32();
      const id = tag >>> 3;
      const wt = tag & 7;
      if (id === 1) checkScalar(r, field, field.keyType, wt, path);
      else if (id === 2 && field.resolvedType instanceof protobuf.Type) {
        expectWireType(field, wt, [LENGTH_DELIMITED], path);
        checkMessage(r, walk, field.resolvedType, subEnd(r), path);
      } else if (id === 2) checkScalar(r, field, field.type, wt, path);
      else throw new MalformedProtobuf(`a map entry of ${path} has field number ${id}; map entries have only key (1) and value (2)`);
    }
  });
}

function checkMessage(r: protobuf.Reader, walk: Walk, type: protobuf.Type, end: number, path: string): void {
  within(r, end, () => {
    while (r.pos < end) {
      const tag = r.uint32();
      const id = tag >>> 3;
      const wt = tag & 7;
      if (id === 0) throw new MalformedProtobuf(`field number 0 at offset ${r.pos} (field numbers start at 1)`);
      const field = type.fieldsById[id];
      if (!field) {
        // Keep walking: corrupt bytes often look like an unknown field, and then are malformed further on.
        walk.unmapped ??= new UnmappedField(type.fullName.slice(1), id, path);
        r.skipType(wt);
        continue;
      }
      const at = join(path, field.name);
      if (field instanceof protobuf.MapField) {
        expectWireType(field, wt, [LENGTH_DELIMITED], at);
        checkMapEntry(r, walk, field, subEnd(r), at);
      } else if (field.resolvedType instanceof protobuf.Type) {
        expectWireType(field, wt, [LENGTH_DELIMITED], at);
        checkMessage(r, walk, field.resolvedType, subEnd(r), at);
      } else {
        checkScalar(r, field, field.type, wt, at);
      }
    }
  });
}

/**
 * Decodes `bytes` as the message `name` (a full name hale defines).
 * Throws MalformedProtobuf or UnmappedField.
 */
export function decodeMessage(name: string, bytes: Uint8Array): Decoded {
  const type = protoType(name);
  try {
    const r = protobuf.Reader.create(bytes);
    const walk: Walk = { unmapped: undefined };
    checkMessage(r, walk, type, r.len, '');
    if (walk.unmapped) throw walk.unmapped;
    // protobufjs returns a Message whose own enumerable properties are the decoded fields.
    return type.decode(bytes) as unknown as Decoded;
  } catch (err) {
    // protobufjs's Reader throws RangeError ("index out of range") on truncation and a plain
    // Error ("invalid wire type …", "maximum nesting depth exceeded") on bad structure: both
    // mean the bytes are malformed. Anything else (a TypeError, our own classes) passes through.
    if (err instanceof RangeError) throw new MalformedProtobuf(`cut off or a bad length (${err.message})`);
    if (err instanceof Error && err.constructor === Error) throw new MalformedProtobuf(err.message);
    throw err;
  }
}
