// Decoding a client's object for create/update: type meta checks, field
// validation (`fieldValidation=Strict|Warn|Ignore`, default Warn as in
// kube-apiserver 1.27+), JSON type errors (always 400), unknown fields
// dropped before anything is stored.

import type { KObject } from '../api/object.js';
import { isJsonObject } from '../api/object.js';
import { groupVersion, type ResourceInfo } from '../api/resources.js';
import { checkFields, dropUnknownFields, findDuplicateFields } from '../api/schema/strict.js';
import { schemaFor } from '../api/schema/kinds.js';
import { badRequest } from '../machinery/errors.js';
import type { FieldValidation } from './registry/context.js';

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation') ?? '';
  if (v === '' || v === 'Warn') return 'Warn';
  if (v === 'Strict' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got ${JSON.stringify(v)}`);
}

export interface DecodeOptions {
  resource: ResourceInfo;
  /** the kind expected in the body (the subresource's kind, e.g. Scale, Binding) */
  apiVersion: string;
  kind: string;
  value: unknown;
  /** raw JSON text, for duplicate-field detection (undefined for already-parsed bodies) */
  text: string | undefined;
  validation: FieldValidation;
  warnings: string[];
}

/** Checks and cleans a decoded body; returns it as an object of the expected kind. */
export function decodeObject(o: DecodeOptions): KObject {
  if (!isJsonObject(o.value)) throw badRequest(`the body of the request was not a JSON object`);
  const obj = o.value as KObject;
  if (obj.kind === undefined || obj.kind === '') obj.kind = o.kind;
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = o.apiVersion;
  if (obj.kind !== o.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${o.kind}): ${JSON.stringify(obj.kind)} is not ${o.kind}`);
  }
  if (obj.apiVersion !== o.apiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${o.apiVersion})`);
  }
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isJsonObject(obj.metadata)) throw badRequest('metadata must be an object');
  const { unknown, typeErrors } = checkFields({ apiVersion: o.apiVersion, kind: o.kind, obj });
  const version = o.apiVersion.includes('/') ? o.apiVersion.split('/')[1] : o.apiVersion;
  const prefix = `${o.kind} in version "${version}" cannot be handled as a ${o.kind}`;
  // Kubernetes reports the first type error only, and no strict errors alongside it.
  if (typeErrors.length > 0) throw badRequest(`${prefix}: ${typeErrors[0]}`);
  const problems: string[] = [];
  if (o.validation !== 'Ignore') {
    if (o.text !== undefined) for (const d of findDuplicateFields(o.text, schemaFor(o.apiVersion, o.kind))) problems.push(d);
    for (const u of unknown) problems.push(u);
  }
  if (problems.length > 0) {
    if (o.validation === 'Strict') throw badRequest(`${prefix}: strict decoding error: ${problems.join(', ')}`);
    o.warnings.push(...problems);
  }
  if (unknown.length > 0) dropUnknownFields(o.apiVersion, o.kind, obj);
  return obj;
}

export function servedVersion(r: ResourceInfo): string {
  return groupVersion(r);
}
