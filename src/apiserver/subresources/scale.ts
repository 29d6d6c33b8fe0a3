// The scale subresource (autoscaling/v1 Scale) of deployments, replicasets and
// statefulsets: what `kubectl scale` reads and patches.
//
// Invariant: the desired Scale is computed from the parent as it is at each
// compare-and-swap attempt, so a patch (its `test` operations included) is
// applied to the fresh Scale on a retry and a concurrent write is never lost.

import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { ApiError, conflict } from '../../machinery/errors.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';
import { deepCopy } from '../../machinery/deep-copy.js';

export function scaleOf(obj: KObject): KObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata;
  const scale: KObject = {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name!,
      namespace: m.namespace!,
      uid: m.uid!,
      resourceVersion: m.resourceVersion!,
      creationTimestamp: m.creationTimestamp!,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0 },
  };
  if (spec.selector) {
    (scale.status as Record<string, unknown>).selector = selectorFromLabelSelector(spec.selector as never).toString();
  }
  return scale;
}

/**
 * The parent update one Scale write makes. `desired` maps the current Scale
 * to the wanted one (a PUT ignores it, a PATCH applies itself to it). A
 * resourceVersion in the wanted Scale (the PUT body's, or one the patch
 * sets) is a precondition: 409 when the parent has moved on.
 */
export function scaleUpdate(o: { resource: ResourceInfo; name: string; desired: (current: KObject) => KObject }): (parent: KObject) => KObject {
  return (parent) => {
    const want = o.desired(scaleOf(parent));
    const pinned = want.metadata?.resourceVersion;
    if (pinned && pinned !== parent.metadata.resourceVersion) throw conflict({ resource: o.resource.plural, group: o.resource.group, name: o.name });
    checkReplicas(o.name, want);
    return applyScale(parent, want);
  };
}

/** ValidateScale: spec.replicas must be a non-negative integer (422 as errors.NewInvalid words it). */
function checkReplicas(name: string, scale: KObject): void {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0) return;
  const body = `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`;
  throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: ${body}`, {
    name,
    group: 'autoscaling',
    kind: 'Scale',
    causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: body }],
  });
}

/** Applies a Scale's desired replicas to its parent. */
export function applyScale(parent: KObject, scale: KObject): KObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  const next = deepCopy(parent);
  next.spec = { ...((next.spec ?? {}) as object), replicas: typeof replicas === 'number' ? replicas : 0 };
  return next;
}
