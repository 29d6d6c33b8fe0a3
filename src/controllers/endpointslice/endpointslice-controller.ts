// The EndpointSlice controller (pkg/controller/endpointslice): for every
// Service with a selector (not ExternalName), EndpointSlices labelled
// kubernetes.io/service-name=<svc> and managed-by endpointslice-controller.k8s.io
// that list the selected pods — addresses, ready/serving/terminating, node,
// zone, hostname, target pod — grouped by resolved port set, at most
// maxEndpointsPerSlice endpoints each (reconciler.ts does the diff).
//
// This is the self-healing path "a failed or unready pod leaves the Service
// at once": the batch period is 0, so a pod's readiness change is synced as
// soon as the pod informer delivers it, and updates the one slice holding
// that endpoint in place.
//
// - Services without a selector, and ExternalName Services, are left alone,
//   and so are their slices (as in Kubernetes 1.32: removing a selector keeps
//   the last slices, which the user now owns; kubernetes#118376). A deleted
//   Service's slices go with it through their ownerReference (garbage collector).
// - Slices managed by anyone else are never read or written.
// - What this controller wrote is tracked (slice-tracker.ts): a sync on a
//   cache that has not caught up waits for it instead of creating duplicates;
//   a managed slice changed or deleted by someone else is rewritten 1 s later.
// - A failed sync records a Warning FailedToUpdateEndpointSlices on the
//   Service and is retried with backoff.

import type { Registry as PromRegistry } from 'prom-client';
import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { ENDPOINTSLICES, NODES, PODS, SERVICES } from '../../client/resources.js';
import { Controller, type ReconcileResult } from '../../controller/controller.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { BY_NAMESPACE } from '../../controller/informers.js';
import type { Logger } from '../../lib/log/log.js';
import { EndpointMetrics, type SyncResult } from '../../controller/endpoints/metrics.js';
import { servicesSelecting, servicesToSyncOnPodUpdate } from '../../controller/endpoints/pod-services.js';
import { SliceReconciler } from './reconciler.js';
import { managesEndpoints, selectorMatches, serviceSelector } from '../../controller/endpoints/service.js';
import { LABEL_SERVICE_NAME, managedByController, serviceKeyOf, type EndpointSliceView } from './slice.js';
import { SliceTracker } from './slice-tracker.js';
import { TriggerTimeTracker } from '../../controller/endpoints/trigger-time.js';

export interface EndpointSliceControllerOptions {
  /** --max-endpoints-per-slice (default 100, 1..1000) */
  maxEndpointsPerSlice?: number;
  /** --concurrent-service-endpoint-syncs (default 5) */
  workers?: number;
  /** where the metrics are registered (default: a private registry) */
  metricsRegistry?: PromRegistry;
}

export interface ResolvedEndpointSliceControllerOptions {
  maxEndpointsPerSlice: number;
  workers: number;
  metricsRegistry: PromRegistry | undefined;
}

export function resolveEndpointSliceControllerOptions(o: EndpointSliceControllerOptions = {}): ResolvedEndpointSliceControllerOptions {
  const max = o.maxEndpointsPerSlice ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new Error(`max-endpoints-per-slice must be between 1 and 1000, got ${max}`);
  const workers = o.workers ?? 5;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`concurrent-service-endpoint-syncs must be a positive integer, got ${workers}`);
  return { maxEndpointsPerSlice: max, workers, metricsRegistry: o.metricsRegistry };
}

/** endpointSliceChangeMinSyncDelay: a slice changed by someone else is looked at after this long. */
const SLICE_CHANGE_SYNC_DELAY_MS = 1000;
/** A sync on a stale cache looks again after this long, or as soon as the cache delivers a slice of the Service. */
const STALE_RETRY_MS = 1000;

export class EndpointSliceController implements RunnableController {
  readonly name = 'endpointslice-controller';
  readonly metrics: EndpointMetrics;
  private readonly controller: Controller;
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly slices: Informer;
  private readonly recorder: EventRecorder;
  private readonly log: Logger;
  private readonly tracker = new SliceTracker();
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly reconciler: SliceReconciler;
  /** Services whose last sync found a stale cache: a slice event for them syncs at once. */
  private readonly waiting = new Set<string>();

  constructor(ctx: ControllerContext, opts: EndpointSliceControllerOptions = {}) {
    const o = resolveEndpointSliceControllerOptions(opts);
    this.log = ctx.log.child({ controller: this.name });
    this.controller = new Controller({ name: this.name, reconcile: (k) => this.sync(k), clock: ctx.clock, log: ctx.log, workers: o.workers });
    this.recorder = ctx.recorder('endpoint-slice-controller');
    this.metrics = new EndpointMetrics('hale_endpointslice', 'EndpointSlices', o.metricsRegistry);
    this.services = ctx.informers.for(SERVICES);
    this.pods = ctx.informers.for(PODS);
    this.slices = ctx.informers.for(ENDPOINTSLICES);
    const nodes = ctx.informers.for(NODES);
    this.reconciler = new SliceReconciler({ client: ctx.client, nodes, tracker: this.tracker, metrics: this.metrics, maxEndpointsPerSlice: o.maxEndpointsPerSlice });

    const enqueue = (svc: KObject): void => this.controller.enqueue(objectKey(svc));
    this.services.on({ add: enqueue, update: enqueue, delete: enqueue });
    this.pods.on({
      add: (pod) => this.enqueueAll(servicesSelecting(this.services, pod.metadata.namespace ?? '', pod.metadata.labels)),
      update: (pod, old) => this.enqueueAll(servicesToSyncOnPodUpdate(this.services, old, pod)),
      delete: (pod) => this.enqueueAll(servicesSelecting(this.services, pod.metadata.namespace ?? '', pod.metadata.labels)),
    });
    this.slices.on({
      add: (s) => this.sliceAdded(s),
      update: (s, old) => this.sliceUpdated(s, old),
      delete: (s) => this.sliceDeleted(s),
    });
  }

  start(): void {
    this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  idle(): Promise<void> {
    return this.controller.idle();
  }

  private enqueueAll(keys: Iterable<string>): void {
    for (const k of keys) this.controller.enqueue(k);
  }

  /** A slice of `key` reached the cache: a sync that was waiting for it goes now. */
  private caughtUp(slice: KObject): void {
    const key = serviceKeyOf(slice);
    if (key !== undefined && this.waiting.delete(key)) this.controller.enqueue(key);
  }

  private enqueueForSlice(slice: KObject): void {
    const key = serviceKeyOf(slice);
    if (key === undefined) {
      this.log.debug({ slice: objectKey(slice) }, `EndpointSlice has no ${LABEL_SERVICE_NAME} label`);
      return;
    }
    this.controller.queue.addAfter(key, SLICE_CHANGE_SYNC_DELAY_MS);
  }

  private sliceAdded(s: KObject): void {
    if (!managedByController(s)) return;
    this.caughtUp(s);
    if (this.tracker.shouldSync(s)) this.enqueueForSlice(s);
  }

  private sliceUpdated(s: KObject, old: KObject): void {
    if (managedByController(s)) this.caughtUp(s);
    if (serviceKeyOf(s) !== serviceKeyOf(old)) {
      this.enqueueForSlice(s);
      this.enqueueForSlice(old);
      return;
    }
    if (managedByController(s) !== managedByController(old) || (managedByController(s) && this.tracker.shouldSync(s))) this.enqueueForSlice(s);
  }

  private sliceDeleted(s: KObject): void {
    if (!managedByController(s)) return;
    this.caughtUp(s);
    if (this.tracker.has(s) && !this.tracker.handleDeletion(s)) this.enqueueForSlice(s);
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const started = performance.now();
    let result: SyncResult = 'error';
    try {
      const stale = await this.syncService(key);
      result = stale ? 'stale' : 'success';
      if (stale) return { requeueAfter: STALE_RETRY_MS };
    } finally {
      this.metrics.synced(result, (performance.now() - started) / 1000);
    }
  }

  /** Resolves true when the cache is behind this controller's own writes (nothing was done). */
  private async syncService(key: string): Promise<boolean> {
    const svc = this.services.get(key);
    if (!svc) {
      this.triggerTimes.delete(key);
      this.tracker.deleteService(key);
      this.waiting.delete(key);
      return false;
    }
    if (!managesEndpoints(svc)) return false;
    const selector = serviceSelector(svc) ?? {};
    const ns = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const pods = this.pods
      .byIndex(BY_NAMESPACE, ns)
      .filter((p) => selectorMatches(selector, p.metadata.labels))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    const slices = this.slices
      .byIndex(BY_NAMESPACE, ns)
      .filter((s) => s.metadata.labels?.[LABEL_SERVICE_NAME] === name && managedByController(s) && !s.metadata.deletionTimestamp) as EndpointSliceView[];
    if (this.tracker.stale(key, slices)) {
      this.waiting.add(key);
      this.log.debug({ key }, 'EndpointSlice informer cache is out of date; waiting');
      return true;
    }
    this.waiting.delete(key);
    const triggerTime = this.triggerTimes.compute(key, svc, pods);
    try {
      await this.reconciler.reconcile(svc, pods, slices, triggerTime);
    } catch (err) {
      this.recorder.record(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${ns}/${name}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    return false;
  }
}
