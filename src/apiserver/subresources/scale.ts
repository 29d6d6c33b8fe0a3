// The scale subresource (autoscaling/v1 Scale) of deployments, replicasets and
// statefulsets: what `kubectl scale` reads and patches.

import type { KObject } from '../../api/object.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';

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

/** Applies a Scale's desired replicas to its parent. */
export function applyScale(parent: KObject, scale: KObject): KObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  const next = structuredClone(parent);
  next.spec = { ...((next.spec ?? {}) as object), replicas: typeof replicas === 'number' ? replicas : 0 };
  return next;
}
