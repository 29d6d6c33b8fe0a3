// The DaemonSet controller (kube-controller-manager's pkg/controller/daemon):
// one daemon pod on every node the DaemonSet fits (placement.ts), pinned to
// its node through required node affinity and bound by the default
// scheduler; nodes that join get one, nodes that stop fitting lose theirs.
//
// One sync, in Kubernetes' order:
//   1. the ControllerRevision of the current template is found or made
//      (history.ts); its hash labels every new pod;
//   2. with expectations met, `manage`: per node create the missing pod,
//      delete failed ones (per-node backoff), excess and misplaced ones
//      (node-pods.ts); then, with expectations still met, one RollingUpdate
//      step (rolling-update.ts; OnDelete does nothing); then old revisions
//      beyond revisionHistoryLimit go;
//   3. status (status.ts) — only status, without observedGeneration, while
//      expectations are unmet.
// Creates go out in slow-start batches (at most 250 per sync) under
// expectations (creates and deletes of one sync set together): a stale pod
// cache never doubles a node's pod.

import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { CONTROLLERREVISIONS, DAEMONSETS, NODES, PODS } from '../../client/resources.js';
import { slowStartBatch } from '../../controller/batch.js';
import type { ReconcileResult } from '../../controller/controller.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { adoptionCheck, claimObjects } from '../../controller/claim.js';
import { ownersSelecting, resolveControllerRef } from '../../controller/owners.js';
import { controllerOf, controllerRef } from '../../controller/controller-ref.js';
import { Expectations } from '../../controller/expectations.js';
import { BY_CONTROLLER } from '../../controller/informers.js';
import { isPodReady, isPodTerminal, nodeNameOf } from '../../controller/pod-state.js';
import { podFromTemplate } from '../../controller/pod-template.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels/selector.js';
import { CONTROLLER_REVISION_HASH_LABEL, daemonPodTemplate, pinnedAffinity, targetNodeName, templateGeneration } from './daemon-pod.js';
import { isRollingUpdate, minReadySeconds, specOf, type DaemonSet } from './daemonset.js';
import { FailedPodBackoff } from './failed-pod-backoff.js';
import { DaemonSetHistory } from './history.js';
import { podsShouldBeOnNode } from './node-pods.js';
import { effectiveTaints, nodeShouldRunDaemonPod } from './placement.js';
import { rollingUpdateStep } from './rolling-update.js';
import { countStatus, nextStatus } from './status.js';
import { deepEqual } from '../../machinery/deep-equal.js';

/** at most this many creates or deletes per sync (BurstReplicas) */
export const BURST_REPLICAS = 250;
const BACKOFF_GC_INTERVAL_MS = 60_000;
/** pod index: pods without a controller, by namespace (the adoption candidates) */
const ORPHANS_BY_NAMESPACE = 'orphans-by-namespace';

export interface DaemonSetControllerOptions {
  /** the failed-pod backoff (default 1 s doubling to 15 min) */
  backoff?: FailedPodBackoff;
}

type NodeToPods = Map<string, KObject[]>;

export class DaemonSetController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly log: Logger;
  private readonly expectations: Expectations;
  private readonly backoff: FailedPodBackoff;
  private lastBackoffGc = 0;
  private readonly dsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly nodeInformer: Informer;
  private readonly history: DaemonSetHistory;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, opts: DaemonSetControllerOptions = {}) {
    super('daemonset-controller', ctx);
    this.ctx = ctx;
    this.log = ctx.log.child({ controller: this.name });
    this.expectations = new Expectations(ctx.clock);
    this.backoff = opts.backoff ?? new FailedPodBackoff();
    this.recorder = ctx.recorder(this.name);
    this.dsInformer = ctx.informers.for(DAEMONSETS);
    this.podInformer = ctx.informers.for(PODS);
    this.podInformer.addIndex(ORPHANS_BY_NAMESPACE, (p) => (controllerOf(p) ? [] : [p.metadata.namespace ?? '']));
    this.nodeInformer = ctx.informers.for(NODES);
    const revInformer = ctx.informers.for(CONTROLLERREVISIONS);
    this.history = new DaemonSetHistory({ client: ctx.client, informer: revInformer });
    this.dsInformer.on({
      add: (ds) => this.controller.enqueue(objectKey(ds)),
      update: (ds, old) => {
        if (ds.metadata.uid !== old.metadata.uid) this.forget(objectKey(old));
        this.controller.enqueue(objectKey(ds));
      },
      delete: (ds) => {
        this.forget(objectKey(ds));
        this.controller.enqueue(objectKey(ds));
      },
    });
    this.podInformer.on({
      add: (pod) => this.podAdded(pod),
      update: (pod, old) => this.podUpdated(pod, old),
      delete: (pod) => this.podDeleted(pod),
    });
    this.nodeInformer.on({
      add: (node) => this.nodeAdded(node),
      update: (node, old) => this.nodeUpdated(node, old),
      // Kubernetes waits for PodGC to remove the node's pods; hale also looks at once, so status drops the node now.
      delete: () => this.enqueueAll(),
    });
    revInformer.on({
      add: (rev) => this.revisionChanged(rev),
      update: (rev, old) => {
        if (rev.metadata.resourceVersion === old.metadata.resourceVersion) return;
        const oldOwner = this.ownerOf(old);
        if (oldOwner && controllerOf(rev)?.uid !== oldOwner.metadata.uid) this.controller.enqueue(objectKey(oldOwner));
        this.revisionChanged(rev);
      },
      delete: (rev) => {
        const ds = this.ownerOf(rev);
        if (ds) this.controller.enqueue(objectKey(ds));
      },
    });
  }

  protected reconcile(k: string): Promise<ReconcileResult | void> {
    return this.sync(k);
  }

  private forget(key: string): void {
    this.expectations.delete(key);
  }

  // ---- event handlers: turn changes into DaemonSet keys ----

  /** The DaemonSet that controls `obj`, if it still exists with that uid (resolveControllerRef). */
  private ownerOf(obj: KObject): DaemonSet | undefined {
    return resolveControllerRef(this.dsInformer, obj, 'DaemonSet') as DaemonSet | undefined;
  }

  /** DaemonSets of the object's namespace whose selector matches it: each may adopt it. */
  private enqueueMatching(obj: KObject): void {
    for (const ds of ownersSelecting(this.dsInformer, obj)) this.controller.enqueue(objectKey(ds));
  }

  private enqueueAll(): void {
    for (const ds of this.dsInformer.items.values()) this.controller.enqueue(objectKey(ds));
  }

  private podAdded(pod: KObject): void {
    // A pod already being deleted (seen after a restart) is no creation to observe.
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const ds = this.ownerOf(pod);
    if (ds) {
      this.expectations.creationObserved(objectKey(ds));
      this.controller.enqueue(objectKey(ds));
    } else if (!controllerOf(pod)) this.enqueueMatching(pod);
  }

  private podUpdated(pod: KObject, old: KObject): void {
    if (pod.metadata.resourceVersion === old.metadata.resourceVersion) return;
    // Graceful deletion: the pod counts as gone from now; the replacement need not wait for the kubelet.
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const ref = controllerOf(pod);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(ref) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const prev = this.ownerOf(old);
      if (prev) this.controller.enqueue(objectKey(prev));
    }
    if (ref) {
      const ds = this.ownerOf(pod);
      if (!ds) return;
      this.controller.enqueue(objectKey(ds));
      const minReady = minReadySeconds(ds);
      // One second more than minReadySeconds, so the pod is surely available when we look.
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.controller.queue.addAfter(objectKey(ds), minReady * 1000 + 1000);
      return;
    }
    const labelsChanged = !deepEqual(pod.metadata.labels ?? {}, old.metadata.labels ?? {});
    if (labelsChanged || refChanged) this.enqueueMatching(pod);
  }

  private podDeleted(pod: KObject): void {
    const ds = this.ownerOf(pod);
    if (!ds) return;
    this.expectations.deletionObserved(objectKey(ds), objectKey(pod));
    this.controller.enqueue(objectKey(ds));
  }

  private nodeAdded(node: KObject): void {
    for (const ds of this.dsInformer.items.values()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.controller.enqueue(objectKey(ds));
  }

  private nodeUpdated(node: KObject, old: KObject): void {
    // Placement reads only labels and taints (readiness included): other node changes (heartbeats) are ignored.
    const taints = (n: KObject): string => JSON.stringify(effectiveTaints(n));
    if (JSON.stringify(node.metadata.labels ?? {}) === JSON.stringify(old.metadata.labels ?? {}) && taints(node) === taints(old)) return;
    for (const ds of this.dsInformer.items.values()) {
      const before = nodeShouldRunDaemonPod(old, ds);
      const now = nodeShouldRunDaemonPod(node, ds);
      if (before.shouldRun !== now.shouldRun || before.shouldContinueRunning !== now.shouldContinueRunning) this.controller.enqueue(objectKey(ds));
    }
  }

  private revisionChanged(rev: KObject): void {
    if (controllerOf(rev)) {
      const ds = this.ownerOf(rev);
      if (ds) this.controller.enqueue(objectKey(ds));
    } else this.enqueueMatching(rev);
  }

  // ---- the sync ----

  private async sync(key: string): Promise<ReconcileResult | void> {
    const ds = this.dsInformer.get(key);
    if (!ds) {
      this.forget(key);
      return;
    }
    const sel = specOf(ds).selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      this.recorder.record(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // Being deleted: its revisions may already be gone, so neither pods nor status can be trusted.
    if (ds.metadata.deletionTimestamp) return;
    this.gcBackoff();
    const selector = selectorFromLabelSelector(sel);
    const nodes = [...this.nodeInformer.items.values()];
    const canAdopt = adoptionCheck(this.ctx.client, DAEMONSETS, ds);
    const { cur, old } = await this.history.construct(ds, {
      selector,
      canAdopt,
      ownedPods: () => this.claimPods(ds, selector, canAdopt),
    });
    const hash = cur.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';

    if (!this.expectations.satisfied(key)) return this.updateStatus(ds, nodes, selector, hash, false);

    let requeueAfter: number | undefined;
    let syncError: unknown;
    try {
      requeueAfter = await this.updateDaemonSet(ds, nodes, selector, hash, old);
    } catch (err) {
      syncError = err;
    }
    let statusResult: ReconcileResult | void = undefined;
    try {
      statusResult = await this.updateStatus(ds, nodes, selector, hash, true);
    } catch (err) {
      if (syncError === undefined) throw err;
      this.log.warn({ key, err: errorMessage(err) }, 'failed to update status');
    }
    if (syncError !== undefined) throw syncError;
    const later = [requeueAfter, statusResult?.requeueAfter].filter((v): v is number => v !== undefined);
    if (later.length > 0) return { requeueAfter: Math.min(...later) };
  }

  private gcBackoff(): void {
    const now = this.ctx.clock.monotonic();
    if (now - this.lastBackoffGc < BACKOFF_GC_INTERVAL_MS) return;
    this.lastBackoffGc = now;
    this.backoff.gc(now);
  }

  /** manage, then a rolling-update step, then old revisions; returns when to look again (failed pods in backoff). */
  private async updateDaemonSet(ds: DaemonSet, nodes: KObject[], selector: LabelSelector, hash: string, old: KObject[]): Promise<number | undefined> {
    const requeueAfter = await this.manage(ds, nodes, selector, hash);
    if (this.expectations.satisfied(objectKey(ds)) && isRollingUpdate(ds)) await this.rollingUpdate(ds, nodes, selector, hash);
    await this.history.cleanup(ds, old, [...(await this.nodesToDaemonPods(ds, selector, true)).values()].flat());
    return requeueAfter;
  }

  private async manage(ds: DaemonSet, nodes: KObject[], selector: LabelSelector, hash: string): Promise<number | undefined> {
    const nodeToPods = await this.nodesToDaemonPods(ds, selector, false);
    const creates: string[] = [];
    const deletes: string[] = [];
    let requeueAfter: number | undefined;
    for (const node of nodes) {
      const nodeName = node.metadata.name ?? '';
      const d = podsShouldBeOnNode({
        ds,
        nodeName,
        placement: nodeShouldRunDaemonPod(node, ds),
        pods: nodeToPods.get(nodeName),
        hash,
        backoff: this.backoff,
        monotonicMs: this.ctx.clock.monotonic(),
        nowMs: this.ctx.clock.now(),
      });
      for (const e of d.events) this.recorder.record(ds, e.type, e.reason, e.message);
      if (d.create) creates.push(nodeName);
      deletes.push(...d.delete);
      if (d.requeueAfter !== undefined) requeueAfter = Math.min(requeueAfter ?? Infinity, d.requeueAfter);
    }
    // Unscheduled pods aimed at nodes that no longer exist would stay Pending forever; PodGC never sees them.
    const known = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const [nodeName, pods] of nodeToPods) {
      if (known.has(nodeName)) continue;
      for (const p of pods) if (nodeNameOf(p) === '') deletes.push(p.metadata.name ?? '');
    }
    await this.syncNodes(ds, deletes, creates, hash);
    return requeueAfter;
  }

  private async rollingUpdate(ds: DaemonSet, nodes: KObject[], selector: LabelSelector, hash: string): Promise<void> {
    const nodeToPods = await this.nodesToDaemonPods(ds, selector, false);
    const shouldRun = new Map<string, boolean>();
    let desired = 0;
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      const run = nodeShouldRunDaemonPod(node, ds).shouldRun;
      shouldRun.set(name, run);
      if (!run) continue;
      desired++;
      if (!nodeToPods.has(name)) nodeToPods.set(name, []);
    }
    const step = rollingUpdateStep({
      ds,
      nodeToPods,
      desiredNumberScheduled: desired,
      shouldRun: (n) => shouldRun.get(n) ?? false,
      hash,
      generation: templateGeneration(ds),
      nowMs: this.ctx.clock.now(),
    });
    await this.syncNodes(ds, step.deletes, step.creates, hash);
  }

  /** Deletes the named pods and creates a pod on each of the nodes, under expectations. */
  private async syncNodes(ds: DaemonSet, podsToDelete: string[], nodesNeedingPods: string[], hash: string): Promise<void> {
    const key = objectKey(ds);
    const ns = ds.metadata.namespace ?? '';
    const createDiff = Math.min(nodesNeedingPods.length, BURST_REPLICAS);
    const deleteNames = podsToDelete.slice(0, BURST_REPLICAS);
    // Expectations go first: the informer may deliver our own creates before the calls return.
    this.expectations.expect(key, { adds: createDiff, dels: deleteNames.map((n) => `${ns}/${n}`) });
    const errors: unknown[] = [];

    if (createDiff > 0) {
      const template = daemonPodTemplate(ds, hash, templateGeneration(ds));
      const owner = controllerRef(ds, 'apps/v1', 'DaemonSet');
      const { succeeded, error } = await slowStartBatch(createDiff, 1, async (i) => {
        const nodeName = nodesNeedingPods[i]!;
        const pod = podFromTemplate({ template, namespace: ns, owner });
        const spec = pod.spec as Record<string, unknown>;
        spec.affinity = pinnedAffinity(spec.affinity as never, nodeName);
        try {
          const made = await this.ctx.client.create(PODS, ns, pod);
          this.recorder.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata.name}`);
        } catch (err) {
          // A namespace being torn down refuses every create; nothing to retry.
          if (err instanceof ApiError && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
          this.recorder.record(ds, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
          throw err;
        }
      });
      // Creates that failed or were skipped will never be observed.
      for (let i = succeeded; i < createDiff; i++) this.expectations.creationObserved(key);
      if (error !== undefined) errors.push(error);
    }

    const results = await Promise.allSettled(
      deleteNames.map(async (name) => {
        try {
          await this.ctx.client.delete(PODS, ns, name);
          this.recorder.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, `${ns}/${name}`);
          if (err instanceof ApiError && err.code === 404) return;
          this.recorder.record(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
          throw err;
        }
      }),
    );
    for (const r of results) if (r.status === 'rejected') errors.push(r.reason);
    if (errors.length > 0) throw errors[0];
  }

  private async updateStatus(ds: DaemonSet, nodes: KObject[], selector: LabelSelector, hash: string, updateObservedGeneration: boolean): Promise<ReconcileResult | void> {
    const nodeToPods = await this.nodesToDaemonPods(ds, selector, false);
    const counts = countStatus({
      ds,
      nodes,
      shouldRun: (n) => nodeShouldRunDaemonPod(n, ds).shouldRun,
      nodeToPods,
      hash,
      generation: templateGeneration(ds),
      nowMs: this.ctx.clock.now(),
    });
    const status = nextStatus(ds, counts, updateObservedGeneration);
    if (status) await this.ctx.client.update(DAEMONSETS, { ...ds, status }, 'status');
    // Ready pods become available after minReadySeconds: look again then.
    const minReady = minReadySeconds(ds);
    if (minReady > 0 && counts.numberReady !== counts.numberAvailable) return { requeueAfter: minReady * 1000 };
  }

  /** getNodesToDaemonPods: the DaemonSet's pods by the node they are for; deleted terminal pods only when asked. */
  private async nodesToDaemonPods(ds: DaemonSet, selector: LabelSelector, includeDeletedTerminal: boolean): Promise<NodeToPods> {
    const out: NodeToPods = new Map();
    for (const pod of await this.claimPods(ds, selector, adoptionCheck(this.ctx.client, DAEMONSETS, ds))) {
      // A finished pod already being deleted is the kubelet's or PodGC's business now.
      if (!includeDeletedTerminal && isPodTerminal(pod) && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (node === undefined) {
        this.log.debug({ pod: objectKey(pod), daemonset: objectKey(ds) }, 'daemon pod has no target node');
        continue;
      }
      const list = out.get(node);
      if (list) list.push(pod);
      else out.set(node, [pod]);
    }
    return out;
  }

  /** getDaemonPods: adopts matching orphans, releases owned pods that stopped matching; the owned, matching pods. */
  private claimPods(ds: DaemonSet, selector: LabelSelector, canAdopt: () => Promise<boolean>): Promise<KObject[]> {
    // Only the DaemonSet's own pods and the namespace's orphans can be claimed: no scan of every pod.
    const candidates = [...this.podInformer.byIndex(BY_CONTROLLER, ds.metadata.uid ?? ''), ...this.podInformer.byIndex(ORPHANS_BY_NAMESPACE, ds.metadata.namespace ?? '')];
    return claimObjects({ client: this.ctx.client, owner: ds, ownerResource: DAEMONSETS, childResource: PODS, candidates, matches: (pod) => selector.matches(pod.metadata.labels ?? {}), canAdopt });
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
