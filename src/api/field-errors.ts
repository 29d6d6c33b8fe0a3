// Builders for FieldError with Kubernetes' exact message shapes
// (k8s.io/apimachinery/pkg/util/validation/field). Validators use these so
// every 422 reads like the one kubectl users already know. (machinery/errors
// turns a list of these into a 422 Invalid Status.)

/** One field problem, the way Kubernetes' field.Error reports it. */
export interface FieldError {
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueNotSupported`, `FieldValueDuplicate`, `FieldValueForbidden`, `FieldValueTooLong`, `FieldValueTypeInvalid` */
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTypeInvalid' | 'FieldValueTooMany';
  /** dotted path with indexes, e.g. `spec.containers[0].image` */
  field: string;
  /** full message as Kubernetes formats it, e.g. `spec.containers[0].image: Required value` */
  message: string;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, message: `${field}: Required value${detail ? `: ${detail}` : ''}` };
}

export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `${field}: Invalid value: ${show(value)}: ${detail}` };
}

export function notSupported(field: string, value: unknown, valid: string[]): FieldError {
  const list = valid.map((v) => JSON.stringify(v)).join(', ');
  return { type: 'FieldValueNotSupported', field, message: `${field}: Unsupported value: ${show(value)}: supported values: ${list}` };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `${field}: Duplicate value: ${show(value)}` };
}

export function forbiddenField(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: `${field}: Forbidden: ${detail}` };
}

export function tooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, message: `${field}: Too long: may not be more than ${max} bytes` };
}

export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field, message: `${field}: Invalid value: ${show(value)}: ${detail}` };
}

/** The message Kubernetes uses for an immutable field changed on update. */
export function immutable(field: string, value: unknown): FieldError {
  return invalidValue(field, value, 'field is immutable');
}
