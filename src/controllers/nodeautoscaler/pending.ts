// The pods that wait for capacity: not bound, not being deleted, handled by
// hale's scheduler, and marked by it PodScheduled=False with reason
// Unschedulable (Cluster Autoscaler's definition of an unschedulable pod).
// A pod the scheduler has not tried yet is not one of them: it may well fit.

import type { KObject } from '../../api/object.js';
import { objects, obj, str } from '../../api/validation/json-read.js';
import { DEFAULT_SCHEDULER_NAME } from '../../scheduler/index.js';

export function isUnschedulable(p: KObject): boolean {
  if (p.metadata.deletionTimestamp) return false;
  const spec = obj(p.spec);
  if (str(spec?.nodeName)) return false;
  const scheduler = str(spec?.schedulerName) || DEFAULT_SCHEDULER_NAME;
  if (scheduler !== DEFAULT_SCHEDULER_NAME) return false;
  const status = obj(p.status);
  const phase = str(status?.phase);
  if (phase && phase !== 'Pending') return false;
  const cond = objects(status?.conditions).find(([c]) => str(c.type) === 'PodScheduled');
  return !!cond && str(cond[0].status) === 'False' && str(cond[0].reason) === 'Unschedulable';
}

export function pendingPods(pods: Iterable<KObject>): KObject[] {
  const out: KObject[] = [];
  for (const p of pods) if (isUnschedulable(p)) out.push(p);
  return out;
}
