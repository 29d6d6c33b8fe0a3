// The node lifecycle controller (kube-controller-manager's nodelifecycle,
// Kubernetes 1.32, on hale's clock and defaults). One pass over every node:
//
// 1. health: a node the control plane has not seen alive for its grace
//    (NodeHealth) gets its kubelet conditions set Unknown. A Ready True →
//    not-True transition records `NodeNotReady` on the node and marks every
//    pod on it not ready (retried until it succeeds);
// 2. zones: each zone's state (Normal / PartialDisruption / FullDisruption)
//    sets its tainting rate; when every zone is fully disrupted the
//    controller is in "master disruption" mode: it removes the NoExecute
//    readiness taints everywhere and taints nothing, and on leaving it counts
//    every node as just seen;
// 3. taints: NoSchedule readiness taints follow the Ready condition at once;
//    a NoExecute one (`not-ready` / `unreachable`) is added through the
//    zone's rate limiter, swapped or removed at once.
//
// Passes run when a node or Lease changes in a way that matters, when a node
// turns suspect or expires (a timer at the exact moment), when a zone's
// limiter has a token for a queued node, and every `periodMs` regardless.
// Passes never overlap; a change during a pass makes another one follow.
// A pass caused by node or Lease events looks only at those nodes (zone
// counts are kept per node, so the circuit breakers stay exact): with 5,000
// nodes renewing, an event costs one node's work, not 5,000. Timed passes,
// and a change of the master-disruption mode, look at every node.

import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { LEASES, NODES, PODS } from '../../client/resources.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { nodeNameOf } from '../../controller/pod-state.js';
import { SerialPass } from '../../controller/serial-pass.js';
import { ANNOTATION_LEASE_REVOKED } from '../../api/fencing.js';
import type { Logger } from '../../lib/log/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { ApiError } from '../../machinery/errors.js';
import { markPodsNotReady } from './mark-pods-not-ready.js';
import { readyHeartbeat, readyStatus, unknownConditions } from './node-conditions.js';
import { NodeHealth } from './node-health.js';
import { currentNoExecuteKey, noExecuteKeyFor, reconcileTaints, TAINT_UNREACHABLE, type Taint } from './taints.js';
import { TokenBucket } from '../../lib/flowcontrol/token-bucket.js';
import { computeZoneState, excludedFromDisruption, zoneKey, zoneRate, type ZoneState } from './zones.js';

export interface NodeLifecycleOptions {
  /** overrides each node's own leaseDurationSeconds as the grace before Unknown (ms) */
  nodeMonitorGraceMs?: number;
  /** grace for a node that has never renewed a Lease (ms, default 60 s) */
  nodeStartupGraceMs?: number;
  /** a pass at least this often (ms, default 5 s) */
  periodMs?: number;
  /** nodes tainted per second in a healthy zone (default 1; Kubernetes 0.1) */
  evictionRate?: number;
  /** ... in a partially disrupted zone larger than largeClusterThreshold (default 0.01) */
  secondaryEvictionRate?: number;
  largeClusterThreshold?: number;
  /** share of not-ready nodes that makes a zone partially disrupted (default 0.55) */
  unhealthyZoneThreshold?: number;
}

const LEASE_NAMESPACE = 'kube-node-lease';
const BY_NODE = 'nodeName';

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

interface Zone {
  state: ZoneState;
  bucket: TokenBucket;
  /** nodes waiting for a NoExecute taint, in order */
  queue: string[];
}

export class NodeLifecycleController implements RunnableController {
  readonly name = 'node-lifecycle-controller';
  private readonly ctx: ControllerContext;
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly health: NodeHealth;
  private readonly o: Required<Omit<NodeLifecycleOptions, 'nodeMonitorGraceMs'>>;
  private readonly zones = new Map<string, Zone>();
  /** the Ready status each node had at the end of the last pass */
  private readonly lastReady = new Map<string, string>();
  /** nodes whose pods still have to be marked not ready */
  private readonly markPending = new Set<string>();
  private masterDisruption = false;
  private readonly passes: SerialPass;
  /** nodes an event asked the next pass to look at */
  private readonly dirty = new Set<string>();
  /** the next pass looks at every node */
  private fullDue = true;
  /** monotonic ms when the next full pass is due (the period) */
  private nextFullAt = 0;
  /**
   * monotonic ms when the next node turns suspect or expires: the pass then
   * looks at the nodes that crossed a threshold since `edgesSeenUntil`, not at
   * every node (at 5,000 nodes one crosses every few milliseconds)
   */
  private nextEdgeAt = Infinity;
  private edgesSeenUntil = 0;
  /** each counted node's contribution to its zone's counts (excluded nodes are not here) */
  private readonly counted = new Map<string, { zone: string; ready: boolean }>();
  private readonly zoneCounts = new Map<string, { ready: number; notReady: number }>();

  constructor(ctx: ControllerContext, opts: NodeLifecycleOptions = {}) {
    this.ctx = ctx;
    this.log = ctx.log.child({ controller: this.name });
    this.recorder = ctx.recorder('node-controller');
    this.o = {
      nodeStartupGraceMs: opts.nodeStartupGraceMs ?? 60_000,
      periodMs: opts.periodMs ?? 5000,
      evictionRate: opts.evictionRate ?? 1,
      secondaryEvictionRate: opts.secondaryEvictionRate ?? 0.01,
      largeClusterThreshold: opts.largeClusterThreshold ?? 50,
      unhealthyZoneThreshold: opts.unhealthyZoneThreshold ?? 0.55,
    };
    this.health = new NodeHealth(ctx.clock, { startupGraceMs: this.o.nodeStartupGraceMs, ...(opts.nodeMonitorGraceMs !== undefined ? { graceMs: opts.nodeMonitorGraceMs } : {}) });
    this.passes = new SerialPass({ clock: ctx.clock, log: this.log, pass: () => this.pass(), nextMs: () => this.nextMs() });
    this.nodes = ctx.informers.for(NODES);
    this.pods = ctx.informers.for(PODS);
    this.pods.addIndex(BY_NODE, (p) => [nodeNameOf(p)]);
    this.nodes.on({
      add: (n) => this.nodeSeen(n),
      update: (n) => this.nodeSeen(n),
      delete: (n) => this.nodeGone(n.metadata.name ?? ''),
    });
    ctx.informers.for(LEASES).on({
      add: (l) => this.leaseSeen(l),
      update: (l) => this.leaseSeen(l),
    });
  }

  start(): void {
    // Every node is fresh when the controller starts: it never declares a node dead on what it saw before.
    this.health.refreshAll();
    this.passes.start();
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  idle(): Promise<void> {
    return this.passes.idle();
  }

  /** Runs a pass over every node now (or right after the one running). */
  kick(): Promise<void> {
    this.fullDue = true;
    return this.passes.kick();
  }

  /** Runs a pass over `name` (and whatever else is due) now, or right after the one running. */
  private kickFor(name: string): void {
    this.dirty.add(name);
    void this.passes.kick();
  }

  private nextMs(): number {
    let ms = this.fullDue || this.dirty.size ? 0 : Math.max(0, Math.min(this.nextFullAt, this.nextEdgeAt) - this.ctx.clock.monotonic());
    for (const z of this.zones.values()) if (z.queue.length) ms = Math.min(ms, z.bucket.msUntilNext());
    return ms;
  }

  private nodeSeen(node: KObject): void {
    const name = node.metadata.name ?? '';
    const wasQuiet = this.health.suspect(name);
    this.health.observeNode(name, readyHeartbeat(node));
    // A healthy node's heartbeat changes nothing; anything else is worth a look.
    if (wasQuiet || readyStatus(node) !== 'True' || this.lastReady.get(name) !== 'True' || this.needsTaintWork(node)) this.kickFor(name);
  }

  private leaseSeen(lease: KObject): void {
    // A revoked Lease changed because fencing wrote it, not because its node renewed.
    if (lease.metadata.namespace !== LEASE_NAMESPACE || lease.metadata.annotations?.[ANNOTATION_LEASE_REVOKED]) return;
    const name = lease.metadata.name ?? '';
    const wasQuiet = this.health.suspect(name);
    const grace = this.health.graceMs(name);
    const duration = (lease.spec as { leaseDurationSeconds?: number } | undefined)?.leaseDurationSeconds;
    this.health.observeLease(name, lease.metadata.resourceVersion ?? '', duration);
    // A shorter lease brings the node's next threshold closer than the pass has planned for.
    if (wasQuiet || this.health.graceMs(name) < grace) this.kickFor(name);
  }

  private nodeGone(name: string): void {
    this.health.forget(name);
    this.lastReady.delete(name);
    this.markPending.delete(name);
    this.dirty.delete(name);
    this.count(name, undefined);
    for (const z of this.zones.values()) z.queue = z.queue.filter((n) => n !== name);
    void this.passes.kick();
  }

  /** Whether the node's taints differ from what its readiness calls for (cordon, a taint removed by hand). */
  private needsTaintWork(node: KObject): boolean {
    const name = node.metadata.name ?? '';
    const ready = readyStatus(node);
    const want = this.wantedNoExecute(name, node);
    const cur = currentNoExecuteKey(node);
    return want !== cur || reconcileTaints(node, ready, cur, '') !== undefined;
  }

  private async pass(): Promise<void> {
    const nowIso = rfc3339(this.ctx.clock.now());
    const now = this.ctx.clock.monotonic();
    const full = this.fullDue || now >= this.nextFullAt;
    const edge = now >= this.nextEdgeAt;
    const nodes = new Map<string, KObject>();
    if (full) {
      this.fullDue = false;
      this.nextFullAt = now + this.o.periodMs;
      for (const n of this.nodes.items.values()) nodes.set(n.metadata.name ?? '', n);
    } else {
      if (edge) for (const name of this.health.crossedBetween(this.edgesSeenUntil, now)) this.dirty.add(name);
      for (const name of this.dirty) {
        const n = this.nodes.items.get(name);
        if (n) nodes.set(name, n);
      }
    }
    this.dirty.clear();

    // 1. Health.
    for (const [name, cached] of nodes) {
      let node = cached;
      if (this.health.expired(name)) {
        const conditions = unknownConditions(node, nowIso);
        if (conditions) {
          this.log.info({ node: name, silentMs: Math.round(this.health.silentMs(name)) }, 'node stopped renewing; marking its status Unknown');
          node = await this.writeStatus(node, conditions);
          nodes.set(name, node);
        }
      }
      const ready = readyStatus(node);
      const prev = this.lastReady.get(name);
      if (prev === 'True' && ready !== 'True') {
        this.recorder.record({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        this.markPending.add(name);
      }
      if (ready === 'True') this.markPending.delete(name);
      this.lastReady.set(name, ready);
    }
    for (const name of [...this.markPending]) {
      if (await markPodsNotReady(this.ctx.client, this.recorder, name, this.pods.byIndex(BY_NODE, name), nowIso)) this.markPending.delete(name);
      else this.passes.retrySoon();
    }

    // 2. Zones and their circuit breakers. Entering or leaving master
    // disruption changes every node's taints (and, leaving, its health).
    for (const [name, node] of nodes) this.count(name, node);
    if (this.updateZones()) {
      for (const n of this.nodes.items.values()) {
        const name = n.metadata.name ?? '';
        if (!nodes.has(name)) nodes.set(name, n);
      }
      for (const [name, node] of nodes) this.count(name, node);
      this.updateZones();
    }

    // 3. Taints.
    for (const [name, node] of nodes) {
      const ready = readyStatus(node);
      const want = this.wantedNoExecute(name, node);
      const cur = currentNoExecuteKey(node);
      const zone = this.zoneOf(node);
      let noExecute: string | undefined;
      if (!want) zone.queue = zone.queue.filter((n) => n !== name);
      else if (cur) noExecute = want;
      else if (!zone.queue.includes(name)) zone.queue.push(name);
      const taints = reconcileTaints(node, ready, noExecute, nowIso);
      if (taints) nodes.set(name, await this.writeTaints(node, taints));
    }
    for (const zone of this.zones.values()) {
      while (zone.queue.length) {
        const name = zone.queue[0]!;
        const node = nodes.get(name) ?? this.nodes.items.get(name);
        const want = node ? this.wantedNoExecute(name, node) : undefined;
        if (!node || !want || currentNoExecuteKey(node)) {
          zone.queue.shift();
          continue;
        }
        if (!zone.bucket.tryTake()) break;
        zone.queue.shift();
        this.log.info({ node: name, taint: want, zone: zoneKey(node) }, 'tainting node NoExecute');
        const taints = reconcileTaints(node, readyStatus(node), want, nowIso);
        if (taints) nodes.set(name, await this.writeTaints(node, taints));
      }
    }

    // Every threshold up to now has been looked at; the next one any node reaches is the next edge
    // (a renewal only moves a node's thresholds later, so between full looks the minimum over the
    // nodes just seen keeps the edge early enough).
    this.edgesSeenUntil = now;
    if (full || edge) this.nextEdgeAt = now + this.health.msUntilNextChange();
    else for (const name of nodes.keys()) this.nextEdgeAt = Math.min(this.nextEdgeAt, now + this.health.msUntilChangeOf(name));
  }

  /**
   * The NoExecute readiness taint a node should carry: none in full
   * disruption; `not-ready` when its kubelet says Ready=False; `unreachable`
   * when its Ready is Unknown and it is silent now by this controller's own
   * observation — a node whose Unknown dates from before a restart or from a
   * full disruption that just ended is not tainted anew until it has been
   * silent for a whole grace again (a taint it already carries stays).
   */
  private wantedNoExecute(name: string, node: KObject): string | undefined {
    if (this.masterDisruption) return undefined;
    const key = noExecuteKeyFor(readyStatus(node));
    if (key === TAINT_UNREACHABLE && !this.health.expired(name) && currentNoExecuteKey(node) !== TAINT_UNREACHABLE) return undefined;
    return key;
  }

  private zoneOf(node: KObject): Zone {
    const key = zoneKey(node);
    let z = this.zones.get(key);
    if (!z) this.zones.set(key, (z = { state: 'Normal', bucket: new TokenBucket(this.ctx.clock, this.o.evictionRate), queue: [] }));
    return z;
  }

  /** Moves the node's contribution to the zone counts to what `node` shows now (undefined: gone). */
  private count(name: string, node: KObject | undefined): void {
    const was = this.counted.get(name);
    const now = node && !excludedFromDisruption(node) ? { zone: zoneKey(node), ready: readyStatus(node) === 'True' && !this.health.suspect(name) } : undefined;
    if (node) this.zoneOf(node);
    if (was?.zone === now?.zone && was?.ready === now?.ready) return;
    if (was) {
      const c = this.zoneCounts.get(was.zone)!;
      if (was.ready) c.ready--;
      else c.notReady--;
      if (c.ready + c.notReady === 0) this.zoneCounts.delete(was.zone);
      this.counted.delete(name);
    }
    if (now) {
      let c = this.zoneCounts.get(now.zone);
      if (!c) this.zoneCounts.set(now.zone, (c = { ready: 0, notReady: 0 }));
      if (now.ready) c.ready++;
      else c.notReady++;
      this.counted.set(name, now);
    }
  }

  /** Zone states and tainting rates from the counts; true when the master-disruption mode changed. */
  private updateZones(): boolean {
    const states = new Map<string, ZoneState>();
    for (const [key, c] of this.zoneCounts) states.set(key, computeZoneState(c.ready, c.notReady, this.o.unhealthyZoneThreshold));
    const allFull = states.size > 0 && [...states.values()].every((s) => s === 'FullDisruption');
    let changed = false;
    if (allFull && !this.masterDisruption) {
      this.log.warn({ zones: states.size }, 'every zone is fully disrupted: no node is tainted or evicted until one comes back');
      this.masterDisruption = true;
      changed = true;
    } else if (!allFull && this.masterDisruption) {
      this.log.info('a zone is back from full disruption: every node counts as just seen');
      this.masterDisruption = false;
      this.health.refreshAll();
      changed = true;
    }
    for (const [key, zone] of this.zones) {
      const state = states.get(key) ?? 'Normal';
      if (state !== zone.state) this.log.info({ zone: key, from: zone.state, to: state }, 'zone state changed');
      zone.state = state;
      const c = this.zoneCounts.get(key);
      zone.bucket.setRate(this.masterDisruption ? 0 : zoneRate(state, c ? c.ready + c.notReady : 0, this.o));
    }
    return changed;
  }

  private async writeStatus(node: KObject, conditions: unknown[]): Promise<KObject> {
    try {
      return await this.ctx.client.update(NODES, { ...node, status: { ...(node.status as object), conditions } }, 'status');
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) {
        this.passes.retrySoon();
        return node;
      }
      throw err;
    }
  }

  private async writeTaints(node: KObject, taints: Taint[]): Promise<KObject> {
    const spec = { ...(node.spec as object) } as { taints?: Taint[] };
    if (taints.length) spec.taints = taints;
    else delete spec.taints;
    try {
      return await this.ctx.client.update(NODES, { ...node, spec });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) {
        this.passes.retrySoon();
        return node;
      }
      throw err;
    }
  }
}
