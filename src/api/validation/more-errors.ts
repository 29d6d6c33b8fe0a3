// FieldError builders that ../field-errors.ts does not offer yet: values
// already formatted in Go syntax (see go-syntax.ts), Not found and Too many.
// The message shapes are field.Error.ErrorBody's. (Candidates to move into
// field-errors.ts; kept here because this folder may not edit that file.)

import type { FieldError } from '../field-errors.js';

/** field.Invalid with a value Kubernetes prints with %#v (already formatted). */
export function invalidGo(field: string, goValue: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `${field}: Invalid value: ${goValue}${detail ? `: ${detail}` : ''}` };
}

/** field.NotSupported with a %#v-formatted value. */
export function notSupportedGo(field: string, goValue: string, valid: string[]): FieldError {
  const list = valid.map((v) => JSON.stringify(v)).join(', ');
  return { type: 'FieldValueNotSupported', field, message: `${field}: Unsupported value: ${goValue}: supported values: ${list}` };
}

/** field.Duplicate with a %#v-formatted value and an optional detail. */
export function duplicateGo(field: string, goValue: string, detail = ''): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `${field}: Duplicate value: ${goValue}${detail ? `: ${detail}` : ''}` };
}

/**
 * field.NotFound (`spec.containers[0].volumeMounts[0].name: Not found: "data"`).
 * FieldError's type union has no 'FieldValueNotFound' yet, hence the cast.
 */
export function notFound(field: string, value: string, detail = ''): FieldError {
  return {
    type: 'FieldValueNotFound' as unknown as FieldError['type'],
    field,
    message: `${field}: Not found: ${JSON.stringify(value)}${detail ? `: ${detail}` : ''}`,
  };
}

/** field.TooMany (`endpoints: Too many: 1001: must have at most 1000 items`). */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, message: `${field}: Too many: ${actual}: must have at most ${max} items` };
}
