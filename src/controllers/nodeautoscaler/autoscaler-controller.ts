// hale's node autoscaler: keeps every NodePool between min and max, grows
// pools for pods the scheduler cannot place, drains and removes idle nodes,
// replaces nodes that stay unhealthy, and gives up on machines that never
// register. Cluster Autoscaler and Karpenter do this as add-ons; here it runs
// in the controller manager on the shared informers.
//
// One pass (passes never overlap; SerialPass) plans everything from the
// caches with pure functions — provisioning.ts, repair.ts, scale-up.ts,
// scale-down.ts — then starts the operations (machines.ts), which run on
// their own and kick another pass when they end. Passes run on changes that
// matter (an unschedulable pod, a node turning unhealthy, a pool edit), at
// most every `minIntervalMs`, when a timer comes due, and every `periodMs`.
//
// Invariants: a machine is recorded in the pool's status.launching before
// its provider is asked for it (a crash never leaks an untracked machine);
// a node is removed only after its provider said the machine is gone; no
// pool shrinks while pods wait for capacity; nothing is repaired while the
// pool's breaker is open.

import type { KObject } from '../../api/object.js';
import type { LaunchingMachine } from '../../api/nodepool/types.js';
import type { Informer } from '../../client/informer.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { NAMESPACES, NODEPOOLS, NODES, PDBS, PODS, PVCS, PVS, STORAGECLASSES } from '../../client/resources.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { nodeNameOf } from '../../controller/pod-state.js';
import { SerialPass } from '../../controller/serial-pass.js';
import type { Logger } from '../../lib/log/log.js';
import type { ProviderFactory } from '../../nodepool/providers/provider.js';
import { volumeBindingFilter } from '../../scheduler/filters/volume-binding.js';
import { volumeRestrictionsFilter } from '../../scheduler/filters/volume-restrictions.js';
import type { FilterPlugin } from '../../scheduler/index.js';
import { BY_NODE, isToBeDeleted, setToBeDeleted } from './drain.js';
import { hasFinalizer, setFinalizer } from './finalizer.js';
import { Machines } from './machines.js';
import { AutoscalerMetrics } from './metrics.js';
import { pendingPods, isUnschedulable } from './pending.js';
import { readPool, poolOf, type PoolConfig } from './pool-config.js';
import { templateNode } from './template-node.js';
import { rfc3339 } from '../../machinery/conditions.js';
import { buildStatus, currentStatus } from './pool-status.js';
import { planLaunching } from './provisioning.js';
import { newNodeCapacity } from './capacity.js';
import { PodDecisionEvents } from './pod-events.js';
import { PROVISION_TIMEOUT, REPAIR_BLOCKED } from './reasons.js';
import { isNodeHealthy, planRepairs } from './repair.js';
import { planScaleDown } from './scale-down.js';
import { planScaleUp, type ScaleUpPool } from './scale-up.js';
import { SinceTracker } from './since-tracker.js';

export interface NodeAutoscalerOptions {
  /** makes a pool's provider; throws when this server cannot offer the type */
  providers: ProviderFactory;
  /** a pass at least this often (ms, default 10 s: Cluster Autoscaler's scan interval) */
  periodMs?: number;
  /** passes triggered by changes are at least this far apart (ms, default 1 s) */
  minIntervalMs?: number;
  /** how long a drain may take before the node goes back into service (ms, default 10 min: CA's max graceful termination) */
  drainTimeoutMs?: number;
  /** a pool whose provider failed a create gets no new machines for this long (ms, default 30 s) */
  createBackoffMs?: number;
  /** at most this many per-pod scale-up events per pass (default 50) */
  podEventsPerPass?: number;
}

export class NodeAutoscaler implements RunnableController {
  readonly name = 'node-autoscaler';
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly pools: Informer;
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly namespaces: Informer;
  private readonly pdbs: Informer;
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly classes: Informer;
  private readonly passes: SerialPass;
  private readonly machines: Machines;
  private readonly metrics: AutoscalerMetrics;
  private readonly unhealthySince = new SinceTracker();
  private readonly unneededSince = new SinceTracker();
  /** node uids seen Ready at least once (a registered node not yet Ready is still starting) */
  private readonly seenReady = new Set<string>();
  private readonly podEvents: PodDecisionEvents;
  private readonly breakerOpen = new Map<string, boolean>();
  private readonly o: Required<Omit<NodeAutoscalerOptions, 'providers'>>;
  private nextDue = Infinity;
  private lastPassEnd = -Infinity;
  private kickTimer: { cancel(): void } | undefined;
  private firstPass = true;

  constructor(private readonly ctx: ControllerContext, opts: NodeAutoscalerOptions) {
    this.log = ctx.log.child({ controller: this.name });
    this.recorder = ctx.recorder('node-autoscaler');
    this.o = {
      periodMs: opts.periodMs ?? 10_000,
      minIntervalMs: opts.minIntervalMs ?? 1_000,
      drainTimeoutMs: opts.drainTimeoutMs ?? 600_000,
      createBackoffMs: opts.createBackoffMs ?? 30_000,
      podEventsPerPass: opts.podEventsPerPass ?? 50,
    };
    this.metrics = new AutoscalerMetrics(ctx.metrics);
    this.podEvents = new PodDecisionEvents(this.recorder, this.o.podEventsPerPass);
    const inf = ctx.informers;
    this.pools = inf.for(NODEPOOLS);
    this.nodes = inf.for(NODES);
    this.pods = inf.for(PODS);
    this.namespaces = inf.for(NAMESPACES);
    this.pdbs = inf.for(PDBS);
    this.claims = inf.for(PVCS);
    this.volumes = inf.for(PVS);
    this.classes = inf.for(STORAGECLASSES);
    this.pods.addIndex(BY_NODE, (p) => [nodeNameOf(p)]);
    this.machines = new Machines({
      ctx,
      recorder: this.recorder,
      metrics: this.metrics,
      log: this.log,
      pods: this.pods,
      providers: opts.providers,
      drainTimeoutMs: this.o.drainTimeoutMs,
      createBackoffMs: this.o.createBackoffMs,
      kick: () => this.soon(),
      nodeExists: (name) => this.nodes.get(name) !== undefined,
    });
    this.passes = new SerialPass({ clock: ctx.clock, log: this.log, pass: () => this.pass(), nextMs: () => this.nextMs() });
    this.pools.on({ add: () => this.soon(), update: () => this.soon(), delete: () => this.soon() });
    this.nodes.on({
      add: () => this.soon(),
      update: (n, old) => {
        if (!old || isNodeHealthy(n) !== isNodeHealthy(old) || poolOf(n) !== poolOf(old)) this.soon();
      },
      delete: () => this.soon(),
    });
    this.pods.on({
      add: (p) => {
        if (isUnschedulable(p)) this.soon();
      },
      update: (p, old) => {
        if (isUnschedulable(p) && !(old && isUnschedulable(old))) this.soon();
      },
      delete: (p) => {
        this.podEvents.forget(p);
        if (nodeNameOf(p)) this.soon();
      },
    });
  }

  start(): void {
    this.passes.start();
  }

  async stop(): Promise<void> {
    this.kickTimer?.cancel();
    await this.passes.stop();
    await this.machines.stop();
  }

  async idle(): Promise<void> {
    await this.passes.idle();
    await this.machines.idle();
    await this.passes.idle();
  }

  /** A pass soon: now, or `minIntervalMs` after the previous one ended. */
  private soon(): void {
    if (this.kickTimer) return;
    const wait = Math.max(0, this.lastPassEnd + this.o.minIntervalMs - this.ctx.clock.monotonic());
    this.kickTimer = this.ctx.clock.setTimeout(() => {
      this.kickTimer = undefined;
      void this.passes.kick();
    }, wait);
  }

  private nextMs(): number {
    return Math.max(0, Math.min(this.o.periodMs, this.nextDue));
  }

  private due(ms: number | undefined): void {
    if (ms !== undefined) this.nextDue = Math.min(this.nextDue, ms);
  }

  private volumeFilters(): FilterPlugin[] {
    const lookup = {
      claim: (ns: string, name: string) => this.claims.get(`${ns}/${name}`),
      volume: (name: string) => this.volumes.get(name),
      volumes: () => this.volumes.items.values(),
      storageClass: (name: string) => this.classes.get(name),
    };
    return [volumeRestrictionsFilter(lookup), volumeBindingFilter(lookup)];
  }

  private async pass(): Promise<void> {
    const started = this.ctx.clock.monotonic();
    this.nextDue = Infinity;
    const nowMono = this.ctx.clock.monotonic();
    const nowWall = this.ctx.clock.now();
    const allNodes = [...this.nodes.items.values()];
    const nodeNames = new Set(allNodes.map((n) => n.metadata.name ?? ''));
    for (const n of allNodes) if (isNodeHealthy(n)) this.seenReady.add(n.metadata.uid ?? '');
    if (this.firstPass) {
      this.firstPass = false;
      // A drain interrupted by a restart is not resumed: the node goes back into service and is re-evaluated.
      for (const n of allNodes) {
        if (isToBeDeleted(n) && !this.machines.isRemoving(n.metadata.name ?? '')) {
          await setToBeDeleted(this.ctx.client, n.metadata.name ?? '', false, nowWall).catch((err: unknown) => this.log.warn({ node: n.metadata.name, err: String(err) }, 'could not clear the to-be-deleted taint'));
        }
      }
    }

    const byPool = new Map<string, KObject[]>();
    for (const n of allNodes) {
      const p = poolOf(n);
      if (p === undefined) continue;
      let list = byPool.get(p);
      if (!list) byPool.set(p, (list = []));
      list.push(n);
    }

    const configs: PoolConfig[] = [];
    const poolObjects = new Map<string, KObject>();
    const deleting: PoolConfig[] = [];
    for (const obj of this.pools.items.values()) {
      const cfg = readPool(obj);
      poolObjects.set(cfg.name, obj);
      if (obj.metadata.deletionTimestamp) {
        if (hasFinalizer(obj)) deleting.push(cfg);
        continue;
      }
      if (!hasFinalizer(obj)) await setFinalizer(this.ctx.client, cfg.name, true);
      configs.push(cfg);
      this.machines.reportProvider(cfg, obj);
    }
    this.machines.retainPools(new Set([...configs, ...deleting].map((c) => c.name)));

    // 0. pools being deleted: their machines go (nodes drained), then the finalizer.
    for (const cfg of deleting) await this.retirePool(cfg, poolObjects.get(cfg.name)!, byPool.get(cfg.name) ?? [], nodeNames);

    // 1. launching machines: registered ones leave the list, late ones are given up.
    const launching = new Map<string, LaunchingMachine[]>();
    for (const cfg of configs) {
      const recorded = this.machines.launchingOf(cfg.name) ?? ((currentStatus(poolObjects.get(cfg.name)!).launching ?? []) as LaunchingMachine[]);
      const lp = planLaunching(recorded, nodeNames, cfg.provisionTimeoutMs, nowWall);
      for (const m of lp.timedOut) {
        this.recorder.record(poolObjects.get(cfg.name)!, 'Warning', PROVISION_TIMEOUT, `node ${m.name} did not register within ${Math.round(cfg.provisionTimeoutMs / 1000)}s of being requested; removing the machine`);
        this.machines.abandon(cfg, m.name);
      }
      this.due(lp.nextDueMs);
      launching.set(cfg.name, lp.keep);
      this.machines.setLaunching(cfg.name, lp.keep);
    }

    // 2. repairs.
    const replacements = new Map<string, number>();
    const breakers = new Map<string, { open: boolean; unhealthy: number; total: number; maxPercent: number }>();
    for (const cfg of configs) {
      const nodes = byPool.get(cfg.name) ?? [];
      const plan = planRepairs(cfg, nodes, this.machines.removingSet(), this.unhealthySince, nowMono);
      this.due(plan.nextDueMs);
      breakers.set(cfg.name, { open: plan.breakerOpen, unhealthy: plan.unhealthy, total: plan.total, maxPercent: cfg.repair.maxUnhealthyPercent });
      this.metrics.repairBlocked.set({ pool: cfg.name }, plan.breakerOpen ? 1 : 0);
      if (plan.breakerOpen && !this.breakerOpen.get(cfg.name)) {
        this.recorder.record(poolObjects.get(cfg.name)!, 'Warning', REPAIR_BLOCKED, `${plan.unhealthy} of ${plan.total} nodes are unhealthy (more than ${cfg.repair.maxUnhealthyPercent}% and more than 3): no node is repaired until fewer are`);
      }
      this.breakerOpen.set(cfg.name, plan.breakerOpen);
      for (const name of plan.repair) {
        const node = nodes.find((n) => n.metadata.name === name)!;
        const forMs = this.unhealthySince.heldFor(node.metadata.uid ?? name, nowMono) ?? 0;
        this.machines.repair(cfg, poolObjects.get(cfg.name)!, node, forMs);
        replacements.set(cfg.name, (replacements.get(cfg.name) ?? 0) + 1);
      }
    }

    // 3. scale-up for unschedulable pods, and up to min.
    const removing = this.machines.removingSet();
    const pending = pendingPods(this.pods.items.values());
    this.metrics.unschedulablePods.set(pending.length);
    const bound: KObject[] = [];
    for (const p of this.pods.items.values()) if (nodeNameOf(p)) bound.push(p);
    const byName = new Map(configs.map((c) => [c.name, c]));
    const simNodes: KObject[] = [];
    const upPools: ScaleUpPool[] = [];
    const sizes = new Map<string, { registered: number; launching: number }>();
    for (const n of allNodes) {
      const name = n.metadata.name ?? '';
      if (removing.has(name)) continue;
      // A pool node that registered but was never Ready yet is still starting: count it as the capacity it will be.
      const pool = byName.get(poolOf(n) ?? '');
      if (pool && !isNodeHealthy(n) && !this.seenReady.has(n.metadata.uid ?? '')) {
        simNodes.push(templateNode(pool, name, newNodeCapacity(pool, [n]) ?? {}));
      } else simNodes.push(n);
    }
    for (const cfg of configs) {
      const nodes = (byPool.get(cfg.name) ?? []).filter((n) => !removing.has(n.metadata.name ?? ''));
      const inFlight = launching.get(cfg.name) ?? [];
      const capacity = newNodeCapacity(cfg, nodes);
      for (const m of inFlight) simNodes.push(templateNode(cfg, m.name, capacity ?? {}));
      sizes.set(cfg.name, { registered: nodes.length, launching: inFlight.length });
      const usable = this.machines.providerError(cfg) === undefined && !this.machines.backingOff(cfg.name);
      const room = usable ? cfg.max - nodes.length - inFlight.length - (replacements.get(cfg.name) ?? 0) : 0;
      upPools.push({ config: cfg, room: Math.max(0, room), capacity });
    }
    const capacities = new Map(upPools.map((p) => [p.config.name, p.capacity]));
    const namespaces = [...this.namespaces.items.values()];
    const volumeFilters = this.volumeFilters();
    const up = planScaleUp({ pools: upPools, nodes: simNodes, pods: bound, namespaces, pending, extraFilters: volumeFilters });
    this.podEvents.record(pending, up, sizes, configs);
    for (const cfg of configs) {
      if (this.machines.providerError(cfg) !== undefined || this.machines.backingOff(cfg.name)) continue;
      const size = sizes.get(cfg.name)!;
      const add = up.add.get(cfg.name) ?? 0;
      const repl = replacements.get(cfg.name) ?? 0;
      const belowMin = Math.max(0, cfg.min - size.registered - size.launching - add - repl);
      const total = Math.min(add + repl + belowMin, Math.max(0, cfg.max - size.registered - size.launching));
      if (total <= 0) continue;
      const forPods = [...up.triggered.values()].filter((p) => p === cfg.name).length;
      await this.machines.launch(cfg, poolObjects.get(cfg.name)!, total, capacities.get(cfg.name) ?? {}, {
        scaleUp: Math.min(add, total),
        repair: Math.min(repl, Math.max(0, total - add)),
        min: Math.max(0, total - add - repl),
        pods: forPods,
      });
    }

    // 4. scale-down, only while nothing waits for capacity.
    const poolNodes = new Map<string, { config: PoolConfig; nodes: KObject[] }>();
    for (const cfg of configs) if ((launching.get(cfg.name) ?? []).length === 0) poolNodes.set(cfg.name, { config: cfg, nodes: byPool.get(cfg.name) ?? [] });
    const down = planScaleDown(
      { pools: poolNodes, nodes: allNodes, pods: bound, namespaces, pdbs: [...this.pdbs.items.values()], busy: this.machines.removingSet(), scaleUpPending: pending.length > 0, extraFilters: volumeFilters },
      this.unneededSince,
      nowMono,
    );
    this.due(down.nextDueMs);
    for (const r of down.remove) {
      const cfg = configs.find((c) => c.name === r.pool)!;
      const node = allNodes.find((n) => n.metadata.name === r.node)!;
      this.machines.scaleDown(cfg, poolObjects.get(cfg.name)!, node, r.utilizationPercent, cfg.scaleDown.unneededMs);
    }
    this.due(this.machines.backoffDueMs());

    // 5. status and gauges.
    for (const cfg of configs) {
      const obj = poolObjects.get(cfg.name)!;
      const nodes = byPool.get(cfg.name) ?? [];
      const ready = nodes.filter(isNodeHealthy).length;
      const inFlight = this.machines.launchingOf(cfg.name) ?? [];
      this.metrics.poolNodes.set({ pool: cfg.name, state: 'ready' }, ready);
      this.metrics.poolNodes.set({ pool: cfg.name, state: 'unready' }, nodes.length - ready);
      this.metrics.poolNodes.set({ pool: cfg.name, state: 'launching' }, inFlight.length);
      const times = this.machines.lastTimes(cfg.name);
      const prev = currentStatus(obj);
      const providerError = this.machines.providerError(cfg);
      const next = buildStatus(
        prev,
        {
          generation: cfg.generation,
          nodes: nodes.length,
          readyNodes: ready,
          launching: inFlight,
          ...((times.up ?? prev.lastScaleUpTime) ? { lastScaleUpTime: times.up ? rfc3339(times.up) : prev.lastScaleUpTime! } : {}),
          ...((times.down ?? prev.lastScaleDownTime) ? { lastScaleDownTime: times.down ? rfc3339(times.down) : prev.lastScaleDownTime! } : {}),
          ...(providerError !== undefined ? { providerError } : {}),
          breaker: breakers.get(cfg.name)!,
        },
        nowWall,
      );
      await this.machines.writeStatus(cfg.name, prev, next);
    }
    this.lastPassEnd = this.ctx.clock.monotonic();
    this.metrics.passSeconds.observe((this.lastPassEnd - started) / 1000);
  }

  private async retirePool(cfg: PoolConfig, obj: KObject, nodes: readonly KObject[], nodeNames: ReadonlySet<string>): Promise<void> {
    const launching = this.machines.launchingOf(cfg.name) ?? ((currentStatus(obj).launching ?? []) as LaunchingMachine[]);
    for (const m of launching) if (!nodeNames.has(m.name)) this.machines.abandon(cfg, m.name);
    this.machines.setLaunching(cfg.name, []);
    for (const n of nodes) if (!this.machines.isRemoving(n.metadata.name ?? '')) this.machines.retire(cfg, obj, n);
    // Machines given up and nodes being drained count until their provider said they are gone.
    if (nodes.length === 0 && this.machines.removingIn(cfg.name) === 0) await setFinalizer(this.ctx.client, cfg.name, false);
  }
}
