// "Did the spec change" (which bumps metadata.generation); structural
// equality itself is machinery/deep-equal.ts.

import type { KObject } from '../../api/object.js';
import { deepEqual } from '../../machinery/deep-equal.js';

/** Everything but metadata and status counts as spec for generation purposes. */
export function specChanged(a: KObject, b: KObject): boolean {
  const strip = (o: KObject): Record<string, unknown> => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  };
  return !deepEqual(strip(a), strip(b));
}
