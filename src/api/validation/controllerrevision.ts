// apps/v1 ControllerRevision validation: data is mandatory and never changes,
// revision is non-negative.

import type { FieldError } from '../field-errors.js';
import { invalidValue, required } from '../field-errors.js';
import type { KObject } from '../object.js';
import { optNum, semanticEqual } from './json-read.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalidGo } from './more-errors.js';
import { nameIsDNSSubdomain } from './names.js';

export function validateControllerRevisionCreate(cr: KObject): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, { nameFn: nameIsDNSSubdomain, namespaced: true });
  if (cr.data === undefined || cr.data === null) errs.push(required('data', 'data is mandatory'));
  const rev = optNum(cr.revision);
  if (rev !== undefined && rev < 0) errs.push(invalidValue('revision', rev, 'must be greater than or equal to 0'));
  return errs;
}

export function validateControllerRevisionUpdate(cr: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(cr.metadata, old.metadata), ...validateControllerRevisionCreate(cr)];
  if (!semanticEqual(cr.data, old.data)) {
    const raw = Buffer.from(JSON.stringify(cr.data ?? null));
    errs.push(invalidGo('data', `runtime.RawExtension{Raw:[]uint8{${[...raw].map((b) => `0x${b.toString(16)}`).join(', ')}}, Object:runtime.Object(nil)}`, 'field is immutable'));
  }
  return errs;
}
