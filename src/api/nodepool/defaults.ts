// NodePool defaulting, applied by the API server on create and on every
// main-resource update (before validation), so stored pools and
// `kubectl get -o yaml` show every value the autoscaler acts on.
// Idempotent; fills only what is missing (absent or null); never touches a
// field of the wrong JSON type (the strict decoder reports those).
// The values are NODEPOOL_DEFAULTS (types.ts), which the autoscaler shares.

import type { KObject } from '../object.js';
import { ensureObj, obj, type JsonObject } from '../validation/json-read.js';
import { NODEPOOL_DEFAULTS } from './types.js';

function missing(v: unknown): boolean {
  return v === undefined || v === null;
}

function fill(o: JsonObject, field: string, value: unknown): void {
  if (missing(o[field])) o[field] = value;
}

export function defaultNodePool(pool: KObject): void {
  const spec = ensureObj(pool as JsonObject, 'spec');
  fill(spec, 'minNodes', NODEPOOL_DEFAULTS.minNodes);
  const exec = obj(obj(spec.provider)?.exec);
  if (exec) fill(exec, 'timeout', NODEPOOL_DEFAULTS.execTimeout);
  ensureObj(spec, 'template');
  const scaleDown = ensureObj(spec, 'scaleDown');
  fill(scaleDown, 'enabled', NODEPOOL_DEFAULTS.scaleDownEnabled);
  fill(scaleDown, 'utilizationThreshold', NODEPOOL_DEFAULTS.utilizationThreshold);
  fill(scaleDown, 'unneededFor', NODEPOOL_DEFAULTS.unneededFor);
  const repair = ensureObj(spec, 'repair');
  fill(repair, 'enabled', NODEPOOL_DEFAULTS.repairEnabled);
  fill(repair, 'after', NODEPOOL_DEFAULTS.repairAfter);
  fill(repair, 'maxUnhealthyPercent', NODEPOOL_DEFAULTS.maxUnhealthyPercent);
  fill(spec, 'provisionTimeout', NODEPOOL_DEFAULTS.provisionTimeout);
}
