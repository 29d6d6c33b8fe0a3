// The one entry point for PATCH bodies: picks the patch algorithm from the
// request's Content-Type, exactly the three types kube-apiserver applies
// without server-side apply. Invariants: returns a new object and never
// mutates `original` or `patch`; every failure is an ApiError (400 malformed
// or nesting too deep, 422 inapplicable JSON patch, 413 too many operations,
// 415 unknown type).

import type { JsonObject } from '../../api/object.js';
import type { ApiError } from '../../machinery/errors.js';
import { jsonPatch } from './json-patch.js';
import { mergePatch } from './merge-patch.js';
import { malformedPatch, unsupportedPatchType } from './patch-errors.js';
import { valueDepthError } from '../json-depth.js';
import type { PatchSchema } from './schema.js';
import { strategicMergePatch } from './strategic-merge.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH_YAML = 'application/apply-patch+yaml';

/** In the order kube-apiserver lists them in its 415 message. */
export const SUPPORTED_PATCH_TYPES: readonly string[] = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH];

export interface ApplyPatchOptions {
  /** The request's Content-Type; parameters (`; charset=utf-8`) are ignored. */
  contentType: string;
  /** The live object. */
  original: JsonObject;
  /** The already-parsed request body. */
  patch: unknown;
  /** How the kind merges under a strategic merge patch (see schema.ts). */
  schema: PatchSchema;
}

export function applyPatch(opts: ApplyPatchOptions): JsonObject {
  const result = patchWith(patchMediaType(opts.contentType), opts);
  // A JSON patch path can put a value below the original's deepest level: the sum may exceed the bound.
  const tooDeep = valueDepthError(result);
  if (tooDeep) throw malformedPatch(`error decoding patch: the patched object ${tooDeep}`);
  return result;
}

function patchWith(type: string, opts: ApplyPatchOptions): JsonObject {
  switch (type) {
    case JSON_PATCH:
      return jsonPatch(opts.original, opts.patch);
    case MERGE_PATCH:
      return mergePatch(opts.original, opts.patch);
    case STRATEGIC_MERGE_PATCH:
      return strategicMergePatch(opts);
    default:
      throw unsupportedPatch(type);
  }
}

/** `Application/JSON-Patch+JSON; charset=utf-8` → `application/json-patch+json`. */
export function patchMediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** The 415 for `type`; for server-side apply it says what to do instead. */
export function unsupportedPatch(type: string): ApiError {
  if (type === APPLY_PATCH_YAML) {
    return unsupportedPatchType(
      SUPPORTED_PATCH_TYPES,
      'server-side apply (application/apply-patch+yaml) is not implemented yet: use client-side `kubectl apply` (without --server-side)',
    );
  }
  return unsupportedPatchType(SUPPORTED_PATCH_TYPES);
}
