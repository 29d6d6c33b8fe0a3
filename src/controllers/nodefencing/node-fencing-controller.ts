// The control plane's half of fencing (DESIGN.md, Fencing; docs/fencing.md):
// what lets a lost node's StatefulSet pods and RWO volumes move without a
// person, and never while the old copy may still run.
//
// A node is fenced when its agent said with its last renewal that it holds
// its fenced containers to a deadline (`hale.dev/fencing-armed`), this
// controller has not seen its Lease renewed for
// `fenceAfterMs + marginMs` (8 s + 4 s) on its own clock, and only while a
// strict majority of the members is healthy (quorum.ts). By then the node's
// agent has killed its fenced containers itself: its supervisors hold a
// deadline of (send time of its last successful renewal + fenceAfter), and
// that renewal was sent before this controller saw it. In order:
//
// 1. revoke the Lease: a compare-and-swap against exactly the version the
//    silence was timed from (a renewal that lands meanwhile wins, and the
//    node is left alone); the annotation `hale.dev/revoked` makes the agent
//    stop renewing it, and a late renewal fails on the version;
// 2. mark the node out of service (`node.kubernetes.io/out-of-service`
//    NoExecute, and the annotation `hale.dev/fenced` that says the taint is
//    this controller's) and record `NodeFenced`;
// 3. force-delete every pod bound to the node (Failed, DisruptionTarget);
//    the workload controllers recreate them elsewhere at once — a
//    StatefulSet's pod included, since its old object is gone;
// 4. once no pod is bound to the node any more: delete its VolumeAttachments
//    (its containers are dead: its volumes may go to other nodes), remove
//    the taint and the annotation, and delete the Lease. The agent, when it is back, creates a
//    fresh Lease and starts fenced until it has read its pods from the API.
//
// The state lives in the API (the revoked Lease, the node's annotation), so a
// controller that restarts mid-way finishes the job.

import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import { LEASES, NODES, PODS, VOLUMEATTACHMENTS } from '../../client/resources.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { markFailedAndForceDelete } from '../../controller/force-delete.js';
import { nodeNameOf } from '../../controller/pod-state.js';
import { SerialPass } from '../../controller/serial-pass.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { ANNOTATION_FENCING_ARMED, ANNOTATION_GRANT_LIVE_MS, ANNOTATION_MEMBERS, ANNOTATION_LEASE_REVOKED as ANNOTATION_REVOKED, ANNOTATION_NODE_FENCED as ANNOTATION_FENCED, OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';
import { LeaseWatch } from './lease-watch.js';
import { isMember, strictMajority } from './quorum.js';

const LEASE_NAMESPACE = 'kube-node-lease';
const BY_NODE = 'nodeName';

export interface NodeFencingOptions {
  /** the agents' fenceAfter: how long after its last renewal's send time an agent kills its fenced containers (ms, default 8 s) */
  fenceAfterMs?: number;
  /** extra wait for clock-rate drift, kill latency and pauses (ms, default 4 s) */
  marginMs?: number;
  /** lifetime of a peer grant (ms, default 6 s) */
  grantExpiryMs?: number;
  /** drift allowance on top of the grant lifetime before a node counts as healthy (ms, default 1 s) */
  driftMarginMs?: number;
  /** a pass at least this often (ms, default 5 s) */
  periodMs?: number;
}

/** The member names the node announced with its last renewal (rule 7), if it did. */
function announcedMembers(lease: KObject): string[] | undefined {
  const v = lease.metadata.annotations?.[ANNOTATION_MEMBERS];
  return v ? v.split(',').filter((x) => x) : undefined;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export class NodeFencingController implements RunnableController {
  readonly name = 'node-fencing-controller';
  private readonly ctx: ControllerContext;
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly nodes: Informer;
  private readonly leases: Informer;
  private readonly pods: Informer;
  private readonly watch: LeaseWatch;
  private readonly fenceAtMs: number;
  private readonly healthyAfterMs: number;
  private readonly periodMs: number;
  private readonly passes: SerialPass;
  /** nodes whose Lease says they hold their fenced containers to a deadline */
  private readonly armed = new Set<string>();
  /** nodes in the fencing membership */
  private readonly members = new Set<string>();

  constructor(ctx: ControllerContext, opts: NodeFencingOptions = {}) {
    this.ctx = ctx;
    this.log = ctx.log.child({ controller: this.name });
    this.recorder = ctx.recorder('node-controller');
    this.fenceAtMs = (opts.fenceAfterMs ?? 8000) + (opts.marginMs ?? 4000);
    this.healthyAfterMs = (opts.grantExpiryMs ?? 6000) + (opts.driftMarginMs ?? 1000);
    this.periodMs = opts.periodMs ?? 5000;
    this.passes = new SerialPass({ clock: ctx.clock, log: this.log, pass: () => this.pass(), nextMs: () => this.nextMs() });
    this.watch = new LeaseWatch(ctx.clock, 40_000, opts.driftMarginMs ?? 1000);
    this.nodes = ctx.informers.for(NODES);
    this.pods = ctx.informers.for(PODS);
    this.pods.addIndex(BY_NODE, (p) => [nodeNameOf(p)]);
    this.nodes.on({
      add: (n) => this.memberSeen(n),
      update: (n) => this.memberSeen(n),
      delete: (n) => this.members.delete(n.metadata.name ?? ''),
    });
    this.leases = ctx.informers.for(LEASES);
    this.leases.on({
      add: (l) => this.leaseSeen(l),
      update: (l) => this.leaseSeen(l),
      delete: (l) => {
        if (l.metadata.namespace !== LEASE_NAMESPACE) return;
        this.watch.forget(l.metadata.name ?? '');
        this.armed.delete(l.metadata.name ?? '');
      },
    });
    // A fenced node's last pod going away lets step 4 run.
    this.pods.on({ delete: (p) => (this.fencedNode(nodeNameOf(p)) ? void this.kick() : undefined) });
  }

  start(): void {
    this.watch.refreshAll();
    this.passes.start();
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  idle(): Promise<void> {
    return this.passes.idle();
  }

  kick(): Promise<void> {
    return this.passes.kick();
  }

  /**
   * The next timed pass: when an armed node reaches its fencing deadline or a
   * member's health changes. Only those nodes' clocks matter — the unarmed
   * and non-member ones (simulated nodes: thousands) would otherwise call a
   * pass every few milliseconds.
   */
  private nextMs(): number {
    const armed = this.watch.msUntilNext([this.fenceAtMs], [], this.armed);
    const members = this.watch.msUntilNext([], [this.healthyAfterMs], this.members);
    return Math.min(this.periodMs, armed, members);
  }

  private memberSeen(node: KObject): void {
    const name = node.metadata.name ?? '';
    if (isMember(node.metadata.labels)) this.members.add(name);
    else this.members.delete(name);
  }

  private leaseSeen(lease: KObject): void {
    if (lease.metadata.namespace !== LEASE_NAMESPACE) return;
    if (lease.metadata.annotations?.[ANNOTATION_FENCING_ARMED] === 'true') this.armed.add(lease.metadata.name ?? '');
    else this.armed.delete(lease.metadata.name ?? '');
    if (lease.metadata.annotations?.[ANNOTATION_REVOKED]) return;
    const duration = (lease.spec as { leaseDurationSeconds?: number } | undefined)?.leaseDurationSeconds;
    const live = Number(lease.metadata.annotations?.[ANNOTATION_GRANT_LIVE_MS] ?? '0');
    this.watch.observe(lease.metadata.name ?? '', lease.metadata.resourceVersion ?? '', duration, { grantLiveMs: Number.isFinite(live) ? live : 0 });
  }

  private fencedNode(name: string): boolean {
    return !!name && !!this.nodes.get(name)?.metadata.annotations?.[ANNOTATION_FENCED];
  }

  private async pass(): Promise<void> {
    const nodes = [...this.nodes.items.values()];
    const members = nodes.filter((n) => isMember(n.metadata.labels)).map((n) => n.metadata.name ?? '');
    const isHealthy = (name: string): boolean => this.watch.healthy(name, this.healthyAfterMs);
    const healthy = members.filter(isHealthy).length;
    const quorum = strictMajority(healthy, members.length);
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      const lease = this.leases.get(`${LEASE_NAMESPACE}/${name}`);
      if (lease?.metadata.annotations?.[ANNOTATION_REVOKED] || node.metadata.annotations?.[ANNOTATION_FENCED]) {
        await this.finish(node, lease);
        continue;
      }
      if (!lease || this.watch.silentMs(name) < this.fenceAtMs) continue;
      // An agent that did not hold its containers to a deadline may still run them: never fence it.
      if (lease.metadata.annotations?.[ANNOTATION_FENCING_ARMED] !== 'true') continue;
      // A strict majority healthy of our members, and of the members the node itself counts its grants over (rule 7).
      const theirs = announcedMembers(lease);
      const theirHealthy = theirs ? theirs.filter(isHealthy).length : 0;
      if (!quorum || (theirs && !strictMajority(theirHealthy, theirs.length))) {
        this.log.debug({ node: name, healthy, members: members.length, theirHealthy, theirMembers: theirs?.length }, 'node is silent but no majority is healthy: not fencing');
        continue;
      }
      await this.fence(node, lease, healthy, members.length);
    }
  }

  private async fence(node: KObject, lease: KObject, healthy: number, members: number): Promise<void> {
    const name = node.metadata.name ?? '';
    const version = this.watch.version(name);
    // Step 1: revoke exactly the Lease version the silence was timed from.
    if (lease.metadata.resourceVersion !== version) return;
    const silentMs = Math.round(this.watch.silentMs(name));
    try {
      await this.ctx.client.update(LEASES, { ...lease, metadata: { ...lease.metadata, annotations: { ...lease.metadata.annotations, [ANNOTATION_REVOKED]: rfc3339(this.ctx.clock.now()) } } });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return; // it renewed (or left) meanwhile
      throw err;
    }
    this.log.warn({ node: name, silentMs, healthy, members }, 'node silent past its fencing deadline: lease revoked, marking it out of service');
    this.recorder.record({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } }, 'Warning', 'NodeFenced', `Node ${name} has not renewed its lease for ${(silentMs / 1000).toFixed(1)} s, past its fencing deadline: lease revoked, node marked out of service, its pods are deleted so they can start elsewhere`);
    await this.finish(node, await this.ctx.client.get(LEASES, LEASE_NAMESPACE, name));
  }

  /** Steps 2–4 for a node whose Lease is revoked (idempotent). */
  private async finish(node: KObject, lease: KObject | undefined): Promise<void> {
    const name = node.metadata.name ?? '';
    const nowIso = rfc3339(this.ctx.clock.now());
    const pods = this.pods.byIndex(BY_NODE, name);
    if (lease?.metadata.annotations?.[ANNOTATION_REVOKED] && !node.metadata.annotations?.[ANNOTATION_FENCED]) {
      await this.updateNode(name, (n) => {
        const taints = ((n.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => t.key !== OUT_OF_SERVICE_TAINT);
        taints.push({ key: OUT_OF_SERVICE_TAINT, value: 'nodeshutdown', effect: 'NoExecute', timeAdded: nowIso });
        n.spec = { ...(n.spec as object), taints };
        n.metadata.annotations = { ...n.metadata.annotations, [ANNOTATION_FENCED]: nowIso };
      });
    }
    for (const pod of pods) {
      this.log.info({ node: name, pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'force deleting a pod of a fenced node');
      await markFailedAndForceDelete(this.ctx.client, pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: `Node ${name} was fenced and is out of service` }, nowIso);
    }
    if (pods.length) {
      this.passes.retrySoon(); // step 4 once the deletes are in the cache
      return;
    }
    // Step 4: nothing of the node is left in the API. Its volumes are released first — its containers are
    // dead, so its VolumeAttachments go now, before the out-of-service taint that says so does (the
    // attach/detach controller might otherwise see neither the taint nor a report from the dead node).
    const attachments = (await this.ctx.client.list(VOLUMEATTACHMENTS)).items.filter((va) => (va.spec as { nodeName?: string } | undefined)?.nodeName === name);
    for (const va of attachments) {
      try {
        await this.ctx.client.delete(VOLUMEATTACHMENTS, '', va.metadata.name ?? '', { preconditions: { uid: va.metadata.uid ?? '' } });
        this.log.info({ node: name, attachment: va.metadata.name }, 'volume of a fenced node detached');
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    await this.updateNode(name, (n) => {
      const taints = ((n.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => t.key !== OUT_OF_SERVICE_TAINT);
      n.spec = { ...(n.spec as object), taints };
      const annotations = { ...n.metadata.annotations };
      delete annotations[ANNOTATION_FENCED];
      n.metadata.annotations = annotations;
    });
    if (lease) {
      try {
        await this.ctx.client.delete(LEASES, LEASE_NAMESPACE, name, { preconditions: { uid: lease.metadata.uid ?? '' } });
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    this.watch.forget(name);
    this.log.info({ node: name }, 'fenced node cleared: out-of-service taint removed, lease released');
  }

  private async updateNode(name: string, change: (n: KObject) => void): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let n: KObject;
      try {
        n = await this.ctx.client.get(NODES, '', name);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return;
        throw err;
      }
      change(n);
      try {
        await this.ctx.client.update(NODES, n);
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
    }
    throw new Error(`node ${name}: update kept conflicting`);
  }
}
