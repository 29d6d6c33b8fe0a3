// The taint eviction controller (Kubernetes 1.32
// pkg/controller/tainteviction/taint_eviction.go, "taint-eviction-controller"):
// deletes the pods bound to a node with NoExecute taints they do not
// tolerate, at once, and those they tolerate for a while, once that while is
// over (noexecute.ts decides which). Whoever set the taint — the node
// lifecycle controller, `kubectl taint`, the out-of-service taint an admin
// adds — is all one to it.
//
// - Keys are pods. A node whose NoExecute taints change enqueues its pods;
//   a pod is enqueued when it is bound, its tolerations change, or it goes.
// - A tolerated-for-a-while pod is a *pending* eviction: its deadline is
//   kept here and the key comes back at the deadline (requeueAfter, on the
//   injected clock). If the taint goes first (or the pod gains a toleration
//   without seconds, or the pod is deleted) the pending eviction is cancelled
//   with the Normal event TaintManagerEviction "Cancelling deletion of Pod ns/name".
// - An eviction: event TaintManagerEviction "Marking for deletion Pod ns/name",
//   then the DisruptionTarget condition (DeletionByTaintManager) through
//   pods/status, then an ordinary graceful DELETE (the pod's own grace
//   period) pinned to the pod's uid. 404 and 409 mean the pod is gone or was
//   replaced: nothing to do. A pod already being deleted is never touched.
// - A node that is deleted while evictions are pending does not cancel them
//   (as in Kubernetes); they run at their deadlines.
//
// Invariant: `pending` and `evicting` only hold pods this controller saw
// bound to a tainted node; both are cleared when the pod leaves the cache.

import type { KObject } from '../../api/object.js';
import { semanticEqual } from '../../api/validation/json-read.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';
import { NODES, PODS } from '../../client/resources.js';
import type { ReconcileResult } from '../../controller/controller.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { nodeNameOf } from '../../controller/pod-state.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { noExecuteTaints, podTolerations, sameTaint, sameTaints, taintSince, verdict, type TaintState } from './noexecute.js';

/** pod informer index: the pods bound to a node (Kubernetes' "spec.nodeName" indexer) */
export const BY_NODE_NAME = 'spec.nodeName';

export const DISRUPTION_TARGET = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' } as const;

interface Pending {
  uid: string;
  /** monotonic ms */
  deadline: number;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** What events name: the pod by namespace, name and uid (Kubernetes' ObjectReference without a resourceVersion). */
function podRef(key: string, uid: string): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...splitKey(key), uid } };
}

export class TaintEvictionController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  /** node name → its NoExecute taints (only nodes that have some) */
  private readonly tainted = new Map<string, TaintState[]>();
  /** pod key → the eviction waiting for its deadline */
  private readonly pending = new Map<string, Pending>();
  /** pod key → uid of the pod whose eviction has begun (event recorded), until the pod is gone */
  private readonly evicting = new Map<string, string>();

  constructor(ctx: ControllerContext) {
    super('taint-eviction-controller', ctx);
    this.ctx = ctx;
    this.log = ctx.log.child({ controller: this.name });
    this.recorder = ctx.recorder(this.name);
    this.pods = ctx.informers.for(PODS);
    this.nodes = ctx.informers.for(NODES);
    this.pods.addIndex(BY_NODE_NAME, (p) => {
      const n = nodeNameOf(p);
      return n ? [n] : [];
    });
    this.nodes.on({
      add: (n) => this.nodeChanged(n),
      update: (n) => this.nodeChanged(n),
      delete: (n) => this.nodeDeleted(n),
    });
    this.pods.on({
      add: (p) => {
        if (nodeNameOf(p)) this.controller.enqueue(objectKey(p));
      },
      update: (p, old) => {
        const spec = (o: KObject): unknown => (o.spec as { tolerations?: unknown } | undefined)?.tolerations;
        if (nodeNameOf(p) !== nodeNameOf(old) || !semanticEqual(spec(p) ?? [], spec(old) ?? [])) this.controller.enqueue(objectKey(p));
      },
      delete: (p) => {
        const key = objectKey(p);
        if (this.pending.has(key) || this.evicting.has(key)) this.controller.enqueue(key);
      },
    });
  }

  protected reconcile(k: string): Promise<ReconcileResult | void> {
    return this.sync(k);
  }

  /** Records the node's NoExecute taints (keeping when each started) and, if they changed, looks at its pods again. */
  private nodeChanged(node: KObject): void {
    const name = node.metadata.name ?? '';
    const before = this.tainted.get(name) ?? [];
    const seen = this.ctx.clock.monotonic();
    const wall = this.ctx.clock.now();
    const after: TaintState[] = noExecuteTaints(node).map((t) => {
      const since = taintSince(t, seen, wall);
      const known = before.find((b) => sameTaint(b, t));
      return { key: t.key, value: t.value, effect: t.effect, since: known ? Math.min(known.since, since) : since };
    });
    if (after.length > 0) this.tainted.set(name, after);
    else this.tainted.delete(name);
    if (sameTaints(before, after)) return;
    this.log.info({ node: name, taints: after.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`) }, 'NoExecute taints changed');
    for (const pod of this.pods.byIndex(BY_NODE_NAME, name)) this.controller.enqueue(objectKey(pod));
  }

  private nodeDeleted(node: KObject): void {
    // Pending evictions of its pods run at their deadlines (Kubernetes forgets the node's taints and nothing else).
    this.tainted.delete(node.metadata.name ?? '');
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.get(key);
    if (!pod) {
      this.evicting.delete(key);
      this.cancel(key);
      return;
    }
    const uid = pod.metadata.uid ?? '';
    if (this.evicting.has(key) && this.evicting.get(key) !== uid) this.evicting.delete(key);
    const pending = this.pending.get(key);
    // An eviction planned for an earlier pod of the same name is not this pod's.
    if (pending && pending.uid !== uid) this.pending.delete(key);
    // Someone (perhaps we) is deleting it already: never delete twice.
    if (pod.metadata.deletionTimestamp) {
      this.pending.delete(key);
      return;
    }
    const nodeName = nodeNameOf(pod);
    const taints = nodeName ? this.tainted.get(nodeName) : undefined;
    if (!taints) {
      const p = this.pending.get(key);
      if (p && nodeName && !this.nodes.get(nodeName)) return this.whenDue(key, pod, p.deadline);
      this.cancel(key);
      return;
    }
    const v = verdict(taints, podTolerations(pod));
    switch (v.kind) {
      case 'untolerated':
        this.log.info({ pod: key, node: nodeName, taint: v.taint.key }, 'not every NoExecute taint is tolerated; deleting the pod now');
        this.cancel(key);
        await this.evict(key, pod);
        return;
      case 'forever':
        this.cancel(key);
        return;
      case 'at':
        return this.whenDue(key, pod, v.deadline);
    }
  }

  private async whenDue(key: string, pod: KObject, deadline: number): Promise<ReconcileResult | void> {
    const wait = deadline - this.ctx.clock.monotonic();
    if (wait > 0) {
      const had = this.pending.get(key);
      if (had?.deadline !== deadline) this.log.info({ pod: key, node: nodeNameOf(pod), inMs: wait }, 'pod tolerates its node\'s NoExecute taints for a while; deletion scheduled');
      this.pending.set(key, { uid: pod.metadata.uid ?? '', deadline });
      return { requeueAfter: wait };
    }
    this.pending.delete(key);
    await this.evict(key, pod);
  }

  /** Drops a pending eviction, with Kubernetes' event; nothing if none was pending. */
  private cancel(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    this.log.info({ pod: key }, 'cancelling the scheduled deletion of a pod');
    this.recorder.record(podRef(key, p.uid), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** addConditionAndDeletePod, after the event; a throw retries (the event is not repeated). */
  private async evict(key: string, cached: KObject): Promise<void> {
    const uid = cached.metadata.uid ?? '';
    if (this.evicting.get(key) !== uid) {
      this.evicting.set(key, uid);
      this.recorder.record(podRef(key, uid), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    }
    const { namespace, name } = splitKey(key);
    let live: KObject;
    try {
      live = await this.ctx.client.get(PODS, namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
    if (live.metadata.uid !== uid || live.metadata.deletionTimestamp) return;
    const status = { ...((live.status ?? {}) as Record<string, unknown>) };
    const conditions = (status.conditions as Condition[] | undefined) ?? [];
    const existing = conditions.find((c) => c.type === DISRUPTION_TARGET.type);
    if (!existing || existing.status !== DISRUPTION_TARGET.status || existing.reason !== DISRUPTION_TARGET.reason || existing.message !== DISRUPTION_TARGET.message) {
      const lastTransitionTime = existing && existing.status === DISRUPTION_TARGET.status && existing.lastTransitionTime ? existing.lastTransitionTime : rfc3339(this.ctx.clock.now());
      status.conditions = [...conditions.filter((c) => c.type !== DISRUPTION_TARGET.type), { ...DISRUPTION_TARGET, lastProbeTime: null, lastTransitionTime }];
      try {
        // Compare-and-swap on the live resourceVersion: a 409 retries the whole eviction from a fresh read.
        await this.ctx.client.update(PODS, { ...live, status }, 'status');
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return;
        throw err;
      }
    }
    try {
      await this.ctx.client.delete(PODS, namespace, name, { preconditions: { uid } });
      this.log.info({ pod: key, node: nodeNameOf(live) }, 'deleted a pod for a NoExecute taint');
    } catch (err) {
      // Gone already, or replaced by another pod of the same name: nothing of ours to delete.
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }
}
