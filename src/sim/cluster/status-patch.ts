// A simulated kubelet's status write: a JSON merge patch of what changed in
// the pod's status, pinned to the resourceVersion the change was planned from
// — a kubelet patches status rather than replacing the pod, and a pod that
// moved on meanwhile answers 409 (its next watch event plans afresh). The
// patch is a fraction of the pod: less to serialize here and to decode and
// check on the server.
//
// Merge-patch semantics (RFC 7386): a member set to null is removed, objects
// merge member by member, anything else (lists included) is replaced whole.
// `null` itself cannot be written — the API drops nulls anyway.

import type { KObject } from '../../api/object.js';
import { deepEqual } from '../../machinery/deep-equal.js';

type Json = Record<string, unknown>;

function plainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The merge patch that turns `from` into `to` (both JSON objects without nulls). */
export function mergeDiff(from: Json, to: Json): Json {
  const patch: Json = {};
  for (const k of Object.keys(to)) {
    const a = from[k];
    const b = to[k];
    if (b === undefined || deepEqual(a, b)) continue;
    if (plainObject(a) && plainObject(b)) {
      const inner = mergeDiff(a, b);
      if (Object.keys(inner).length > 0) patch[k] = inner;
    } else patch[k] = b;
  }
  for (const k of Object.keys(from)) if (from[k] !== undefined && to[k] === undefined) patch[k] = null;
  return patch;
}

/** The body of `PATCH …/pods/NAME/status` (merge) taking `pod` to `status`. */
export function statusPatch(pod: KObject, status: object): Json {
  const from = plainObject(pod.status) ? pod.status : {};
  return { metadata: { resourceVersion: pod.metadata.resourceVersion ?? '' }, status: mergeDiff(from, status as Json) };
}
