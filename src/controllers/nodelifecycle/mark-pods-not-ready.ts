// MarkPodsNotReady: when a node stops being Ready, every pod on it gets its
// Ready condition set to False at once (only Ready: ContainersReady is the
// kubelet's), with a Warning `NodeNotReady` event "Node is not ready". This
// is what takes a dead node's pods out of Service endpoints without waiting
// for eviction. Pods being deleted or already not ready are skipped; a
// conflict re-reads the pod once; a pod that is gone needs nothing. The
// writes go out MARK_CONCURRENCY at a time (Kubernetes writes them one after
// the other): a node's pods leave their Services in about one write's time.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { PODS } from '../../client/resources.js';
import { nodeNameOf } from '../../controller/pod-state.js';
import { ApiError } from '../../machinery/errors.js';
import { eachLimited } from '../../lib/async/each-limited.js';

/** pod status writes in flight at once */
export const MARK_CONCURRENCY = 16;

interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  [k: string]: unknown;
}

function readyTrue(pod: KObject): boolean {
  return ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function notReady(pod: KObject, nowIso: string): KObject {
  const status = { ...((pod.status ?? {}) as Record<string, unknown>) };
  status.conditions = ((status.conditions as PodCondition[] | undefined) ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: nowIso } : c));
  return { ...pod, status };
}

/** Resolves true when every pod of the node is marked (or needed nothing); false asks for a retry. */
export async function markPodsNotReady(client: ApiClient, recorder: EventRecorder, node: string, pods: KObject[], nowIso: string): Promise<boolean> {
  const todo = pods.filter((pod) => nodeNameOf(pod) === node && !pod.metadata.deletionTimestamp && readyTrue(pod));
  let ok = true;
  await eachLimited(todo, MARK_CONCURRENCY, async (pod) => {
    if (!(await markOne(client, recorder, node, pod, nowIso))) ok = false;
  });
  return ok;
}

/** false: the write failed for another reason than the pod being gone or no longer ready */
async function markOne(client: ApiClient, recorder: EventRecorder, node: string, pod: KObject, nowIso: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.update(PODS, notReady(pod, nowIso), 'status');
      recorder.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return true;
      if (!(err instanceof ApiError && err.code === 409) || attempt > 0) return false;
      try {
        pod = await client.get(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      } catch (e) {
        return e instanceof ApiError && e.code === 404;
      }
      if (nodeNameOf(pod) !== node || !readyTrue(pod)) return true;
    }
  }
}
