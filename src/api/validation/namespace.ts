// Namespace validation: a DNS-1123 label name, finalizer names in
// spec.finalizers, and the phase a status write may set.

import type { FieldError } from '../field-errors.js';
import { invalidValue } from '../field-errors.js';
import type { KObject } from '../object.js';
import { arr, obj, str } from './json-read.js';
import { validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isQualifiedName, nameIsDNSLabel } from './names.js';
import { index } from './path.js';

/** Create reports finalizer problems on the list's path, finalize on each entry (as Kubernetes does). */
function validateSpecFinalizers(ns: KObject, indexed: boolean): FieldError[] {
  const path = 'spec.finalizers';
  return arr(obj(ns.spec)?.finalizers)
    .map(str)
    .flatMap((f, i) => {
      const p = indexed ? index(path, i) : path;
      return [...isQualifiedName(f).map((m) => invalidValue(p, f, m)), ...validateKubeFinalizerName(f, p)];
    });
}

export function validateNamespaceCreate(ns: KObject): FieldError[] {
  return [...validateObjectMeta(ns.metadata, { nameFn: nameIsDNSLabel, namespaced: false }), ...validateSpecFinalizers(ns, false)];
}

export function validateNamespaceUpdate(ns: KObject, old: KObject): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, old.metadata);
}

/** Also used for the namespaces/finalize subresource. */
export function validateNamespaceFinalize(ns: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(ns.metadata, old.metadata), ...validateSpecFinalizers(ns, true)];
}

export function validateNamespaceStatusUpdate(ns: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = str(obj(ns.status)?.phase);
  if (!ns.metadata?.deletionTimestamp) {
    if (phase !== 'Active') errs.push(invalidValue('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(invalidValue('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}
