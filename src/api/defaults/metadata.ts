// Metadata shared by every kind: a cluster-scoped object carries no namespace
// (the API server clears it before validating, so a manifest that sets one is
// not refused).

import type { KObject } from '../object.js';

export function defaultMetadata(o: KObject, namespaced: boolean): void {
  if (!namespaced && o.metadata && o.metadata.namespace !== undefined) delete o.metadata.namespace;
}
