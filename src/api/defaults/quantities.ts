// Quantities as the API server stores them: every ResourceList value rounded
// up to milli precision (SetDefaults_ResourceList) and written in canonical
// form ("0.5" becomes "500m", "1024Mi" becomes "1Gi"). A value that does not
// parse is left alone for validation to report.

import { obj, type JsonObject } from '../validation/json-read.js';
import { canonical, quantityFromJSON, roundUp } from '../validation/quantity.js';

export function canonicalQuantity(v: unknown, milli: boolean): unknown {
  const r = quantityFromJSON(v);
  if (!r.ok) return v;
  return canonical(milli ? roundUp(r.q, -3) : r.q);
}

/** Canonicalise a ResourceList in place (o[k] is the list). */
export function defaultResourceList(o: JsonObject, k: string): void {
  const list = obj(o[k]);
  if (!list) return;
  for (const name of Object.keys(list)) list[name] = canonicalQuantity(list[name], true);
}
