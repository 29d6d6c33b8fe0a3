// pods/binding: the scheduler's (or anyone's) way to assign a pod to a node.
// It may only set spec.nodeName once; a second binding is a 409.

import type { KObject } from '../../api/object.js';
import { ApiError, badRequest } from '../../machinery/errors.js';

/** `now` is the RFC 3339 time of the binding: PodScheduled turns True then, as kube-apiserver's assignPod does. */
export function bindPod(pod: KObject, binding: KObject, now: string = new Date().toISOString().replace(/\.\d+Z$/, 'Z')): KObject {
  const target = (binding.target ?? {}) as { kind?: string; name?: string };
  if (!target.name) throw badRequest('target.name: Required value');
  if (target.kind && target.kind !== 'Node') throw badRequest(`target.kind: Unsupported value: ${JSON.stringify(target.kind)}: supported values: "Node"`);
  const spec = (pod.spec ?? {}) as { nodeName?: string };
  const m = pod.metadata;
  if (m.deletionTimestamp) {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${m.name}": pod ${m.name} is being deleted, cannot be assigned to a host`);
  }
  if (spec.nodeName) {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${m.name}": pod ${m.name} is already assigned to node "${spec.nodeName}"`, { name: m.name!, kind: 'pods/binding' });
  }
  // A new object that shares what it does not change with `pod` (which may be frozen): the
  // registry's binding strategy copies the current pod and takes only these three changes.
  const status = { ...((pod.status ?? {}) as { conditions?: { type: string }[] }) };
  const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now } as { type: string });
  status.conditions = conditions;
  const bm = binding.metadata ?? {};
  const metadata = bm.annotations ? { ...m, annotations: { ...(m.annotations ?? {}), ...bm.annotations } } : m;
  return { ...pod, metadata, spec: { ...spec, nodeName: target.name }, status };
}
