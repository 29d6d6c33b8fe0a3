// The StatefulSet controller (kube-controller-manager's, Kubernetes 1.32):
// pods with stable identities `<set>-<ordinal>`, their claims, ordered or
// parallel scaling, rolling updates by ControllerRevision.
//
// - Handlers only enqueue the owning set (or, for an orphan, every set whose
//   selector matches); sync reads the caches.
// - No expectations: a pod's name is fixed by its ordinal, so a create the
//   cache has not seen yet fails with AlreadyExists and is retried, and a
//   replacement can never exist beside the pod it replaces (the API server
//   refuses a second object of that name — a Failed pod is deleted first and
//   recreated by a later sync, after its DELETED event).
// - The pods a set owns: its selector matches and the name says it is a
//   member (`<set>-<n>`); orphans are adopted, owned non-matching pods released.
// - Status is written when it changes; with minReadySeconds the set is looked
//   at again once pods may have become available.

import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { CONTROLLERREVISIONS, PODS, PVCS, STATEFULSETS } from '../../client/resources.js';
import type { ReconcileResult } from '../../controller/controller.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { adoptionCheck, claimObjects } from '../../controller/claim.js';
import { ownersSelecting, resolveControllerRef } from '../../controller/owners.js';
import { controllerOf, controllerRef } from '../../controller/controller-ref.js';
import { ControllerHistory } from '../../controller/history/controller-history.js';
import { BY_CONTROLLER, BY_NAMESPACE } from '../../controller/informers.js';
import { isPodReady, msUntilAvailable } from '../../controller/pod-state.js';
import type { Logger } from '../../lib/log/log.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels/selector.js';
import { isMemberOf, podRevision, replicasOf, specOf } from './identity.js';
import { StatefulPodControl } from './pod-control.js';
import { resolveRevisions } from './revisions.js';
import { completeRollingUpdate, statusDiffers } from './status.js';
import { updateStatefulSet } from './update.js';
import { deepEqual } from '../../machinery/deep-equal.js';

export interface StatefulSetControllerOptions {
  /** the MaxUnavailableStatefulSet feature gate: alpha and off by default in Kubernetes 1.32 */
  maxUnavailableStatefulSet?: boolean;
}

export class StatefulSetController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly opts: StatefulSetControllerOptions;
  private readonly sets: Informer;
  private readonly pods: Informer;
  private readonly history: ControllerHistory;
  private readonly control: StatefulPodControl;
  private readonly recorder: EventRecorder;
  private readonly log: Logger;

  constructor(ctx: ControllerContext, opts: StatefulSetControllerOptions = {}) {
    super('statefulset-controller', ctx);
    this.ctx = ctx;
    this.opts = opts;
    this.log = ctx.log.child({ controller: this.name });
    this.recorder = ctx.recorder(this.name);
    this.sets = ctx.informers.for(STATEFULSETS);
    this.pods = ctx.informers.for(PODS);
    this.history = new ControllerHistory({ client: ctx.client, informer: ctx.informers.for(CONTROLLERREVISIONS) });
    this.control = new StatefulPodControl({ client: ctx.client, pvcs: ctx.informers.for(PVCS), recorder: this.recorder });
    this.sets.on({
      add: (s) => this.controller.enqueue(objectKey(s)),
      update: (s) => this.controller.enqueue(objectKey(s)),
      delete: (s) => this.controller.enqueue(objectKey(s)),
    });
    this.pods.on({
      add: (p) => this.podAdded(p),
      update: (p, old) => this.podUpdated(p, old),
      delete: (p) => this.podDeleted(p),
    });
  }

  protected reconcile(k: string): Promise<ReconcileResult | void> {
    return this.sync(k);
  }

  /** The set `pod`'s controller reference names, if it still exists with that uid. */
  private ownerOf(pod: KObject, ref = controllerOf(pod)): KObject | undefined {
    return resolveControllerRef(this.sets, pod, 'StatefulSet', ref);
  }

  private enqueueMatching(pod: KObject): void {
    for (const set of ownersSelecting(this.sets, pod)) this.controller.enqueue(objectKey(set));
  }

  private podAdded(pod: KObject): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const set = this.ownerOf(pod);
    if (set) this.controller.enqueue(objectKey(set));
    else if (!controllerOf(pod)) this.enqueueMatching(pod);
  }

  private podUpdated(pod: KObject, old: KObject): void {
    if (pod.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const labelsChanged = !deepEqual(pod.metadata.labels ?? {}, old.metadata.labels ?? {});
    const ref = controllerOf(pod);
    const oldRef = controllerOf(old);
    const refChanged = !deepEqual(ref ?? null, oldRef ?? null);
    if (refChanged && oldRef) {
      const prev = this.ownerOf(old, oldRef);
      if (prev) this.controller.enqueue(objectKey(prev));
    }
    if (ref) {
      const set = this.ownerOf(pod, ref);
      if (!set) return;
      this.controller.enqueue(objectKey(set));
      const minReady = specOf(set).minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.controller.queue.addAfter(objectKey(set), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) this.enqueueMatching(pod);
  }

  private podDeleted(pod: KObject): void {
    const set = this.ownerOf(pod);
    if (set) this.controller.enqueue(objectKey(set));
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const cached = this.sets.get(key);
    if (!cached) return;
    const set = structuredClone(cached);
    let selector: LabelSelector;
    try {
      selector = selectorFromLabelSelector(specOf(set).selector);
    } catch (err) {
      // A selector that cannot be parsed is not fixed by retrying.
      this.log.warn({ key, err: err instanceof Error ? err.message : String(err) }, 'invalid selector');
      return;
    }
    const owner = controllerRef(set, 'apps/v1', 'StatefulSet');
    const adoptable = adoptionCheck(this.ctx.client, STATEFULSETS, set);
    const revisions = await this.history.list(set, { selector, owner, canAdopt: adoptable });
    const pods = await this.claimPods(set, selector, adoptable);

    const { current, update, collisionCount } = await resolveRevisions({ set, owner, revisions, history: this.history });
    const now = this.ctx.clock.now();
    const result = await updateStatefulSet({ set, owner, pods, current, update, collisionCount, control: this.control, now, maxUnavailableGate: this.opts.maxUnavailableStatefulSet ?? false });
    const status = result.status;
    completeRollingUpdate(set, status);
    let statusError: unknown;
    if (statusDiffers(set, status)) {
      try {
        await this.ctx.client.update(STATEFULSETS, { ...set, status: { ...(set.status as object | undefined), ...status } }, 'status');
      } catch (err) {
        statusError = err;
      }
    }
    // truncateHistory: keep the live revisions (current, update, any a pod runs) and revisionHistoryLimit others.
    const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(podRevision)]);
    const limit = specOf(set).revisionHistoryLimit ?? 10;
    if (limit >= 0) await this.history.truncate(revisions, { limit, live: (r) => live.has(r.metadata.name) });
    if (result.error !== undefined) throw result.error;
    if (statusError !== undefined) throw statusError;

    const minReady = specOf(set).minReadySeconds ?? 0;
    if (minReady > 0 && (status.availableReplicas ?? 0) !== replicasOf(set)) {
      let soonest = minReady * 1000;
      for (const p of pods) {
        const ms = msUntilAvailable(p, minReady, now);
        if (ms !== undefined && ms < soonest) soonest = ms;
      }
      return { requeueAfter: soonest + 1 };
    }
  }

  /** getPodsForStatefulSet: owned pods that match and are members; orphans adopted, strays released. */
  private claimPods(set: KObject, selector: LabelSelector, canAdopt: () => Promise<boolean>): Promise<KObject[]> {
    const candidates = new Map<string, KObject>();
    for (const p of this.pods.byIndex(BY_CONTROLLER, set.metadata.uid ?? '')) candidates.set(objectKey(p), p);
    for (const p of this.pods.byIndex(BY_NAMESPACE, set.metadata.namespace ?? '')) if (!controllerOf(p)) candidates.set(objectKey(p), p);
    return claimObjects({
      client: this.ctx.client,
      owner: set,
      ownerResource: STATEFULSETS,
      childResource: PODS,
      candidates: candidates.values(),
      matches: (pod) => selector.matches(pod.metadata.labels ?? {}) && isMemberOf(set, pod),
      canAdopt,
    });
  }
}
