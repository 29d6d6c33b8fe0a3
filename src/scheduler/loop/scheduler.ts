// The scheduling loop: pods without a node (for hale's scheduler name, not
// being deleted) go through `schedulePod` one at a time against a snapshot
// of the informers' nodes and bound pods; a fit is bound through
// pods/binding (the API server sets PodScheduled) and assumed until the
// informer shows it, so the next pod already counts it. A pod that fits
// nowhere gets PodScheduled=False/Unschedulable and a FailedScheduling event
// worded as kube-scheduler words it, and is retried whenever a node or a
// pod changes (and at least every `retryMs`).

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { Informer, objectKey } from '../../client/informer.js';
import { NAMESPACES, NODES, PODS, PVCS, PVS, STORAGECLASSES } from '../../client/resources.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { Snapshot } from '../snapshot.js';
import { schedulePod } from '../schedule.js';
import { isSchedulingGated, schedulerNameMatches } from '../supported-fields.js';
import { claimBindings, claimsBound, preBoundVolume, volumeBindingFilter, type VolumeLookup } from '../filters/volume-binding.js';

export interface SchedulerOptions {
  client: ApiClient;
  recorder: EventRecorder;
  log: Logger;
  random?: () => number;
  retryMs?: number;
}

function pending(p: KObject): boolean {
  const spec = (p.spec ?? {}) as { nodeName?: string };
  const phase = (p.status as { phase?: string } | undefined)?.phase;
  return !spec.nodeName && !p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed' && schedulerNameMatches(p) && !isSchedulingGated(p);
}

export class Scheduler {
  private readonly opts: SchedulerOptions;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly namespaces: Informer;
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly classes: Informer;
  private readonly volumeLookup: VolumeLookup;
  /** pods placed on a node whose WaitForFirstConsumer claims are being bound there: key → node */
  private readonly waitingForClaims = new Map<string, string>();
  private readonly abort = new AbortController();
  private readonly active = new Set<string>();
  private readonly unschedulable = new Map<string, string>();
  /** pods bound by us but not yet seen bound by the informer: key → node */
  private readonly assumed = new Map<string, string>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    const onError = (err: unknown): void => opts.log.warn({ err: String(err) }, 'scheduler watch failed; retrying');
    this.pods = new Informer(opts.client, PODS, { onError });
    this.nodes = new Informer(opts.client, NODES, { onError });
    this.pods.on({
      add: (p) => this.podChanged(p),
      update: (p) => this.podChanged(p),
      delete: (p) => {
        this.active.delete(objectKey(p));
        this.waitingForClaims.delete(objectKey(p));
        this.unschedulable.delete(objectKey(p));
        this.assumed.delete(objectKey(p));
        this.retryUnschedulable();
      },
    });
    const nodeChanged = (): void => this.retryUnschedulable();
    // Labels, taints, cordon, readiness and allocatable decide fits; heartbeats alone do not.
    this.nodes.on({ add: nodeChanged, update: (n, old) => (nodeShape(n) !== nodeShape(old) ? nodeChanged() : undefined), delete: nodeChanged });
    this.namespaces = new Informer(opts.client, NAMESPACES, { onError });
    this.namespaces.on({ add: nodeChanged, update: nodeChanged, delete: nodeChanged });
    // Claims, volumes and classes decide volume fits; a claim becoming bound releases a waiting pod.
    this.claims = new Informer(opts.client, PVCS, { onError });
    this.volumes = new Informer(opts.client, PVS, { onError });
    this.classes = new Informer(opts.client, STORAGECLASSES, { onError });
    const storageChanged = (): void => {
      for (const k of this.waitingForClaims.keys()) this.active.add(k);
      this.retryUnschedulable();
      this.kick();
    };
    for (const inf of [this.claims, this.volumes, this.classes]) inf.on({ add: storageChanged, update: storageChanged, delete: storageChanged });
    this.volumeLookup = {
      claim: (ns, name) => this.claims.get(`${ns}/${name}`),
      volume: (name) => this.volumes.get(name),
      volumes: () => this.volumes.items.values(),
      storageClass: (name) => this.classes.get(name),
    };
  }

  start(): void {
    void this.pods.run(this.abort.signal);
    void this.nodes.run(this.abort.signal);
    void this.namespaces.run(this.abort.signal);
    for (const inf of [this.claims, this.volumes, this.classes]) void inf.run(this.abort.signal);
    this.timer = setInterval(() => this.retryUnschedulable(), this.opts.retryMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
  }

  private podChanged(p: KObject): void {
    const key = objectKey(p);
    if ((p.spec as { nodeName?: string } | undefined)?.nodeName) {
      this.assumed.delete(key);
      this.unschedulable.delete(key);
      // A bound pod appearing, ending, terminating or relabelling changes fits (resources, ports, affinity, spread).
      this.retryUnschedulable();
      return;
    }
    if (!pending(p)) return;
    // Its own update (gates removed, spec changed) is worth a new attempt.
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
    if (this.running) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.active.size > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    await Promise.all([this.pods.synced, this.nodes.synced, this.namespaces.synced, this.claims.synced, this.volumes.synced, this.classes.synced]);
    while (this.active.size > 0) {
      const key = this.active.values().next().value as string;
      this.active.delete(key);
      const pod = this.pods.get(key);
      if (!pod || !pending(pod) || this.assumed.has(key)) continue;
      try {
        await this.scheduleOne(pod);
      } catch (err) {
        this.opts.log.warn({ pod: key, err: String(err) }, 'scheduling attempt failed; retrying');
        this.unschedulable.set(key, String(err));
      }
    }
  }

  private snapshot(): Snapshot {
    const bound: KObject[] = [];
    for (const p of this.pods.items.values()) {
      const key = objectKey(p);
      const node = (p.spec as { nodeName?: string } | undefined)?.nodeName ?? this.assumed.get(key);
      if (!node) continue;
      bound.push(node === (p.spec as { nodeName?: string }).nodeName ? p : { ...p, spec: { ...(p.spec as object), nodeName: node } });
    }
    return new Snapshot([...this.nodes.items.values()], bound, { namespaces: [...this.namespaces.items.values()] });
  }

  private async scheduleOne(pod: KObject): Promise<void> {
    const key = objectKey(pod);
    // Placed already, its claims being bound there: wait for them, do not place it anew.
    if (this.waitingForClaims.has(key) && !claimsBound(pod, this.volumeLookup)) return;
    const snapshot = this.snapshot();
    const result = schedulePod(pod, snapshot, { random: this.opts.random ?? Math.random, extraFilters: [volumeBindingFilter(this.volumeLookup)] });
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    if (result.ok && !claimsBound(pod, this.volumeLookup)) {
      // WaitForFirstConsumer claims: bind them for this node first, then the pod (when they are Bound).
      const node = snapshot.nodeInfo(result.nodeName);
      if (node) await this.bindClaims(pod, node);
      this.waitingForClaims.set(key, result.nodeName);
      return;
    }
    this.waitingForClaims.delete(key);
    if (result.ok) {
      this.assumed.set(key, result.nodeName);
      try {
        await this.opts.client.create(PODS, ns, {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace: ns, uid: pod.metadata.uid ?? '' },
          target: { apiVersion: 'v1', kind: 'Node', name: result.nodeName },
        }, 'binding');
      } catch (err) {
        this.assumed.delete(key);
        if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return; // gone, or bound by someone else
        throw err;
      }
      this.opts.recorder.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${result.nodeName}`);
      return;
    }
    this.unschedulable.set(key, result.message);
    this.opts.recorder.record(pod, 'Warning', 'FailedScheduling', result.message);
    await this.markUnschedulable(pod, result.unschedulable ? 'Unschedulable' : 'SchedulerError', result.message);
  }

  /**
   * Kubernetes' PreBind for volumes: a static volume gets the claim in its
   * claimRef (the PV binder completes the binding), otherwise the claim gets
   * the chosen node as `volume.kubernetes.io/selected-node` for its
   * provisioner. The pod is bound once every claim is Bound (the loop looks
   * again on every claim or volume change).
   */
  private async bindClaims(pod: KObject, node: NonNullable<ReturnType<Snapshot['nodeInfo']>>): Promise<void> {
    for (const b of claimBindings(pod, node, this.volumeLookup)) {
      try {
        if (b.kind === 'volume') await this.opts.client.update(PVS, preBoundVolume(b.pv, b.claim));
        else await this.opts.client.patch(PVCS, b.claim.metadata.namespace ?? '', b.claim.metadata.name ?? '', 'merge', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': b.node } } });
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
  }

  private async markUnschedulable(pod: KObject, reason: string, message: string): Promise<void> {
    const conds = ((pod.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)?.conditions ?? []);
    const cur = conds.find((c) => c.type === 'PodScheduled');
    if (cur && cur.status === 'False' && cur.message === message) return;
    const condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), reason, message };
    try {
      await this.opts.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'strategic', { status: { conditions: [condition] } }, 'status');
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}

function nodeShape(n: KObject): string {
  const st = (n.status ?? {}) as { allocatable?: unknown; conditions?: { type: string; status: string }[] };
  return JSON.stringify([n.metadata.labels, n.spec, st.allocatable, (st.conditions ?? []).map((c) => `${c.type}=${c.status}`)]);
}
