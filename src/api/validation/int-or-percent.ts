// IntOrString fields that hold a count or a percentage (maxSurge,
// maxUnavailable, minAvailable): ValidatePositiveIntOrPercent,
// IsNotMoreThan100Percent and getIntOrPercentValue from apps validation.

import type { FieldError } from '../field-errors.js';
import { invalidValue } from '../field-errors.js';
import { goIntOrString } from './go-syntax.js';
import { optNum } from './json-read.js';
import { invalidGo } from './more-errors.js';
import { isValidPercent } from './names.js';

export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalidGo(path, goIntOrString(v), m));
  const n = optNum(v) ?? 0;
  return n < 0 ? [invalidValue(path, n, 'must be greater than or equal to 0')] : [];
}

/** The percentage, when `v` is a valid "N%" string. */
function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && isValidPercent(v).length === 0 ? Number.parseInt(v.slice(0, -1), 10) : undefined;
}

/** getIntOrPercentValue: the number or the percentage; anything else counts as 0. */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'string') return /^-?[0-9]+$/.test(v) ? Number.parseInt(v, 10) : 0;
  return optNum(v) ?? 0;
}

export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const p = percentValue(v);
  return p === undefined || p <= 100 ? [] : [invalidGo(path, goIntOrString(v), 'must not be greater than 100%')];
}
