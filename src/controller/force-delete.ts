// Force deletion of a pod (grace 0, pinned to its uid), which is safe only
// where the node that ran it can no longer run it: the node does not exist,
// never ran the pod, or has been fenced / declared out of service. A pod not
// yet terminal is first marked Failed, with `condition` (DisruptionTarget)
// when given, so whoever reads its last status sees why it ended
// (markFailedAndDeletePodWithCondition in Kubernetes' PodGC).

import type { KObject } from '../api/object.js';
import type { ApiClient } from '../client/api-client.js';
import { PODS } from '../client/resources.js';
import { ApiError } from '../machinery/errors.js';
import { isPodTerminal } from './pod-state.js';

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function conditions(pod: KObject): PodCondition[] {
  return ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []);
}

export async function forceDeletePod(client: ApiClient, pod: KObject): Promise<void> {
  try {
    await client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } });
  } catch (err) {
    if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
    throw err;
  }
}

export async function markFailedAndForceDelete(client: ApiClient, pod: KObject, condition: PodCondition | undefined, nowIso: string): Promise<void> {
  if (!isPodTerminal(pod) || condition) {
    const status = { ...((pod.status ?? {}) as Record<string, unknown>) };
    if (!isPodTerminal(pod)) status.phase = 'Failed';
    if (condition) status.conditions = [...conditions(pod).filter((c) => c.type !== condition.type), { ...condition, lastTransitionTime: nowIso }];
    try {
      await client.update(PODS, { ...pod, status }, 'status');
    } catch (err) {
      // Gone already, or changed meanwhile: the uid-pinned delete below decides.
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }
  await forceDeletePod(client, pod);
}
