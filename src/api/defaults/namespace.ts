// Namespace defaults: the kubernetes.io/metadata.name label (always equal to
// the name), the "kubernetes" finalizer the namespace controller removes when
// it has emptied a terminating namespace, and phase Active.
//
// The finalizer is only added while the namespace is not being deleted: an
// update after the controller has finalized must not bring it back.

import type { KObject } from '../object.js';
import { arr, ensureObj, str, type JsonObject } from '../validation/json-read.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function defaultNamespace(ns: KObject): void {
  const meta = ns.metadata;
  const name = str(meta?.name);
  if (meta && name) meta.labels = { ...(meta.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
  const spec = ensureObj(ns as JsonObject, 'spec');
  const finalizers = arr(spec.finalizers);
  if (!meta?.deletionTimestamp && !finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  const status = ensureObj(ns as JsonObject, 'status');
  if (!str(status.phase)) status.phase = 'Active';
}
