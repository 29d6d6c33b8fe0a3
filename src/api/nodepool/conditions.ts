// metav1.Condition lists, validated as apimachinery's
// metav1validation.ValidateConditions does: type a qualified name and unique,
// status True/False/Unknown, observedGeneration >= 0, lastTransitionTime and
// reason set, reason in CamelCase-ish syntax and <= 1024 bytes, message
// <= 32 KiB. Generic (any kind with metav1.Condition status conditions).

import { duplicate, invalidValue, notSupported, required, tooLong, type FieldError } from '../field-errors.js';
import { objects, optNum, str } from '../validation/json-read.js';
import { validateLabelName } from '../validation/meta.js';
import { regexError } from '../validation/names.js';
import { child, index } from '../validation/path.js';

const STATUSES = ['False', 'True', 'Unknown'];
const MAX_REASON_LEN = 1024;
const MAX_MESSAGE_LEN = 32 * 1024;
const REASON_FMT = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const REASON_RE = new RegExp(`^${REASON_FMT}$`);
const REASON_ERR =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";

const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');

function validateCondition(c: Record<string, unknown>, path: string): FieldError[] {
  const errs = validateLabelName(str(c.type), child(path, 'type'));
  const status = str(c.status);
  if (!STATUSES.includes(status)) errs.push(notSupported(child(path, 'status'), status, STATUSES));
  const gen = optNum(c.observedGeneration);
  if (gen !== undefined && gen < 0) errs.push(invalidValue(child(path, 'observedGeneration'), gen, 'must be greater than or equal to zero'));
  if (str(c.lastTransitionTime) === '') errs.push(required(child(path, 'lastTransitionTime'), 'must be set'));
  const reason = str(c.reason);
  if (reason === '') {
    errs.push(required(child(path, 'reason'), 'must be set'));
  } else {
    if (!REASON_RE.test(reason)) {
      errs.push(invalidValue(child(path, 'reason'), reason, regexError(REASON_ERR, REASON_FMT, 'my_name', 'MY_NAME', 'MyName', 'ReasonA,ReasonB', 'ReasonA:ReasonB')));
    }
    if (byteLen(reason) > MAX_REASON_LEN) errs.push(tooLong(child(path, 'reason'), MAX_REASON_LEN));
  }
  if (byteLen(str(c.message)) > MAX_MESSAGE_LEN) errs.push(tooLong(child(path, 'message'), MAX_MESSAGE_LEN));
  return errs;
}

export function validateConditions(conditions: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [c, i] of objects(conditions)) {
    const type = str(c.type);
    if (seen.has(type)) errs.push(duplicate(child(index(path, i), 'type'), type));
    else seen.add(type);
    errs.push(...validateCondition(c, index(path, i)));
  }
  return errs;
}
