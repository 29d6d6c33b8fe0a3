// The pod garbage collector (kube-controller-manager's podgc, Kubernetes
// 1.32), one pass every `periodMs` (20 s) on the injected clock:
//
// - terminated pods (Succeeded/Failed) beyond `terminatedPodThreshold`
//   (12,500) are deleted, evicted and oldest first;
// - orphans: pods bound to a node that does not exist. A node missing from
//   the cache is quarantined for 40 s and then confirmed gone by a fresh
//   read before its pods are touched (a node informer that lags must never
//   cost pods); the pods are marked Failed with the DisruptionTarget
//   condition (DeletionByPodGC) and force-deleted;
// - pods being deleted that never reached a node are force-deleted;
// - pods being deleted on a node that is not Ready and carries the
//   `node.kubernetes.io/out-of-service` taint (someone declared it dead)
//   are force-deleted.
//
// Force deletion is safe here and only here: the node the pod was on does
// not exist, never ran it, or was declared out of service.

import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';
import { NODES, PODS } from '../../client/resources.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { isPodTerminal, nodeNameOf } from '../../controller/pod-state.js';
import type { TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { forceDeletePod, markFailedAndForceDelete, type PodCondition } from '../../controller/force-delete.js';

export { OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';
import { OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';

export interface PodGcOptions {
  /** terminated pods kept before the oldest are deleted (default 12,500; 0 disables) */
  terminatedPodThreshold?: number;
  /** between passes (default 20 s) */
  periodMs?: number;
  /** how long a node must be missing from the cache before its pods count as orphans (default 40 s) */
  quarantineMs?: number;
}

type Condition = PodCondition;

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function conditions(obj: KObject): Condition[] {
  return ((obj.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
}

function evicted(pod: KObject): boolean {
  return conditions(pod).some((c) => c.type === 'DisruptionTarget' && c.status === 'True');
}

function nodeReady(node: KObject): boolean {
  return conditions(node).some((c) => c.type === 'Ready' && c.status === 'True');
}

function outOfService(node: KObject): boolean {
  return ((node.spec as { taints?: { key: string }[] } | undefined)?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT);
}

export class PodGcController implements RunnableController {
  readonly name = 'pod-garbage-collector';
  private readonly ctx: ControllerContext;
  private readonly log: Logger;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  /** node name → when (monotonic) this controller first saw pods bound to it while it was missing */
  private readonly missingSince = new Map<string, number>();
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(ctx: ControllerContext, opts: PodGcOptions = {}) {
    this.ctx = ctx;
    this.log = ctx.log.child({ controller: this.name });
    this.pods = ctx.informers.for(PODS);
    this.nodes = ctx.informers.for(NODES);
    this.threshold = opts.terminatedPodThreshold ?? 12_500;
    this.periodMs = opts.periodMs ?? 20_000;
    this.quarantineMs = opts.quarantineMs ?? 40_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  async idle(): Promise<void> {
    await this.running;
  }

  /** One pass now (tests, and the timer). */
  pass(): Promise<void> {
    if (!this.running) {
      this.running = this.gc()
        .catch((err: unknown) => this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'pod gc pass failed; next pass retries'))
        .finally(() => (this.running = undefined));
    }
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.ctx.clock.setTimeout(() => {
      void this.pass().then(() => this.schedule(this.periodMs));
    }, ms);
  }

  private async gc(): Promise<void> {
    const pods = [...this.pods.items.values()];
    await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: KObject[]): Promise<void> {
    if (this.threshold <= 0) return;
    const terminated = pods.filter(isPodTerminal);
    const excess = terminated.length - this.threshold;
    if (excess <= 0) return;
    // Evicted pods first, then the oldest (byEvictionAndCreationTimestamp).
    terminated.sort((a, b) => Number(evicted(b)) - Number(evicted(a)) || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || objectKey(a).localeCompare(objectKey(b)));
    this.log.info({ terminated: terminated.length, threshold: this.threshold, deleting: excess }, 'garbage collecting terminated pods');
    for (const pod of terminated.slice(0, excess)) await this.forceDelete(pod);
  }

  private async gcTerminating(pods: KObject[]): Promise<void> {
    for (const pod of pods) {
      if (!pod.metadata.deletionTimestamp) continue;
      const node = this.nodes.get(nodeNameOf(pod));
      if (!node || nodeReady(node) || !outOfService(node)) continue;
      await this.markFailedAndDelete(pod, undefined);
    }
  }

  private async gcOrphaned(pods: KObject[]): Promise<void> {
    const now = this.ctx.clock.monotonic();
    const byNode = new Map<string, KObject[]>();
    for (const pod of pods) {
      const n = nodeNameOf(pod);
      if (!n || this.nodes.get(n)) continue;
      let list = byNode.get(n);
      if (!list) byNode.set(n, (list = []));
      list.push(pod);
    }
    for (const name of [...this.missingSince.keys()]) if (!byNode.has(name)) this.missingSince.delete(name);
    for (const [name, orphans] of byNode) {
      const since = this.missingSince.get(name);
      if (since === undefined) {
        this.missingSince.set(name, now);
        continue;
      }
      if (now - since < this.quarantineMs) continue;
      // The cache may lag: only a fresh read that finds no node makes these pods orphans.
      if (await this.nodeExists(name)) {
        this.missingSince.delete(name);
        continue;
      }
      for (const pod of orphans) {
        this.log.info({ pod: objectKey(pod), node: name }, 'force deleting a pod bound to a node that no longer exists');
        await this.markFailedAndDelete(pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
      }
      this.missingSince.delete(name);
    }
  }

  private async gcUnscheduledTerminating(pods: KObject[]): Promise<void> {
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp && !nodeNameOf(pod)) await this.markFailedAndDelete(pod, undefined);
    }
  }

  private async nodeExists(name: string): Promise<boolean> {
    try {
      await this.ctx.client.get(NODES, '', name);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return false;
      throw err;
    }
  }

  private markFailedAndDelete(pod: KObject, condition: PodCondition | undefined): Promise<void> {
    return markFailedAndForceDelete(this.ctx.client, pod, condition, rfc3339(this.ctx.clock.now()));
  }

  private forceDelete(pod: KObject): Promise<void> {
    return forceDeletePod(this.ctx.client, pod);
  }
}
