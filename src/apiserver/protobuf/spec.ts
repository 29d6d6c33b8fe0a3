// hale's own description of the Kubernetes protobuf messages it decodes: for
// each field its number and wire type (facts from k8s.io/api and
// k8s.io/apimachinery, which encode as proto2) and how Go's encoding/json
// renders the Go struct field it fills, which is what the JSON path receives
// for the same object. Invariant: a field's `name` is both its proto name and
// its JSON name (an `inline` field's name is only its proto name: its JSON
// keys are its own fields').

/** Proto scalar types used by Kubernetes objects (no floats, no fixed-width ints). */
export type Scalar = 'string' | 'bool' | 'int32' | 'int64' | 'bytes';

/**
 * How the Go struct holds the field, which decides its JSON:
 * - `value`: a plain field. Scalars, slices and maps are omitted when zero if
 *   the tag says `omitempty`, else written (a nil slice/map as `null`);
 *   structs are always written (`omitempty` never omits a struct in Go).
 * - `pointer`: written iff it was on the wire (`replicas: 0` survives); when
 *   absent, omitted, or `null` if the tag lacks `omitempty`.
 * - `inline`: an embedded struct whose fields join the parent's JSON object
 *   (`configMapKeyRef.name` comes from an embedded LocalObjectReference).
 */
export type GoShape = 'value' | 'pointer' | 'inline';

export interface FieldSpec {
  id: number;
  name: string;
  /** a Scalar, or the full name of a message in MESSAGES (no leading dot) */
  type: string;
  label: 'optional' | 'repeated' | 'map';
  go: GoShape;
  omitempty: boolean;
}

/**
 * Messages whose Go type has its own JSON marshaller:
 * - `time`: metav1.Time, `{seconds, nanos}` → RFC3339 seconds, zero → null
 * - `intOrString`: `{type, intVal, strVal}` → number or string
 * - `quantity`: `{string}` → the string (zero → "0")
 * - `rawJson`: metav1.FieldsV1, `{Raw}` whose bytes are JSON text → that JSON
 */
export type Marshaller = 'struct' | 'time' | 'intOrString' | 'quantity' | 'rawJson';

export interface MessageSpec {
  /** full name, e.g. `k8s.io.api.core.v1.Container` */
  name: string;
  marshaller: Marshaller;
  /** in Go declaration order, which is the JSON key order */
  fields: FieldSpec[];
}

export interface FieldOptions {
  go?: GoShape;
  omitempty?: boolean;
}

/** A Go pointer field with `omitempty` (`*int32`, `*bool`, `*LabelSelector`, …). */
export const PTR: FieldOptions = { go: 'pointer' };
/** A Go value field without `omitempty` (`containerPort`, `port`, `name` of a container). */
export const REQ: FieldOptions = { omitempty: false };
/** An embedded struct with `json:",inline"`. */
export const INLINE: FieldOptions = { go: 'inline' };

function field(id: number, name: string, type: string, label: FieldSpec['label'], o: FieldOptions = {}): FieldSpec {
  return { id, name, type, label, go: o.go ?? 'value', omitempty: o.omitempty ?? true };
}

export const str = (id: number, name: string, o?: FieldOptions): FieldSpec => field(id, name, 'string', 'optional', o);
export const bool = (id: number, name: string, o?: FieldOptions): FieldSpec => field(id, name, 'bool', 'optional', o);
export const int32 = (id: number, name: string, o?: FieldOptions): FieldSpec => field(id, name, 'int32', 'optional', o);
export const int64 = (id: number, name: string, o?: FieldOptions): FieldSpec => field(id, name, 'int64', 'optional', o);
export const bytes = (id: number, name: string, o?: FieldOptions): FieldSpec => field(id, name, 'bytes', 'optional', o);
export const strings = (id: number, name: string, o?: FieldOptions): FieldSpec => field(id, name, 'string', 'repeated', o);
export const int64s = (id: number, name: string, o?: FieldOptions): FieldSpec => field(id, name, 'int64', 'repeated', o);
export const msg = (id: number, name: string, type: string, o?: FieldOptions): FieldSpec => field(id, name, type, 'optional', o);
export const msgs = (id: number, name: string, type: string, o?: FieldOptions): FieldSpec => field(id, name, type, 'repeated', o);
/** `map<string, valueType>`: on the wire, repeated {key = 1, value = 2} entries */
export const map = (id: number, name: string, valueType: string, o?: FieldOptions): FieldSpec => field(id, name, valueType, 'map', o);

export const message = (name: string, fields: FieldSpec[], marshaller: Marshaller = 'struct'): MessageSpec => ({ name, marshaller, fields });

export const SCALARS: ReadonlySet<string> = new Set<Scalar>(['string', 'bool', 'int32', 'int64', 'bytes']);
export const isScalar = (type: string): type is Scalar => SCALARS.has(type);
