// Draining a node for scale-down, as `kubectl drain` and Cluster Autoscaler
// do it: taint it so nothing new lands (TAINT_TO_BE_DELETED, NoSchedule),
// evict every pod that is not a DaemonSet pod through the Eviction API — so
// PodDisruptionBudgets are honoured: a 429 is retried until `timeoutMs` —
// and wait until those pods are gone. A drain that cannot finish takes the
// taint off again (the node returns to service) and says why.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import type { Informer } from '../../client/informer.js';
import { NODES, PODS } from '../../client/resources.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { isPodTerminal } from '../../controller/pod-state.js';
import type { Clock } from '../../lib/clock/clock.js';
import { ApiError } from '../../machinery/errors.js';

export const TAINT_TO_BE_DELETED = 'autoscaling.hale.dev/to-be-deleted';
export const BY_NODE = 'nodeName';
const RETRY_MS = 2_000;

export type DrainResult = { ok: true } | { ok: false; reason: string };

interface TaintJson {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

function taintsOf(node: KObject): TaintJson[] {
  const t = (node.spec as { taints?: unknown } | undefined)?.taints;
  return Array.isArray(t) ? (t as TaintJson[]) : [];
}

/** Adds (or removes) the to-be-deleted taint with a compare-and-swap update, retried on conflict. */
export async function setToBeDeleted(client: ApiClient, name: string, on: boolean, nowMs: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const node = await client.get(NODES, '', name);
    const taints = taintsOf(node);
    const has = taints.some((t) => t.key === TAINT_TO_BE_DELETED);
    if (has === on) return;
    const next = on
      ? [...taints, { key: TAINT_TO_BE_DELETED, value: String(Math.floor(nowMs / 1000)), effect: 'NoSchedule' }]
      : taints.filter((t) => t.key !== TAINT_TO_BE_DELETED);
    try {
      await client.update(NODES, { ...node, spec: { ...(node.spec ?? {}), taints: next } });
      return;
    } catch (err) {
      if (err instanceof ApiError && err.code === 409 && attempt < 5) continue;
      throw err;
    }
  }
}

export function isToBeDeleted(node: KObject): boolean {
  return taintsOf(node).some((t) => t.key === TAINT_TO_BE_DELETED);
}

function mustMove(p: KObject): boolean {
  return !isPodTerminal(p) && controllerOf(p)?.kind !== 'DaemonSet';
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((r) => clock.setTimeout(r, ms));
}

export interface DrainOptions {
  client: ApiClient;
  clock: Clock;
  /** the shared pod informer, with the BY_NODE index */
  pods: Informer;
  node: string;
  timeoutMs: number;
  /** true while the caller still wants the drain (false: stop early, leave the node as it is) */
  wanted?: () => boolean;
}

export async function drainNode(o: DrainOptions): Promise<DrainResult> {
  const deadline = o.clock.monotonic() + o.timeoutMs;
  await setToBeDeleted(o.client, o.node, true, o.clock.now());
  const evicted = new Set<string>();
  let lastRefusal = '';
  for (;;) {
    const left = o.pods.byIndex(BY_NODE, o.node).filter(mustMove);
    if (left.length === 0) return { ok: true };
    if (o.wanted && !o.wanted()) return { ok: false, reason: 'drain cancelled' };
    if (o.clock.monotonic() >= deadline) {
      const names = left.slice(0, 5).map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
      return { ok: false, reason: `${left.length} pod(s) still on the node after ${Math.round(o.timeoutMs / 1000)}s (${names})${lastRefusal ? `; last refusal: ${lastRefusal}` : ''}` };
    }
    for (const p of left) {
      const key = `${p.metadata.namespace}/${p.metadata.name}/${p.metadata.uid}`;
      if (evicted.has(key) || p.metadata.deletionTimestamp) continue;
      try {
        await o.client.create(PODS, p.metadata.namespace ?? '', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name ?? '', namespace: p.metadata.namespace ?? '' } }, 'eviction');
        evicted.add(key);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) continue;
        // 429: a PodDisruptionBudget allows no disruption now; try again on the next round.
        if (err instanceof ApiError && err.code === 429) {
          lastRefusal = err.message;
          continue;
        }
        throw err;
      }
    }
    await sleep(o.clock, RETRY_MS);
  }
}
