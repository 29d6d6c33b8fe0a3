// The update half of the registry's strategies (rest.BeforeUpdate +
// PrepareForUpdate): what a write may change, per subresource. A status
// write changes status only; finalize changes a namespace's spec.finalizers
// only; binding sets spec.nodeName and annotations; a main-resource write
// keeps identity, deletion state and (for kinds with a status subresource)
// status, plus whatever the kind's strategy keeps (strategy.ts).

import type { KObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { ApiError, badRequest } from '../../machinery/errors.js';
import { DS_TEMPLATE_GENERATION, strategyFor } from './strategy.js';
import { deepCopy } from '../../machinery/deep-copy.js';

const clone = <T>(v: T): T => deepCopy(v);

export function prepareUpdate(r: ResourceInfo, o: { desired: KObject; current: KObject; subresource: string }): KObject {
  const { desired, current, subresource: sub } = o;
  const s = strategyFor(r);
  const cm = current.metadata;
  if (sub === 'binding') {
    // Binding may set spec.nodeName (once, checked by bindPod), the PodScheduled condition and annotations; nothing else.
    const next = clone(current);
    next.spec = { ...((next.spec ?? {}) as object), nodeName: (desired.spec as { nodeName?: string } | undefined)?.nodeName };
    const scheduled = ((desired.status ?? {}) as { conditions?: { type: string }[] }).conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled) {
      const st = { ...((next.status ?? {}) as { conditions?: { type: string }[] }) };
      st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), clone(scheduled)];
      next.status = st;
    }
    // `desired` may share objects with `current` (a pure binding): what is taken from it is copied.
    if (desired.metadata.annotations) next.metadata.annotations = clone(desired.metadata.annotations);
    return next;
  }
  if (sub === 'status' || sub === 'finalize') {
    // A status write changes status (plus the metadata the kind's status strategy lets through); finalize changes spec.finalizers only.
    // The current status is replaced: not copied first.
    const next = sub === 'status' ? clone({ ...current, status: undefined } as KObject) : clone(current);
    if (sub === 'status') {
      next.status = desired.status;
      keepStatusMetadata(r, next, desired, current);
    } else {
      const spec = { ...((next.spec ?? {}) as object), finalizers: (desired.spec as { finalizers?: unknown } | undefined)?.finalizers };
      next.spec = spec;
    }
    return next;
  }
  const next = desired;
  next.metadata = next.metadata ?? {};
  const m = next.metadata;
  if (m.name !== undefined && m.name !== cm.name) {
    throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${cm.name})`);
  }
  if (m.uid && m.uid !== cm.uid) {
    throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${cm.uid}`);
  }
  m.name = cm.name!;
  if (cm.namespace) m.namespace = cm.namespace;
  else delete m.namespace;
  m.uid = cm.uid!;
  m.creationTimestamp = cm.creationTimestamp!;
  if (cm.deletionTimestamp) m.deletionTimestamp = cm.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (cm.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  delete m.generateName;
  if (cm.generateName) m.generateName = cm.generateName;
  if (s.hasStatus) {
    if (current.status !== undefined) next.status = clone(current.status);
    else delete next.status;
  }
  s.prepareForUpdate(next, current);
  return next;
}

/**
 * The apps/v1 workloads' status strategies reset only the spec (and, for
 * Deployments, the labels): their controllers write annotations such as
 * `deployment.kubernetes.io/revision` together with status, in one write
 * that does not bump the generation. Other kinds keep metadata as stored.
 */
function keepStatusMetadata(r: ResourceInfo, next: KObject, desired: KObject, current: KObject): void {
  if (r.group !== 'apps' || !['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(r.plural)) return;
  const want = desired.metadata ?? {};
  if (want.annotations && Object.keys(want.annotations).length > 0) next.metadata.annotations = clone(want.annotations);
  else delete next.metadata.annotations;
  if (r.plural === 'daemonsets') {
    // spec.templateGeneration lives in an annotation in apps/v1, but it is spec: /status cannot move it.
    const tg = current.metadata.annotations?.[DS_TEMPLATE_GENERATION];
    const { [DS_TEMPLATE_GENERATION]: _drop, ...rest } = next.metadata.annotations ?? {};
    next.metadata.annotations = tg !== undefined ? { ...rest, [DS_TEMPLATE_GENERATION]: tg } : rest;
    if (Object.keys(next.metadata.annotations).length === 0) delete next.metadata.annotations;
  }
  if (r.plural === 'deployments') return;
  if (want.labels && Object.keys(want.labels).length > 0) next.metadata.labels = clone(want.labels);
  else delete next.metadata.labels;
}
