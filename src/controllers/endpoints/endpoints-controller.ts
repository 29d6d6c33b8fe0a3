// The legacy Endpoints controller (pkg/controller/endpoint): for every Service
// with a selector (not ExternalName), a core/v1 Endpoints object of the same
// name listing the selected pods — `addresses` (ready) and `notReadyAddresses`
// — with their ports, repacked into Kubernetes' canonical subsets.
//
// - A pod is listed when it is not terminal and has an IP; a terminating pod
//   only for a publishNotReadyAddresses Service, where every pod is ready.
//   Otherwise readiness is the pod's Ready condition.
// - The Endpoints carries the Service's labels (plus service.kubernetes.io/headless
//   for a Service without a cluster IP), the last-change-trigger-time
//   annotation, and endpoints.kubernetes.io/over-capacity: truncated beyond
//   1000 addresses. There is no managed-by label before Kubernetes 1.33.
// - Services without a selector are never touched: their Endpoints belong to
//   the user (or, for default/kubernetes, to the API server's endpoint
//   reconciler). A deleted Service's Endpoints is deleted; at start-up every
//   cached Endpoints is looked at once, so one orphaned while the controller
//   was down goes too (leader-election records excepted).
// - A failed write records FailedToCreateEndpoint / FailedToUpdateEndpoint on
//   the Endpoints and is retried with backoff. Batch period 0: a readiness
//   change is written as soon as the pod informer delivers it.

import type { Registry as PromRegistry } from 'prom-client';
import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { ENDPOINTS, PODS, SERVICES } from '../../client/resources.js';
import { Controller, type ReconcileResult } from '../../controller/controller.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { BY_NAMESPACE } from '../../controller/informers.js';
import { isPodReady } from '../../controller/pod-state.js';
import type { ApiClient } from '../../client/api-client.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { EndpointMetrics, type SyncResult } from '../../controller/endpoints/metrics.js';
import { findPort, isIPv6, podIPs, podSpecOf, shouldPodBeInEndpoints, shouldSetHostname } from '../../controller/endpoints/pod-endpoint.js';
import { servicesSelecting, servicesToSyncOnPodUpdate } from '../../controller/endpoints/pod-services.js';
import { ANNOTATION_TRIGGER_TIME, isHeadless, isServiceIPSet, LABEL_HEADLESS, managesEndpoints, selectorMatches, serviceSelector, serviceSpec } from '../../controller/endpoints/service.js';
import { TriggerTimeTracker, withTriggerTime } from '../../controller/endpoints/trigger-time.js';
import { ANNOTATION_OVER_CAPACITY, capacityAnnotationCorrect, TRUNCATED, truncateSubsets } from './capacity.js';
import { StaleEndpointsTracker } from './stale-endpoints.js';
import { repackSubsets, subsetsJson, type EndpointAddress, type EndpointPort, type EndpointSubset } from './subsets.js';

export interface EndpointsControllerOptions {
  /** --concurrent-endpoint-syncs (default 5) */
  workers?: number;
  /** where the metrics are registered (default: a private registry) */
  metricsRegistry?: PromRegistry;
}

/** Leader-election records kept in Endpoints have no Service and must survive the start-up sweep. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
/** A sync on a stale cache looks again after this long, or as soon as the cache delivers the Endpoints. */
const STALE_RETRY_MS = 1000;

/** podToEndpointAddressForService: the pod's IP of the Service's (first) family, or undefined. */
function podAddress(svc: KObject, pod: KObject): EndpointAddress | undefined {
  const spec = serviceSpec(svc);
  let v6: boolean;
  if ((spec.ipFamilies ?? []).length > 0) v6 = spec.ipFamilies?.[0] === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = isIPv6(spec.clusterIP ?? '');
  else v6 = isIPv6(podIPs(pod)[0] ?? '');
  const ip = podIPs(pod).find((a) => isIPv6(a) === v6);
  if (ip === undefined) return undefined;
  return {
    ip,
    nodeName: podSpecOf(pod).nodeName ?? '',
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
}

/** The subsets the Service's pods call for, repacked. */
export function desiredSubsets(svc: KObject, pods: readonly KObject[]): EndpointSubset[] {
  const spec = serviceSpec(svc);
  const tolerateUnready = spec.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  const add = (pod: KObject, addr: EndpointAddress, port: EndpointPort | undefined): void => {
    const ports = port ? [port] : [];
    if (tolerateUnready || isPodReady(pod)) subsets.push({ addresses: [addr], ports });
    else subsets.push({ notReadyAddresses: [addr], ports });
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const addr = podAddress(svc, pod);
    if (!addr) continue;
    if (shouldSetHostname(pod, svc)) addr.hostname = podSpecOf(pod).hostname ?? '';
    const ports = spec.ports ?? [];
    if (ports.length === 0) {
      if (isHeadless(svc)) add(pod, addr, undefined);
      continue;
    }
    for (const sp of ports) {
      const num = findPort(pod, sp);
      if (num === undefined) continue;
      const p: EndpointPort = { port: num, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) p.name = sp.name;
      if (sp.appProtocol !== undefined) p.appProtocol = sp.appProtocol;
      add(pod, structuredClone(addr), p);
    }
  }
  return repackSubsets(subsets);
}

function withoutHeadless(labels: Record<string, string> | undefined): Record<string, string> {
  const out = { ...(labels ?? {}) };
  delete out[LABEL_HEADLESS];
  return out;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b ?? {}).length && ak.every((k) => a?.[k] === b?.[k]);
}

export class EndpointsController implements RunnableController {
  readonly name = 'endpoints-controller';
  readonly metrics: EndpointMetrics;
  private readonly client: ApiClient;
  private readonly controller: Controller;
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly endpoints: Informer;
  private readonly recorder: EventRecorder;
  private readonly log: Logger;
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly stale = new StaleEndpointsTracker();
  /** Keys whose last sync found a stale cache: an Endpoints event for them syncs at once. */
  private readonly waiting = new Set<string>();

  constructor(ctx: ControllerContext, opts: EndpointsControllerOptions = {}) {
    const workers = opts.workers ?? 5;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`concurrent-endpoint-syncs must be a positive integer, got ${workers}`);
    this.client = ctx.client;
    this.log = ctx.log.child({ controller: this.name });
    this.controller = new Controller({ name: this.name, reconcile: (k) => this.sync(k), clock: ctx.clock, log: ctx.log, workers });
    this.recorder = ctx.recorder('endpoint-controller');
    this.metrics = new EndpointMetrics('hale_endpoints', 'Endpoints', opts.metricsRegistry);
    this.services = ctx.informers.for(SERVICES);
    this.pods = ctx.informers.for(PODS);
    this.endpoints = ctx.informers.for(ENDPOINTS);

    const enqueue = (o: KObject): void => this.controller.enqueue(objectKey(o));
    this.services.on({ add: enqueue, update: enqueue, delete: enqueue });
    this.pods.on({
      add: (pod) => this.enqueueAll(servicesSelecting(this.services, pod.metadata.namespace ?? '', pod.metadata.labels)),
      update: (pod, old) => this.enqueueAll(servicesToSyncOnPodUpdate(this.services, old, pod)),
      delete: (pod) => this.enqueueAll(servicesSelecting(this.services, pod.metadata.namespace ?? '', pod.metadata.labels)),
    });
    this.endpoints.on({
      add: (ep) => this.caughtUp(ep),
      update: (ep) => this.caughtUp(ep),
      delete: (ep) => {
        this.caughtUp(ep);
        enqueue(ep);
      },
    });
  }

  start(): void {
    // checkLeftoverEndpoints: Endpoints whose Service went while nobody watched.
    for (const ep of this.endpoints.items.values()) {
      if (ep.metadata.annotations?.[LEADER_ANNOTATION] !== undefined) continue;
      this.controller.enqueue(objectKey(ep));
    }
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

  private caughtUp(ep: KObject): void {
    const key = objectKey(ep);
    this.stale.observed(key);
    if (this.waiting.delete(key)) this.controller.enqueue(key);
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
    const slash = key.indexOf('/');
    const ns = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const svc = this.services.get(key);
    if (!svc) {
      // The Service is gone: so is its Endpoints (it has no owner reference to do it).
      try {
        await this.client.delete(ENDPOINTS, ns, name);
        this.metrics.changed('delete');
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
      this.triggerTimes.delete(key);
      this.stale.forget(key);
      this.waiting.delete(key);
      return false;
    }
    if (!managesEndpoints(svc)) return false;

    const selector = serviceSelector(svc) ?? {};
    const pods = this.pods
      .byIndex(BY_NAMESPACE, ns)
      .filter((p) => selectorMatches(selector, p.metadata.labels))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    const triggerTime = this.triggerTimes.compute(key, svc, pods);
    const subsets = desiredSubsets(svc, pods);

    const cached = this.endpoints.get(key);
    if (this.stale.isStale(key, cached)) {
      this.waiting.add(key);
      this.log.debug({ key }, 'Endpoints informer cache is out of date; waiting');
      return true;
    }
    this.waiting.delete(key);
    const svcLabels = svc.metadata.labels ?? {};
    if (
      cached &&
      subsetsJson(cached.subsets as EndpointSubset[] | undefined) === subsetsJson(subsets) &&
      sameLabels(withoutHeadless(cached.metadata.labels), svcLabels) &&
      capacityAnnotationCorrect(cached.metadata.annotations, cached.subsets as EndpointSubset[] | undefined)
    ) {
      return false;
    }

    const next: KObject = cached ? structuredClone(cached) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns } };
    if (subsets.length > 0) next.subsets = subsets;
    else delete next.subsets;
    let annotations = withTriggerTime(next.metadata.annotations, ANNOTATION_TRIGGER_TIME, triggerTime);
    if (truncateSubsets(subsets)) annotations = { ...annotations, [ANNOTATION_OVER_CAPACITY]: TRUNCATED };
    else delete annotations[ANNOTATION_OVER_CAPACITY];
    next.metadata.annotations = annotations;
    const labels = { ...svcLabels };
    if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
    else delete labels[LABEL_HEADLESS];
    next.metadata.labels = labels;

    try {
      if (!cached) {
        await this.client.create(ENDPOINTS, ns, next);
        this.stale.created(key);
        this.metrics.changed('create');
      } else {
        const updated = await this.client.update(ENDPOINTS, next);
        this.stale.updated(key, cached, updated);
        this.metrics.changed('update');
      }
    } catch (err) {
      // The namespace is being deleted: creates will keep failing, and the Service goes with it.
      if (!cached && err instanceof ApiError && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return false;
      const msg = err instanceof Error ? err.message : String(err);
      if (!cached) this.recorder.record(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${ns}/${name}: ${msg}`);
      else this.recorder.record(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${ns}/${name}: ${msg}`);
      throw err;
    }
    return false;
  }
}
