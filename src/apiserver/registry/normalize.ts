// Round-trip normalisation: the real API server decodes into Go structs and
// re-encodes, so nulls vanish and empty omitempty maps and lists are dropped.
// Without this, `kubectl diff` shows spurious changes (`annotations: {}`).
// Empty objects that are structs (`emptyDir: {}`, `securityContext: {}`) are
// kept: only the metadata maps are known to be maps here.

import type { KObject } from '../../api/object.js';

/** Drops nulls and empty arrays everywhere, in place. */
export function dropNullsAndEmptyLists(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) dropNullsAndEmptyLists(x);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const o = v as Record<string, unknown>;
  // Deleting the key being visited is safe in for…in, and no key array is allocated.
  for (const k in o) {
    const x = o[k];
    if (x === null || x === undefined || (Array.isArray(x) && x.length === 0)) delete o[k];
    else dropNullsAndEmptyLists(x);
  }
}

const METADATA_MAPS = ['labels', 'annotations'] as const;
const METADATA_STRINGS = ['generateName', 'namespace', 'uid', 'resourceVersion', 'selfLink'] as const;

export function normalizeObject(obj: KObject): void {
  dropNullsAndEmptyLists(obj);
  const m = obj.metadata;
  for (const k of METADATA_MAPS) {
    const x = m[k];
    if (x && typeof x === 'object' && Object.keys(x).length === 0) delete m[k];
  }
  for (const k of METADATA_STRINGS) if (m[k] === '') delete m[k];
  delete m.managedFields;
  delete m.selfLink;
}
