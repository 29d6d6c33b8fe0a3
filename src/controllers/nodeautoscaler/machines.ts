// The autoscaler's operations on machines, each running on its own after a
// pass started it: launch (record in status.launching, then ask the
// provider), repair (provider deletes the machine, then the Node is
// deleted), scale-down (drain, provider delete, Node delete) and abandon
// (a machine that never registered). Also the per-pool provider instances
// and the small state the passes read: what is launching, what is being
// removed, which pools back off after a failed create.

import { randomInt } from 'node:crypto';
import type { KObject } from '../../api/object.js';
import type { LaunchingMachine, NodePoolStatus } from '../../api/nodepool/types.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import { NODEPOOLS, NODES } from '../../client/resources.js';
import type { ControllerContext } from '../../controller/context.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import type { NodeProvider, ProviderFactory } from '../../nodepool/providers/provider.js';
import { drainNode, setToBeDeleted } from './drain.js';
import type { AutoscalerMetrics } from './metrics.js';
import type { PoolConfig } from './pool-config.js';
import { rfc3339 } from '../../machinery/conditions.js';
import { DELETE_FAILED, NODE_REPAIR, PROVIDER_UNAVAILABLE, SCALE_DOWN, SCALE_DOWN_FAILED, SCALE_UP, SCALE_UP_FAILED } from './reasons.js';
import { readyStatusOf } from './repair.js';

export interface MachinesOptions {
  ctx: ControllerContext;
  recorder: EventRecorder;
  metrics: AutoscalerMetrics;
  log: Logger;
  pods: Informer;
  providers: ProviderFactory;
  drainTimeoutMs: number;
  createBackoffMs: number;
  /** asks for another pass (an operation ended) */
  kick: () => void;
  /** true when a Node of that name exists */
  nodeExists: (name: string) => boolean;
}

interface PoolProvider {
  key: string;
  provider?: NodeProvider;
  error?: string;
  /** the error last recorded as an event */
  reported?: string;
}

const SUFFIX = 'abcdefghijklmnopqrstuvwxyz0123456789';

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 120 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

export class Machines {
  private readonly providers = new Map<string, PoolProvider>();
  private readonly launching = new Map<string, LaunchingMachine[]>();
  /** node name → pool, while a removal runs */
  private readonly removing = new Map<string, string>();
  private readonly ops = new Set<Promise<void>>();
  private readonly backoffUntil = new Map<string, number>();
  private readonly times = new Map<string, { up?: number; down?: number }>();
  private readonly written = new Map<string, string>();
  private stopping = false;

  constructor(private readonly o: MachinesOptions) {}

  // ---- providers ----

  private entry(cfg: PoolConfig): PoolProvider {
    const key = JSON.stringify(cfg.provider);
    const cur = this.providers.get(cfg.name);
    // A provider that could not be made is tried again (e.g. `hale up` adds its local fleet after the controllers start).
    if (cur && cur.key === key && cur.provider) return cur;
    if (cur?.provider) this.track(cur.provider.close());
    let next: PoolProvider;
    try {
      next = { key, provider: this.o.providers(cfg.name, cfg.provider) };
    } catch (err) {
      next = { key, error: errorMessage(err), ...(cur?.reported !== undefined ? { reported: cur.reported } : {}) };
      if (cur?.error !== next.error) this.o.log.warn({ pool: cfg.name, err: next.error }, 'node provider unavailable');
    }
    this.providers.set(cfg.name, next);
    return next;
  }

  providerError(cfg: PoolConfig): string | undefined {
    return this.entry(cfg).error;
  }

  /** Pools that are gone: their providers are closed and their state dropped. */
  retainPools(names: ReadonlySet<string>): void {
    for (const [pool, e] of this.providers) {
      if (names.has(pool)) continue;
      this.providers.delete(pool);
      this.launching.delete(pool);
      this.written.delete(pool);
      if (e.provider) this.track(e.provider.close());
    }
  }

  // ---- state read by passes ----

  launchingOf(pool: string): LaunchingMachine[] | undefined {
    return this.launching.get(pool);
  }

  setLaunching(pool: string, list: LaunchingMachine[]): void {
    this.launching.set(pool, list);
  }

  isRemoving(node: string): boolean {
    return this.removing.has(node);
  }

  removingSet(): ReadonlySet<string> {
    return new Set(this.removing.keys());
  }

  backingOff(pool: string): boolean {
    return (this.backoffUntil.get(pool) ?? -Infinity) > this.o.ctx.clock.monotonic();
  }

  backoffDueMs(): number | undefined {
    const now = this.o.ctx.clock.monotonic();
    let best: number | undefined;
    for (const until of this.backoffUntil.values()) if (until > now) best = Math.min(best ?? Infinity, until - now);
    return best;
  }

  lastTimes(pool: string): { up?: number; down?: number } {
    return this.times.get(pool) ?? {};
  }

  // ---- operations ----

  private track(p: Promise<unknown>): void {
    const op = p.then(
      () => undefined,
      (err: unknown) => this.o.log.error({ err: errorMessage(err) }, 'autoscaler operation failed'),
    );
    this.ops.add(op);
    void op.finally(() => {
      this.ops.delete(op);
      if (!this.stopping) this.o.kick();
    });
  }

  private newName(pool: string, taken: (n: string) => boolean): string {
    for (;;) {
      let s = '';
      for (let i = 0; i < 5; i++) s += SUFFIX[randomInt(SUFFIX.length)];
      const name = `${pool}-${s}`;
      if (!taken(name)) return name;
    }
  }

  /**
   * Requests `count` machines: records them in status.launching first (so
   * they are timed and found again after a restart), then asks the provider.
   */
  async launch(cfg: PoolConfig, pool: KObject, count: number, capacity: Record<string, string>, why: { scaleUp: number; repair: number; min: number; pods: number }): Promise<void> {
    const provider = this.entry(cfg).provider;
    if (!provider || count <= 0) return;
    const list = [...(this.launching.get(cfg.name) ?? [])];
    const now = this.o.ctx.clock.now();
    const names: string[] = [];
    const taken = (n: string): boolean => list.some((m) => m.name === n) || this.o.nodeExists(n) || this.removing.has(n);
    for (let i = 0; i < count; i++) {
      const name = this.newName(cfg.name, taken);
      names.push(name);
      list.push({ name, since: rfc3339(now) });
    }
    await this.patchStatus(cfg.name, { launching: list });
    this.launching.set(cfg.name, list);
    this.times.set(cfg.name, { ...this.lastTimes(cfg.name), up: now });
    const parts = [why.scaleUp ? `${why.scaleUp} for ${why.pods} unschedulable pod(s)` : '', why.repair ? `${why.repair} to replace unhealthy node(s)` : '', why.min ? `${why.min} to reach minNodes ${cfg.min}` : ''].filter(Boolean);
    this.o.recorder.record(pool, 'Normal', SCALE_UP, `requested ${count} node(s) (${parts.join(', ')}): ${names.join(', ')}`);
    if (why.scaleUp) this.o.metrics.nodesAdded.inc({ pool: cfg.name, reason: 'scale_up' }, why.scaleUp);
    if (why.repair) this.o.metrics.nodesAdded.inc({ pool: cfg.name, reason: 'repair' }, why.repair);
    if (why.min) this.o.metrics.nodesAdded.inc({ pool: cfg.name, reason: 'min_size' }, why.min);
    for (const name of names) {
      this.track(
        provider.create({ name, pool: cfg.name, labels: { ...cfg.labels }, taints: cfg.taints.map((t) => ({ ...t })), capacity: { ...capacity } }).catch(async (err: unknown) => {
          const msg = errorMessage(err);
          this.o.log.warn({ pool: cfg.name, node: name, err: msg }, 'machine create failed');
          this.o.metrics.failures.inc({ pool: cfg.name, operation: 'create' });
          this.backoffUntil.set(cfg.name, this.o.ctx.clock.monotonic() + this.o.createBackoffMs);
          this.o.recorder.record(pool, 'Warning', SCALE_UP_FAILED, `creating node ${name} failed: ${msg}; no new nodes for ${seconds(this.o.createBackoffMs)}`);
          const left = (this.launching.get(cfg.name) ?? []).filter((m) => m.name !== name);
          this.launching.set(cfg.name, left);
          // Whatever the provider managed to start is removed again.
          await provider.delete(name).catch((e: unknown) => this.o.log.warn({ node: name, err: errorMessage(e) }, 'cleanup after a failed create failed'));
        }),
      );
    }
  }

  /** A machine that never registered: the provider removes it. */
  abandon(cfg: PoolConfig, name: string): void {
    const provider = this.entry(cfg).provider;
    this.o.metrics.nodesRemoved.inc({ pool: cfg.name, reason: 'provision_timeout' });
    if (!provider) return;
    this.removing.set(name, cfg.name);
    this.track(
      provider
        .delete(name)
        .catch((err: unknown) => this.deleteFailed(cfg, name, err))
        .finally(() => this.removing.delete(name)),
    );
  }

  private deleteFailed(cfg: PoolConfig, name: string, err: unknown): void {
    this.o.metrics.failures.inc({ pool: cfg.name, operation: 'delete' });
    const obj = { apiVersion: 'autoscaling.hale.dev/v1alpha1', kind: 'NodePool', metadata: { name: cfg.name, uid: cfg.uid } };
    this.o.recorder.record(obj, 'Warning', DELETE_FAILED, `deleting machine ${name} failed: ${errorMessage(err)}`);
  }

  /** The machine goes first (nothing of it can run any more), then its Node object. */
  private async removeMachine(cfg: PoolConfig, name: string): Promise<void> {
    const provider = this.entry(cfg).provider;
    if (!provider) throw new Error(`provider ${cfg.provider.type} unavailable: ${this.entry(cfg).error ?? ''}`);
    await provider.delete(name);
    try {
      await this.o.ctx.client.delete(NODES, '', name);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  repair(cfg: PoolConfig, pool: KObject, node: KObject, unhealthyMs: number): void {
    const name = node.metadata.name ?? '';
    this.removing.set(name, cfg.name);
    const msg = `node ${name} has been ${readyStatusOf(node) === 'False' ? 'NotReady' : 'unreachable (Ready Unknown)'} for ${seconds(unhealthyMs)} (repair after ${seconds(cfg.repair.afterMs)}): deleting it and requesting a replacement`;
    this.o.recorder.record(node, 'Warning', NODE_REPAIR, msg);
    this.o.recorder.record(pool, 'Warning', NODE_REPAIR, msg);
    this.track(
      this.removeMachine(cfg, name)
        .then(() => this.o.metrics.nodesRemoved.inc({ pool: cfg.name, reason: 'repair' }))
        .catch((err: unknown) => this.deleteFailed(cfg, name, err))
        .finally(() => this.removing.delete(name)),
    );
  }

  scaleDown(cfg: PoolConfig, pool: KObject, node: KObject, utilizationPercent: number, unneededMs: number): void {
    this.drainAndRemove(cfg, pool, node, 'scale_down', `its pods requested ${utilizationPercent.toFixed(0)}% of it (below ${cfg.scaleDown.thresholdPercent}%) for ${seconds(unneededMs)} and fit on other nodes`);
  }

  /** The pool is being deleted: its node is drained and removed like a scale-down. */
  retire(cfg: PoolConfig, pool: KObject, node: KObject): void {
    this.drainAndRemove(cfg, pool, node, 'pool_deleted', 'its NodePool is being deleted');
  }

  private drainAndRemove(cfg: PoolConfig, pool: KObject, node: KObject, reason: string, why: string): void {
    const name = node.metadata.name ?? '';
    this.removing.set(name, cfg.name);
    this.o.recorder.record(node, 'Normal', SCALE_DOWN, 'marked the node as toBeDeleted/unschedulable');
    const op = async (): Promise<void> => {
      const drained = await drainNode({ client: this.o.ctx.client, clock: this.o.ctx.clock, pods: this.o.pods, node: name, timeoutMs: this.o.drainTimeoutMs, wanted: () => !this.stopping });
      if (!drained.ok) {
        this.o.metrics.failures.inc({ pool: cfg.name, operation: 'drain' });
        await setToBeDeleted(this.o.ctx.client, name, false, this.o.ctx.clock.now());
        this.o.recorder.record(node, 'Warning', SCALE_DOWN_FAILED, `draining the node failed: ${drained.reason}; it is back in service`);
        return;
      }
      await this.removeMachine(cfg, name);
      this.o.metrics.nodesRemoved.inc({ pool: cfg.name, reason });
      this.times.set(cfg.name, { ...this.lastTimes(cfg.name), down: this.o.ctx.clock.now() });
      this.o.recorder.record(pool, 'Normal', SCALE_DOWN, `removed node ${name}: ${why}`);
    };
    this.track(
      op()
        .catch((err: unknown) => {
          this.o.metrics.failures.inc({ pool: cfg.name, operation: 'delete' });
          this.o.recorder.record(pool, 'Warning', SCALE_DOWN_FAILED, `removing node ${name} failed: ${errorMessage(err)}`);
        })
        .finally(() => this.removing.delete(name)),
    );
  }

  /** Nodes of `pool` being removed now. */
  removingIn(pool: string): number {
    let n = 0;
    for (const p of this.removing.values()) if (p === pool) n++;
    return n;
  }

  // ---- status ----

  private async patchStatus(pool: string, status: Partial<NodePoolStatus>): Promise<void> {
    await this.o.ctx.client.patch(NODEPOOLS, '', pool, 'merge', { status }, 'status');
  }

  /** Writes the pool's status when it differs from what is stored (or what this process wrote last). */
  async writeStatus(pool: string, prev: NodePoolStatus, next: NodePoolStatus): Promise<void> {
    const json = JSON.stringify(next);
    if (json === JSON.stringify(prev) || json === this.written.get(pool)) return;
    try {
      await this.patchStatus(pool, next as Partial<NodePoolStatus>);
      this.written.set(pool, json);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return; // the pool was deleted meanwhile
      throw err;
    }
  }

  /** Records once per pool and message that its provider cannot run here. */
  reportProvider(cfg: PoolConfig, pool: KObject): void {
    const e = this.entry(cfg);
    if (e.error === undefined || e.reported === e.error) return;
    const err = e.error;
    e.reported = err;
    this.o.recorder.record(pool, 'Warning', PROVIDER_UNAVAILABLE, err);
  }

  async idle(): Promise<void> {
    while (this.ops.size > 0) await Promise.allSettled([...this.ops]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
    await Promise.allSettled([...this.providers.values()].map((e) => e.provider?.close()));
    this.providers.clear();
  }
}
