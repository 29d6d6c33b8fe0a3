// The ReplicaSet controller: keeps `spec.replicas` active pods matching the
// selector, as kube-controller-manager's does.
//
// - Active pods only (not terminal, not being deleted): a Failed pod is
//   replaced at once and left for the pod garbage collector; a deleted pod
//   is replaced as soon as its deletionTimestamp is set.
// - Orphans matching the selector are adopted, owned pods that stop
//   matching are released (controller-ref.ts).
// - Creates go out in slow-start batches under expectations; a key whose
//   expectations are unmet is not managed again until the informer has caught
//   up (or 5 minutes pass), so a lagging cache never doubles a create.
// - Scale-down deletes the lowest-ranked pods (rank.ts).
// - Status is written every sync; a pod that becomes ready is looked at
//   again after minReadySeconds, when it becomes available.
// - A sync counts the ReplicaSet's pods from a tally kept by pod events
//   (pod-tally.ts) when nothing is to be adopted or released and
//   minReadySeconds is 0; otherwise it reads every pod. For a sync that
//   still costs (a walk over ~10,000 pods takes tens of ms) a pod's status
//   change — which can only change the ReplicaSet's status — is looked at
//   after a delay of nine times the last sync's cost (at most 1 s), so
//   thousands of readiness changes a second do not each cost a full sync.
//   Pods created, deleted, relabelled or turned Failed / Succeeded are
//   looked at at once.

import type { KObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import type { Informer } from '../../client/informer.js';
import { PODS, REPLICASETS } from '../../client/resources.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { ApiError } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelectorJson } from '../../machinery/labels/selector.js';
import { slowStartBatch } from '../../controller/batch.js';
import type { ReconcileResult } from '../../controller/controller.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { claimObjects } from '../../controller/claim.js';
import { ownersSelecting, resolveControllerRef } from '../../controller/owners.js';
import { controllerOf, controllerRef } from '../../controller/controller-ref.js';
import { Expectations } from '../../controller/expectations.js';
import { BY_CONTROLLER, BY_ORPHAN_NAMESPACE } from '../../controller/informers.js';
import { isPodActive, isPodReady, msUntilAvailable } from '../../controller/pod-state.js';
import { podFromTemplate, type PodTemplate } from '../../controller/pod-template.js';
import { rankForDeletion } from './rank.js';
import { PodTallies, type TallyShape } from './pod-tally.js';
import { calculateStatus, countPods, sameStatus, type ManageFailure, type ReplicaCounts } from './status.js';
import { deepEqual } from '../../machinery/deep-equal.js';

/** at most this many creates or deletes per sync (kube-controller-manager's burstReplicas) */
export const BURST_REPLICAS = 500;
/** syncs cheaper than this (ms) are never delayed for their cost */
const CHEAP_SYNC_MS = 20;
/**
 * a status-only look at a sync that walks the pods waits this many times the
 * last sync's cost, so such syncs of one big ReplicaSet take at most a tenth
 * of the controller's time (at 150,000 pods a walk costs ~50–100 ms) ...
 */
const STATUS_DELAY_FACTOR = 9;
/** ... but never longer than this (ms) */
const MAX_STATUS_DELAY_MS = 1000;
/**
 * A ReplicaSet with this many pods gathers its pods' status changes for
 * STATUS_BATCH_MS before it writes its status: counted syncs are cheap, but
 * each status write is a write, a watch event and a Deployment sync, and
 * thousands of pods turning Ready a second would each make one.
 */
const BIG_REPLICA_SET = 1000;
const STATUS_BATCH_MS = 100;

interface RsSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelectorJson;
  template?: PodTemplate;
}

function specOf(rs: KObject): RsSpec {
  return (rs.spec ?? {}) as RsSpec;
}

/** Only status moved: same object (uid), generation (spec), labels, annotations, owners, deletion state. */
function statusOnlyChange(rs: KObject, old: KObject): boolean {
  const a = rs.metadata;
  const b = old.metadata;
  return (
    a.uid === b.uid &&
    a.generation !== undefined &&
    a.generation === b.generation &&
    a.deletionTimestamp === b.deletionTimestamp &&
    deepEqual([a.labels, a.annotations, a.ownerReferences, a.finalizers], [b.labels, b.annotations, b.ownerReferences, b.finalizers])
  );
}

export class ReplicaSetController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly expectations: Expectations;
  private readonly rsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly recorder: EventRecorder;
  /** how long the last sync of each ReplicaSet took (ms) */
  private readonly syncCost = new Map<string, number>();
  /** how many pods each ReplicaSet had at its last sync */
  private readonly syncSize = new Map<string, number>();
  private readonly tallies = new PodTallies();

  constructor(ctx: ControllerContext) {
    super('replicaset-controller', ctx);
    this.ctx = ctx;
    this.expectations = new Expectations(ctx.clock);
    this.recorder = ctx.recorder(this.name);
    this.rsInformer = ctx.informers.for(REPLICASETS);
    this.podInformer = ctx.informers.for(PODS);
    this.rsInformer.on({
      add: (rs) => this.controller.enqueue(objectKey(rs)),
      update: (rs, old) => {
        // Deleted and created again under the same name while the watch was down (a relist shows it as an update).
        if (rs.metadata.uid !== old.metadata.uid) this.tallies.forget(old.metadata.uid ?? '');
        // Its own status write changes nothing a sync acts on (and would start the next sync at once).
        if (statusOnlyChange(rs, old)) return;
        this.controller.enqueue(objectKey(rs));
      },
      delete: (rs) => {
        this.tallies.forget(rs.metadata.uid ?? '');
        this.expectations.delete(objectKey(rs));
        this.syncCost.delete(objectKey(rs));
        this.syncSize.delete(objectKey(rs));
        this.controller.enqueue(objectKey(rs));
      },
    });
    this.podInformer.on({
      add: (pod) => {
        this.tallies.observe(pod);
        this.podAdded(pod);
      },
      update: (pod, old) => {
        this.tallies.observe(pod);
        this.podUpdated(pod, old);
      },
      delete: (pod) => {
        this.tallies.observeDeleted(pod);
        this.podDeleted(pod);
      },
    });
  }

  protected async reconcile(k: string): Promise<ReconcileResult | void> {
    const t0 = this.ctx.clock.monotonic();
    try {
      return await this.sync(k);
    } finally {
      if (this.rsInformer.get(k)) this.syncCost.set(k, this.ctx.clock.monotonic() - t0);
    }
  }

  /** A pod's change that can only move the ReplicaSet's status: at once for a cheap sync, a little later for a costly one. */
  private enqueueStatusChange(key: string): void {
    const cost = this.syncCost.get(key) ?? 0;
    if (cost >= CHEAP_SYNC_MS) this.controller.queue.addAfter(key, Math.min(MAX_STATUS_DELAY_MS, cost * STATUS_DELAY_FACTOR));
    else if ((this.syncSize.get(key) ?? 0) >= BIG_REPLICA_SET) this.controller.queue.addAfter(key, STATUS_BATCH_MS);
    else this.controller.enqueue(key);
  }

  /** The ReplicaSet that controls `pod`, if it still exists with that uid. */
  private ownerOf(pod: KObject): KObject | undefined {
    return resolveControllerRef(this.rsInformer, pod, 'ReplicaSet');
  }

  /** ReplicaSets whose selector matches an orphan pod: each may adopt it. */
  private enqueueMatching(pod: KObject): void {
    for (const rs of ownersSelecting(this.rsInformer, pod)) this.controller.enqueue(objectKey(rs));
  }

  private podAdded(pod: KObject): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const rs = this.ownerOf(pod);
    if (rs) {
      const key = objectKey(rs);
      this.expectations.creationObserved(key);
      this.enqueueObserved(key);
    } else if (!controllerOf(pod)) this.enqueueMatching(pod);
  }

  private podUpdated(pod: KObject, old: KObject): void {
    if (pod.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const labelsChanged = !deepEqual(pod.metadata.labels ?? {}, old.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      // Graceful deletion: the pod is no longer active from this moment; a replacement may start now.
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const oldRef = controllerOf(old);
    const ref = controllerOf(pod);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const prev = this.ownerOf(old);
      if (prev) this.controller.enqueue(objectKey(prev));
    }
    const rs = this.ownerOf(pod);
    if (rs) {
      // A pod turning Failed or Succeeded must be replaced now: only a readiness change may wait.
      if (labelsChanged || oldRef?.uid !== ref?.uid || isPodActive(pod) !== isPodActive(old)) this.controller.enqueue(objectKey(rs));
      else this.enqueueStatusChange(objectKey(rs));
      const minReady = specOf(rs).minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.controller.queue.addAfter(objectKey(rs), minReady * 1000 + 1000);
      return;
    }
    if (!ref && (labelsChanged || oldRef)) this.enqueueMatching(pod);
  }

  private podDeleted(pod: KObject): void {
    const rs = this.ownerOf(pod);
    if (!rs) return;
    const key = objectKey(rs);
    this.expectations.deletionObserved(key, objectKey(pod));
    this.enqueueObserved(key);
  }

  /**
   * A pod of `key` appeared or went. While more of the ReplicaSet's own
   * creations or deletions are still to be seen, a sync could only refresh
   * its status (it does not manage replicas then): that waits like any status
   * change. The last awaited one, or one nobody expected, syncs at once.
   */
  private enqueueObserved(key: string): void {
    if (this.expectations.satisfied(key)) this.controller.enqueue(key);
    else this.enqueueStatusChange(key);
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const rs = this.rsInformer.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const spec = specOf(rs);
    const selector = selectorFromLabelSelector(spec.selector ?? { matchLabels: {} });
    const needsSync = this.expectations.satisfied(key);
    const minReady = spec.minReadySeconds ?? 0;
    const uid = rs.metadata.uid ?? '';
    const ownPods = (): KObject[] => this.podInformer.byIndex(BY_CONTROLLER, uid).filter(isPodActive);
    const shape: TallyShape = { selector, templateLabels: spec.template?.metadata?.labels ?? {} };
    // A copy: the tally moves with pod events while this sync awaits its writes; the status reports what the sync saw.
    const tally = { ...this.tallies.counts(uid, shape, JSON.stringify([spec.selector, shape.templateLabels]), () => this.podInformer.byIndex(BY_CONTROLLER, uid)) };
    const orphans = this.podInformer.byIndex(BY_ORPHAN_NAMESPACE, rs.metadata.namespace ?? '').filter((p) => isPodActive(p) && selector.matches(p.metadata.labels ?? {}));
    // The tally is the claim's answer when there is nothing to adopt or release; availability needs each pod's time.
    const counted = orphans.length === 0 && tally.mismatched === 0 && minReady === 0;
    // Its own pods and the namespace's orphans: claiming ignores pods another controller owns.
    const pods = counted ? undefined : await claimObjects({ client: this.ctx.client, owner: rs, ownerResource: REPLICASETS, childResource: PODS, candidates: [...ownPods(), ...orphans], matches: (p) => selector.matches(p.metadata.labels ?? {}) });

    let failure: ManageFailure | undefined;
    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(rs, pods?.length ?? tally.replicas, () => pods ?? ownPods());
      } catch (err) {
        manageError = err;
        failure = err instanceof ManageError ? err.failure : undefined;
      }
    }
    const now = this.ctx.clock.now();
    const counts: ReplicaCounts = pods ? countPods(rs, pods, now) : { replicas: tally.replicas, fullyLabeled: tally.fullyLabeled, ready: tally.ready, available: tally.ready };
    if (this.rsInformer.get(key)) this.syncSize.set(key, counts.replicas);
    const status = calculateStatus({ rs, counts, failure, now });
    if (!sameStatus(status, (rs.status ?? { replicas: 0 }) as never)) {
      await this.ctx.client.update(REPLICASETS, { ...rs, status }, 'status');
    }
    if (manageError !== undefined) throw manageError instanceof ManageError ? manageError.cause : manageError;
    // Pods that are ready but not yet available: look again when they become available.
    if (minReady > 0 && pods) {
      let soonest: number | undefined;
      for (const p of pods) {
        const ms = msUntilAvailable(p, minReady, now);
        if (ms !== undefined && (soonest === undefined || ms < soonest)) soonest = ms;
      }
      if (soonest !== undefined) return { requeueAfter: soonest + 1 };
    }
  }

  /** Creates or deletes pods toward spec.replicas: it has `active` pods, which `pods` lists for a scale-down. */
  private async manageReplicas(rs: KObject, active: number, pods: () => KObject[]): Promise<void> {
    const key = objectKey(rs);
    const spec = specOf(rs);
    const want = spec.replicas ?? 1;
    const diff = active - want;
    const ns = rs.metadata.namespace ?? '';
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, n);
      const ref = controllerRef(rs, 'apps/v1', 'ReplicaSet');
      const { succeeded, error } = await slowStartBatch(n, 1, async () => {
        try {
          const pod = await this.ctx.client.create(PODS, ns, podFromTemplate({ template: spec.template ?? {}, namespace: ns, owner: ref }));
          this.recorder.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          this.recorder.record(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
          throw err;
        }
      });
      // Creates that failed or were never tried will never be observed.
      for (let i = succeeded; i < n; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw new ManageError({ reason: 'FailedCreate', message: errorMessage(error) }, error);
      return;
    }
    if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const victims = rankForDeletion(pods(), this.relatedPods(rs), this.ctx.clock.now()).slice(0, n);
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await this.ctx.client.delete(PODS, ns, pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
            this.recorder.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
          } catch (err) {
            this.expectations.deletionObserved(key, objectKey(pod));
            if (err instanceof ApiError && err.code === 404) return;
            this.recorder.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
            throw err;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw new ManageError({ reason: 'FailedDelete', message: errorMessage(failed.reason) }, failed.reason);
    }
  }

  /** Active pods of every ReplicaSet with the same controller as `rs` (its Deployment), for spreading scale-down. */
  private relatedPods(rs: KObject): KObject[] {
    const owner = controllerOf(rs);
    const siblings = owner ? this.rsInformer.byIndex(BY_CONTROLLER, owner.uid) : [rs];
    return siblings.flatMap((s) => this.podInformer.byIndex(BY_CONTROLLER, s.metadata.uid ?? '')).filter(isPodActive);
  }
}

class ManageError extends Error {
  constructor(
    readonly failure: ManageFailure,
    override readonly cause: unknown,
  ) {
    super(failure.message);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
