// The scheduling loop: pods without a node (for hale's scheduler name, not
// being deleted) go through `schedulePod` one at a time against one
// snapshot of nodes and bound pods kept current from the informers' events
// (kube-scheduler's cache: never rebuilt per pod, so a pod costs the same at
// 150,000 pods as at 10); a fit is bound through
// pods/binding (the API server sets PodScheduled) and assumed until the
// informer shows it, so the next pod already counts it. A pod that fits
// nowhere gets PodScheduled=False/Unschedulable and a FailedScheduling event
// worded as kube-scheduler words it, and is retried whenever a node, a pod,
// a claim, a volume or a storage class changes (and at least every `retryMs`).
//
// Volumes (Kubernetes' Reserve/PreBind of VolumeBinding): when the chosen
// node needs WaitForFirstConsumer claims bound first, the pod is assumed on
// that node (it counts there), the binder writes the volume's claimRef or the
// claim's selected-node annotation, and the pod waits — no event, no
// condition — until every claim is fully bound (then it is bound to that
// node), the binding fails (a FailedScheduling event and
// PodScheduled=False/SchedulerError with
// `running PreBind plugin "VolumeBinding": binding volumes: <why>`, then a
// new attempt), or `bindTimeoutMs` (Kubernetes' 600 s) passes ("context
// deadline exceeded"; the selected-node annotation stays, as in Kubernetes).

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { Informer, objectKey } from '../../client/informer.js';
import { NAMESPACES, NODES, PODS, PVCS, PVS, STORAGECLASSES } from '../../client/resources.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { realClock, type Clock, type TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { Snapshot } from '../snapshot.js';
import { podKey } from '../pod-info.js';
import { schedulePod } from '../schedule.js';
import { isSchedulingGated, schedulerNameMatches } from '../supported-fields.js';
import type { WrittenVolumes } from '../volumes/bind-check.js';
import { VolumeBinder } from './volume-binder.js';

/**
 * Binding cycles running at once before the scheduling loop waits for one to
 * end (kube-scheduler runs each in its own goroutine, unbounded). 64 held
 * binding back to ~600 pods/s while a ReplicaSet's creates shared the API
 * server's loop (500 nodes / 10,000 pods); at 512 binding keeps up with
 * creation.
 */
const MAX_BINDS_IN_FLIGHT = 512;
/**
 * After this many ms of scheduling the loop lets pending I/O run before the
 * next pod: in its own thread (the server's), the watch events that keep the
 * snapshot current; on an event loop shared with the API (tests), requests.
 */
const SLICE_MS = 20;

/** VolumeBindingArgs.bindTimeoutSeconds' default. */
export const DEFAULT_BIND_TIMEOUT_MS = 600_000;

export interface SchedulerOptions {
  client: ApiClient;
  recorder: EventRecorder;
  log: Logger;
  random?: () => number;
  retryMs?: number;
  /** default realClock */
  clock?: Clock;
  /** how long a pod waits for its claims to be bound after PreBind (default 600 s) */
  bindTimeoutMs?: number;
}

/** A pod placed on a node whose claims the PV controller is binding. */
interface VolumeWait {
  readonly uid: string;
  readonly written: WrittenVolumes;
  readonly timer: TimerHandle;
}

function pending(p: KObject): boolean {
  const spec = (p.spec ?? {}) as { nodeName?: string };
  const phase = (p.status as { phase?: string } | undefined)?.phase;
  return !spec.nodeName && !p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed' && schedulerNameMatches(p) && !isSchedulingGated(p);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Scheduler {
  private readonly opts: SchedulerOptions;
  private readonly clock: Clock;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly namespaces: Informer;
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly classes: Informer;
  private readonly binder: VolumeBinder;
  private readonly abort = new AbortController();
  private readonly active = new Set<string>();
  private readonly unschedulable = new Map<string, string>();
  /** nodes, bound and assumed pods, namespaces: updated per event */
  private readonly cache = new Snapshot();
  /** binding cycles in flight */
  private readonly binding = new Set<Promise<void>>();
  /** where the next attempt's Filter phase starts (kube-scheduler's nextStartNodeIndex) */
  private nextStartNodeIndex = 0;
  /** pods in PreBind, waiting for their claims: key → what was written */
  private readonly waiting = new Map<string, VolumeWait>();
  private running = false;
  private stopped = false;
  private timer: TimerHandle | undefined;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    const onError = (err: unknown): void => opts.log.warn({ err: String(err) }, 'scheduler watch failed; retrying');
    this.pods = new Informer(opts.client, PODS, { onError });
    this.nodes = new Informer(opts.client, NODES, { onError });
    this.pods.on({
      add: (p) => {
        this.cache.setPod(p);
        this.podChanged(p);
      },
      update: (p, old) => {
        this.cache.setPod(p);
        this.podChanged(p, old);
      },
      delete: (p) => {
        const key = objectKey(p);
        this.active.delete(key);
        this.unschedulable.delete(key);
        this.cancelWait(key);
        this.cache.removePod(podKey(p));
        this.retryUnschedulable();
      },
    });
    const nodeChanged = (): void => {
      this.retryUnschedulable();
      this.checkWaiting();
    };
    // Labels, taints, cordon, readiness and allocatable decide fits; heartbeats alone do not.
    this.nodes.on({
      add: (n) => {
        this.cache.setNode(n);
        nodeChanged();
      },
      update: (n, old) => {
        if (nodeShape(n) === nodeShape(old)) return;
        this.cache.setNode(n);
        nodeChanged();
      },
      delete: (n) => {
        this.cache.removeNode(n.metadata.name ?? '');
        nodeChanged();
      },
    });
    this.namespaces = new Informer(opts.client, NAMESPACES, { onError });
    this.namespaces.on({
      add: (ns) => {
        this.cache.setNamespace(ns);
        nodeChanged();
      },
      update: (ns) => {
        this.cache.setNamespace(ns);
        nodeChanged();
      },
      delete: (ns) => {
        this.cache.removeNamespace(ns.metadata.name ?? '');
        nodeChanged();
      },
    });
    // Claims, volumes and classes decide volume fits; a claim becoming bound releases a waiting pod.
    this.claims = new Informer(opts.client, PVCS, { onError });
    this.volumes = new Informer(opts.client, PVS, { onError });
    this.classes = new Informer(opts.client, STORAGECLASSES, { onError });
    const storageChanged = (): void => {
      this.checkWaiting();
      this.retryUnschedulable();
    };
    for (const inf of [this.claims, this.volumes, this.classes]) inf.on({ add: storageChanged, update: storageChanged, delete: storageChanged });
    this.binder = new VolumeBinder({ client: opts.client, claims: this.claims, volumes: this.volumes, classes: this.classes });
  }

  start(): void {
    for (const inf of [this.pods, this.nodes, this.namespaces, this.claims, this.volumes, this.classes]) void inf.run(this.abort.signal);
    this.armRetry();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.timer?.cancel();
    for (const key of [...this.waiting.keys()]) this.cancelWait(key);
  }

  /** Resolves once the binding cycles in flight have ended (their events recorded): call after stop(). */
  async idle(): Promise<void> {
    while (this.binding.size > 0) await Promise.allSettled([...this.binding]);
  }

  private armRetry(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.retryUnschedulable();
      this.armRetry();
    }, this.opts.retryMs ?? 10_000);
  }

  private podChanged(p: KObject, old?: KObject): void {
    const key = objectKey(p);
    if ((p.spec as { nodeName?: string } | undefined)?.nodeName) {
      this.cancelWait(key);
      this.unschedulable.delete(key);
      // A bound pod appearing, ending, terminating or relabelling changes fits (resources, ports, affinity, spread, ReadWriteOncePod).
      this.retryUnschedulable();
      return;
    }
    if (!pending(p)) {
      // Deleted (or gated, or handed to another scheduler) while its volumes were being bound: give the node back.
      if (this.waiting.has(key)) {
        this.cancelWait(key);
        this.cache.forget(key);
        this.retryUnschedulable();
      }
      return;
    }
    // Its own update (gates removed, spec or labels changed) is worth a new attempt; a status write
    // (our own PodScheduled condition, say) is not (kube-scheduler's isPodUpdated).
    if (old && pending(old) && !podUpdated(old, p)) return;
    this.unschedulable.delete(key);
    this.active.add(key);
    this.kick();
  }

  private retryUnschedulable(): void {
    if (this.unschedulable.size === 0) return;
    for (const k of this.unschedulable.keys()) this.active.add(k);
    this.unschedulable.clear();
    this.kick();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.active.size > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    await Promise.all([this.pods.synced, this.nodes.synced, this.namespaces.synced, this.claims.synced, this.volumes.synced, this.classes.synced]);
    let slice = this.clock.monotonic();
    while (this.active.size > 0 && !this.stopped) {
      if (this.clock.monotonic() - slice >= SLICE_MS) {
        await new Promise<void>((r) => setImmediate(r));
        slice = this.clock.monotonic();
        continue;
      }
      const key = this.active.values().next().value as string;
      this.active.delete(key);
      const pod = this.pods.get(key);
      if (!pod || !pending(pod) || this.cache.isAssumed(key) || this.waiting.has(key)) continue;
      try {
        await this.scheduleOne(pod);
      } catch (err) {
        this.opts.log.warn({ pod: key, err: String(err) }, 'scheduling attempt failed; retrying');
        this.unschedulable.set(key, String(err));
      }
    }
  }

  private async scheduleOne(pod: KObject): Promise<void> {
    const key = objectKey(pod);
    const snapshot = this.cache;
    const result = schedulePod(pod, snapshot, { random: this.opts.random ?? Math.random, extraFilters: this.binder.filters(), startIndex: this.nextStartNodeIndex });
    if (result.ok) this.nextStartNodeIndex = (this.nextStartNodeIndex + result.processed) % Math.max(snapshot.numNodes, 1);
    if (!result.ok) {
      this.unschedulable.set(key, result.message);
      this.opts.recorder.record(pod, 'Warning', 'FailedScheduling', result.message);
      await this.markUnschedulable(pod, result.unschedulable ? 'Unschedulable' : 'SchedulerError', result.message);
      return;
    }
    if (this.binder.allBound(pod)) {
      // The binding cycle runs beside the next scheduling attempts (kube-scheduler's binding goroutine):
      // bind() assumes the pod on its node before its first await, so the next attempt already counts it.
      const binding = this.bind(pod, result.nodeName)
        .catch((err: unknown) => {
          this.opts.log.warn({ pod: key, err: String(err) }, 'binding failed; retrying');
          this.requeue(key, String(err));
        })
        .finally(() => this.binding.delete(binding));
      this.binding.add(binding);
      if (this.binding.size >= MAX_BINDS_IN_FLIGHT) await Promise.race(this.binding);
      return;
    }
    const node = snapshot.nodeInfo(result.nodeName);
    if (!node) throw new Error(`node ${result.nodeName} left the snapshot`);
    // Reserve: the pod counts on the node while its volumes are bound there.
    this.cache.assume(pod, result.nodeName);
    let written: WrittenVolumes;
    try {
      written = await this.binder.bindPodVolumes(pod, node);
    } catch (err) {
      this.cache.forget(key);
      await this.preBindFailed(pod, `running PreBind plugin "VolumeBinding": ${errorMessage(err)}`);
      return;
    }
    const timer = this.clock.setTimeout(() => this.waitTimedOut(key), this.opts.bindTimeoutMs ?? DEFAULT_BIND_TIMEOUT_MS);
    this.waiting.set(key, { uid: pod.metadata.uid ?? '', written, timer });
    this.opts.log.info({ pod: key, node: result.nodeName, volumes: written.staticBindings.length, provisions: written.provisions.length }, 'waiting for volumes to be bound');
    this.checkOne(key);
  }

  /** DefaultBinder: pods/binding, then the Scheduled event. */
  private async bind(pod: KObject, nodeName: string): Promise<void> {
    const key = objectKey(pod);
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    this.cache.assume(pod, nodeName);
    try {
      await this.opts.client.create(PODS, ns, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: ns, uid: pod.metadata.uid ?? '' },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      }, 'binding');
    } catch (err) {
      this.cache.forget(key);
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return; // gone, or bound by someone else
      throw err;
    }
    this.opts.recorder.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`);
  }

  private checkWaiting(): void {
    for (const key of [...this.waiting.keys()]) this.checkOne(key);
  }

  /** One poll of checkBindings for a waiting pod: bind it, fail it, or keep waiting. */
  private checkOne(key: string): void {
    const w = this.waiting.get(key);
    if (!w) return;
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.uid !== w.uid) {
      this.cancelWait(key);
      this.cache.forget(key);
      return;
    }
    const check = this.binder.check(w.written, this.nodes.get(w.written.node));
    if (check.state === 'waiting') return;
    this.cancelWait(key);
    if (check.state === 'bound') {
      this.opts.log.info({ pod: key, node: w.written.node }, 'volumes bound; binding pod');
      void this.bind(pod, w.written.node).catch((err: unknown) => {
        this.opts.log.warn({ pod: key, err: String(err) }, 'binding failed; retrying');
        this.requeue(key, String(err));
      });
      return;
    }
    this.cache.forget(key);
    void this.preBindFailed(pod, `running PreBind plugin "VolumeBinding": binding volumes: ${check.error}`);
  }

  private waitTimedOut(key: string): void {
    const w = this.waiting.get(key);
    if (!w) return;
    this.cancelWait(key);
    this.cache.forget(key);
    const pod = this.pods.get(key);
    if (pod) void this.preBindFailed(pod, 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded');
  }

  private cancelWait(key: string): void {
    const w = this.waiting.get(key);
    if (!w) return;
    w.timer.cancel();
    this.binder.revert(w.written);
    this.waiting.delete(key);
  }

  /** A binding-cycle error: FailedScheduling + PodScheduled=False/SchedulerError; the pod is attempted again later. */
  private async preBindFailed(pod: KObject, message: string): Promise<void> {
    const key = objectKey(pod);
    this.opts.log.warn({ pod: key, err: message }, 'volume binding failed; retrying');
    this.opts.recorder.record(pod, 'Warning', 'FailedScheduling', message);
    try {
      await this.markUnschedulable(pod, 'SchedulerError', message);
    } catch (err) {
      this.opts.log.warn({ pod: key, err: String(err) }, 'could not write PodScheduled');
    }
    this.requeue(key, message);
  }

  private requeue(key: string, why: string): void {
    this.unschedulable.set(key, why);
  }

  private async markUnschedulable(pod: KObject, reason: string, message: string): Promise<void> {
    const conds = ((pod.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)?.conditions ?? []);
    const cur = conds.find((c) => c.type === 'PodScheduled');
    if (cur && cur.status === 'False' && cur.message === message) return;
    const condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'), reason, message };
    try {
      await this.opts.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'strategic', { status: { conditions: [condition] } }, 'status');
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}

/** isPodUpdated: anything changed but resourceVersion, generation, status, managedFields and finalizers. */
function podUpdated(old: KObject, cur: KObject): boolean {
  const strip = (p: KObject): string => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, finalizers: _f, ...meta } = p.metadata;
    const { status: _s, metadata: _m, ...rest } = p;
    return JSON.stringify([meta, rest]);
  };
  return strip(old) !== strip(cur);
}

function nodeShape(n: KObject): string {
  const st = (n.status ?? {}) as { allocatable?: unknown; conditions?: { type: string; status: string }[] };
  return JSON.stringify([n.metadata.labels, n.spec, st.allocatable, (st.conditions ?? []).map((c) => `${c.type}=${c.status}`)]);
}
