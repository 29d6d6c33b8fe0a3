// The node agent (hale's kubelet): registers its Node, renews its Lease,
// watches the pods bound to it and runs one PodWorker per pod on a Runtime.
// It never stops on an error: informers retry, workers requeue.
//
// Static stability: stopping the agent leaves containers running (the
// runtime's supervisors hold them); `stopPods()` is the explicit "stop my
// pods" that `hale up` uses on shutdown.
//
// Fencing (fencing/fence-gate.ts): the agent starts fenced; each successful
// renewal moves the deadline; it unfences after a renewal, with no
// out-of-service taint and a consistent read of its pods (pods gone from
// that read are removed, never started, and their late informer events
// ignored). Pod workers do not start fenced pods' containers while fenced.

import type { KObject } from '../api/object.js';
import type { ApiClient } from '../client/api-client.js';
import { Informer } from '../client/informer.js';
import { NODES, PODS } from '../client/resources.js';
import type { Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { ApiError } from '../machinery/errors.js';
import { EventRecorder } from '../client/event-recorder.js';
import { FenceGate } from './fencing/fence-gate.js';
import { Arming } from './fencing/arming.js';
import { ANNOTATION_FENCING_ARMED, LABEL_SIMULATED } from '../api/fencing.js';
import { PeerQuorum, type PeerQuorumOptions } from './fencing/quorum/peer-quorum.js';
import { memberList } from './fencing/quorum/members.js';
import { readForUnfence } from './fencing/consistent-read.js';
import { LeaseKeeper } from './node/lease.js';
import { newNode, nodeStatus, type NodeFacts } from './node/node-object.js';
import { PodWorker, type PodWorkerDeps } from './pods/pod-worker.js';
import type { PodStatusJson } from './pods/pod-types.js';
import { KUBELET_CONDITIONS } from './pods/pod-status.js';
import type { Runtime } from './runtime/runtime.js';

export interface AgentOptions {
  client: ApiClient;
  facts: NodeFacts;
  clock: Clock;
  log: Logger;
  /** builds the runtime once the control plane assigned the node's pod CIDR */
  runtime: (podCidr: string) => Promise<Runtime>;
  /** what each pod worker needs beyond the runtime */
  workerDeps: (runtime: Runtime, recorder: EventRecorder) => Omit<PodWorkerDeps, 'runtime' | 'recorder' | 'publish' | 'finishDeletion'>;
  leaseRenewMs?: number;
  leaseDurationSeconds?: number;
  nodeStatusMs?: number;
  onRenewed?: (sentAtMonotonicMs: number) => void;
  /** how long after a renewal's send time the node fences itself; default 8000 */
  fenceAfterMs?: number;
  /** the clock's monotonic ms → CLOCK_MONOTONIC ns for the supervisors; default realClock's conversion */
  toMonotonicNs?: (ms: number) => bigint;
  /** 'auto' (default): fencing armed while the cluster has three member nodes or more (arming.ts); 'always': armed from the start */
  armFencing?: 'auto' | 'always';
  /** the cluster's join secret: with it the agent asks peers for grants and answers theirs (docs/fencing.md rules 7–10); without, it never holds past its deadline */
  peerSecret?: string;
  /** for tests: how peers are asked */
  askPeer?: PeerQuorumOptions['ask'];
  /** peer grant options (tests): E, D, the granter's quiet time, the asking period */
  peerTiming?: Pick<PeerQuorumOptions, 'grantMs' | 'driftMs' | 'quietMs' | 'askEveryMs' | 'askTimeoutMs'>;
  /**
   * The client Lease renewals go through; default `client`. Give it a short
   * request timeout (the renewal interval): a renewal stuck on a black-holed
   * connection counts as in flight, and while it is, the node neither asks
   * peers for grants nor gives any.
   */
  leaseClient?: ApiClient;
  /** after orphans were collected: the pods that may still hold node resources (others' volumes are released) */
  onPodsKnown?: (podUids: ReadonlySet<string>) => Promise<void>;
}

const NODE_READY = { ready: true, readyReason: 'KubeletReady', readyMessage: 'kubelet is posting ready status' };

export class Agent {
  private readonly opts: AgentOptions;
  private readonly abort = new AbortController();
  private readonly workers = new Map<string, PodWorker>();
  private node: KObject | undefined;
  private lease: LeaseKeeper | undefined;
  private runtime: Runtime | undefined;
  private recorder: EventRecorder;
  private statusTimer: NodeJS.Timeout | undefined;
  private podInformer: Informer | undefined;
  /** the node's fencing gate: deadline, fenced state, unfencing */
  readonly fence: FenceGate;
  /** whether the supervisors hold deadlines at all (three member nodes or more) */
  readonly arming: Arming;
  private membersTimer: NodeJS.Timeout | undefined;
  /** peer grants (undefined without a join secret) */
  readonly quorum: PeerQuorum | undefined;
  /** pods a consistent read found gone: later (stale) informer events for them start nothing */
  private readonly removed = new Set<string>();

  /** Whether a pod of this node with that IP is known not ready right now (its worker computed Ready=False). */
  locallyUnready(ip: string): boolean {
    for (const w of this.workers.values()) if (w.unreadyIp() === ip) return true;
    return false;
  }

  /** Every pod worker looks at its pod again (a volume attachment of this node changed, ...). */
  kickPods(): void {
    for (const w of this.workers.values()) w.kick();
  }

  constructor(opts: AgentOptions) {
    this.opts = opts;
    // The gate's effective deadline (finite when armed, cleared when not) to every fenced container, now.
    this.arming = new Arming(() => this.fence.handOver());
    this.recorder = new EventRecorder({ client: opts.client, source: { component: 'kubelet', host: opts.facts.name }, clock: opts.clock, log: opts.log });
    this.fence = new FenceGate({
      clock: opts.clock,
      log: opts.log,
      ...(opts.fenceAfterMs !== undefined ? { fenceAfterMs: opts.fenceAfterMs } : {}),
      ...(opts.toMonotonicNs ? { toMonotonicNs: opts.toMonotonicNs } : {}),
      push: (ns) => this.runtime?.setFenceDeadline(ns) ?? Promise.resolve(),
      verify: () => this.verifyBeforeUnfence(),
      holdUntilMs: () => this.arming.hold() ?? this.quorum?.holdUntilMs(),
      onChange: (fenced) => {
        if (!fenced) for (const w of this.workers.values()) w.kick();
      },
    });
    if (opts.peerSecret) {
      this.quorum = new PeerQuorum({
        self: opts.facts.name,
        clock: opts.clock,
        log: opts.log,
        secret: opts.peerSecret,
        armed: () => this.arming.isArmed,
        cutOff: () => this.lease?.cutOff ?? true,
        lastRenewedMs: () => this.lease?.lastSuccessMs,
        onHoldChange: () => this.fence.refresh(),
        ...(opts.askPeer ? { ask: opts.askPeer } : {}),
        ...opts.peerTiming,
      });
    }
    if (opts.armFencing === 'always') this.arming.members(Infinity);
  }

  /** The pod as the agent's informer last saw it. */
  findPod(namespace: string, name: string): KObject | undefined {
    return this.podInformer?.get(`${namespace}/${name}`);
  }

  get nodeName(): string {
    return this.opts.facts.name;
  }

  /** Registers the node and starts everything; resolves once pods are being synced. */
  async start(): Promise<void> {
    const { client, facts, log } = this.opts;
    this.node = await this.register();
    this.lease = new LeaseKeeper({
      client: this.opts.leaseClient ?? client,
      nodeName: facts.name,
      nodeUid: () => this.node?.metadata.uid,
      clock: this.opts.clock,
      log,
      ...(this.opts.leaseRenewMs !== undefined ? { renewMs: this.opts.leaseRenewMs } : {}),
      ...(this.opts.leaseDurationSeconds !== undefined ? { durationSeconds: this.opts.leaseDurationSeconds } : {}),
      annotations: () => {
        const a = this.arming.leaseAnnotations();
        return { ...a, ...this.quorum?.annotations(a[ANNOTATION_FENCING_ARMED] === 'true') };
      },
      onRenewed: (sentAt) => {
        // Back after the API was out of reach: say Ready now, not at the next status tick, so the
        // node lifecycle controller lifts its taints before the pods' tolerations run out.
        if (this.lease?.lastAttemptFailed && this.node) void this.updateNodeStatus();
        this.arming.renewed();
        this.quorum?.renewed();
        this.fence.renewed(sentAt);
        this.opts.onRenewed?.(sentAt);
      },
    });
    this.lease.start();
    this.quorum?.start();
    const podCidr = await this.waitForPodCidr();
    log.info({ node: facts.name, podCidr }, 'pod CIDR assigned');
    const runtime = await this.opts.runtime(podCidr);
    this.runtime = runtime;
    await runtime.recover();
    runtime.onExit((c) => this.workers.get(c.podUid)?.containerExited(c));
    // Before the pods are watched, so they usually find the node unfenced: the first renewal round (bounded
    // by one renewal interval, the API may be unreachable), then the checks if it renewed.
    await Promise.race([this.lease.firstRound, new Promise<void>((r) => this.opts.clock.setTimeout(r, this.lease!.renewMs))]);
    await this.fence.enable();

    const informer = new Informer(client, PODS, { fieldSelector: `spec.nodeName=${facts.name}`, onError: (err) => log.warn({ err: String(err) }, 'pod watch failed; retrying') });
    this.podInformer = informer;
    informer.on({
      add: (p) => this.podChanged(p),
      update: (p) => this.podChanged(p),
      delete: (p) => {
        this.removed.delete(p.metadata.uid ?? '');
        this.workers.get(p.metadata.uid ?? '')?.update(undefined);
      },
    });
    void informer.run(this.abort.signal);
    await informer.synced;
    await this.collectOrphans();
    this.statusTimer = setInterval(() => void this.updateNodeStatus(), this.opts.nodeStatusMs ?? 10_000);
    this.membersTimer = setInterval(() => void this.readMembers().catch((err: unknown) => log.debug({ err: String(err) }, 'member count not read')), 10_000);
    this.membersTimer.unref();
    this.statusTimer.unref();
    this.recorder.record(this.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
    this.recorder.record(this.nodeRef(), 'Normal', 'NodeReady', `Node ${facts.name} status is now: NodeReady`);
  }

  private nodeRef(): KObject {
    const n = this.node ?? { metadata: { name: this.opts.facts.name } };
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: n.metadata.name ?? '', uid: n.metadata.name ?? '', namespace: '' } };
  }

  private podChanged(pod: KObject): void {
    const uid = pod.metadata.uid ?? '';
    if (this.removed.has(uid)) return;
    let w = this.workers.get(uid);
    if (!w) {
      const phase = (pod.status as PodStatusJson | undefined)?.phase;
      // A terminal pod this agent never ran (or already cleaned up) needs nothing.
      if ((phase === 'Succeeded' || phase === 'Failed') && !pod.metadata.deletionTimestamp && !this.runtime?.listPodSandboxes().some((s) => s.podUid === uid)) return;
      w = this.newWorker(pod);
      this.workers.set(uid, w);
      void w.done.then(() => this.workers.delete(uid));
    }
    w.update(pod);
  }

  private newWorker(pod: KObject): PodWorker {
    const runtime = this.runtime!;
    const client = this.opts.client;
    return new PodWorker(pod, {
      ...this.opts.workerDeps(runtime, this.recorder),
      runtime,
      fence: this.fence,
      recorder: this.recorder,
      publish: (p, status) => publishStatus(client, p, status),
      finishDeletion: async (p) => {
        try {
          await client.delete(PODS, p.metadata.namespace ?? '', p.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid ?? '' } });
        } catch (err) {
          if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
        }
      },
    });
  }

  /**
   * The checks before the node unfences (after a successful renewal): no
   * out-of-service taint, and a consistent read of its pods; the pods that
   * read does not hold (deleted, or bound elsewhere) are removed without
   * being started.
   */
  private async verifyBeforeUnfence(): Promise<boolean> {
    await this.readMembers();
    const read = await readForUnfence(this.opts.client, this.opts.facts.name);
    if (read.outOfService) {
      this.opts.log.warn({ node: this.opts.facts.name }, 'fencing: the node has the out-of-service taint; it stays fenced until the control plane removes it');
      return false;
    }
    for (const [uid, w] of this.workers) {
      if (read.podUids.has(uid)) continue;
      this.opts.log.info({ podUid: uid }, 'fencing: pod is gone from a consistent read; removing it');
      this.removed.add(uid);
      w.update(undefined);
    }
    if (this.runtime) await this.collectOrphans(new Set([...read.podUids, ...this.workers.keys()]));
    return true;
  }

  /** Counts the member nodes (simulated ones excluded): fencing is armed with three or more. */
  private async readMembers(): Promise<void> {
    const list = await this.opts.client.list(NODES, { labelSelector: `!${LABEL_SIMULATED}` });
    this.quorum?.setMembers(memberList(list.items));
    if (this.opts.armFencing !== 'always') this.arming.members(list.items.length);
  }

  /** Containers and sandboxes of pods that no longer exist in the API are stopped and removed. */
  private async collectOrphans(knownUids?: Set<string>): Promise<void> {
    const runtime = this.runtime!;
    const pods = [...(this.podInformer?.items.values() ?? [])];
    const known: Set<string | undefined> = knownUids ?? new Set(pods.map((p) => p.metadata.uid));
    for (const s of runtime.listPodSandboxes()) {
      if (known.has(s.podUid)) continue;
      this.opts.log.info({ podUid: s.podUid }, 'removing the sandbox of a pod that is gone');
      await runtime.removePodSandbox(s.id);
    }
    for (const c of runtime.listContainers()) {
      if (known.has(c.podUid)) continue;
      if (c.state === 'running') await runtime.stopContainer(c.id, 0);
      await runtime.removeContainer(c.id);
    }
    // What still holds node resources (volumes): a known pod that is not terminal, or has a running container.
    const terminal = new Set(pods.filter((p) => ['Succeeded', 'Failed'].includes((p.status as { phase?: string } | undefined)?.phase ?? '')).map((p) => p.metadata.uid));
    const holding = new Set<string>();
    for (const uid of known) if (uid && !terminal.has(uid)) holding.add(uid);
    for (const c of runtime.listContainers()) if (c.state === 'running') holding.add(c.podUid);
    await this.opts.onPodsKnown?.(holding);
  }

  /** The agent's event recorder (source kubelet, this node). */
  get events(): EventRecorder {
    return this.recorder;
  }

  private async register(): Promise<KObject> {
    const { client, facts } = this.opts;
    const now = new Date(this.opts.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      const created = await client.create(NODES, '', newNode(facts, NODE_READY, now));
      this.recorder.record({ apiVersion: 'v1', kind: 'Node', metadata: { name: facts.name, uid: facts.name } }, 'Normal', 'RegisteredNode', `Node ${facts.name} event: Registered Node ${facts.name} in Controller`);
      return created;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
    // Re-registration: labels and annotations are merged, status refreshed.
    const existing = await client.get(NODES, '', facts.name);
    const fresh = newNode(facts, NODE_READY, now);
    const patched = await client.patch(NODES, '', facts.name, 'merge', { metadata: { labels: fresh.metadata.labels, annotations: fresh.metadata.annotations } });
    await client.patch(NODES, '', facts.name, 'merge', { status: nodeStatus(facts, NODE_READY, now, ((existing.status as { conditions?: unknown[] } | undefined)?.conditions) ?? []) }, 'status');
    return patched;
  }

  private async waitForPodCidr(): Promise<string> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      const n = await this.opts.client.get(NODES, '', this.opts.facts.name);
      this.node = n;
      const cidr = (n.spec as { podCIDR?: string } | undefined)?.podCIDR;
      if (cidr) return cidr;
      if (this.abort.signal.aborted) throw new Error('agent stopped');
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private async updateNodeStatus(): Promise<void> {
    const { client, facts } = this.opts;
    try {
      const now = new Date(this.opts.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      const cur = await client.get(NODES, '', facts.name);
      this.node = cur;
      const prev = ((cur.status as { conditions?: unknown[] } | undefined)?.conditions) ?? [];
      await client.patch(NODES, '', facts.name, 'merge', { status: nodeStatus(facts, NODE_READY, now, prev) }, 'status');
    } catch (err) {
      this.opts.log.warn({ err: String(err) }, 'node status update failed');
    }
  }

  /** Stops every pod's containers (grace capped at `graceCapMs`): `hale up`'s shutdown. */
  async stopPods(graceCapMs: number): Promise<void> {
    const runtime = this.runtime;
    if (!runtime) return;
    // Nothing may restart what is being stopped.
    this.abort.abort();
    await Promise.all([...this.workers.values()].map((w) => w.halt()));
    await Promise.all(runtime.listContainers().filter((c) => c.state === 'running').map((c) => runtime.stopContainer(c.id, graceCapMs)));
    for (const s of runtime.listPodSandboxes()) await runtime.removePodSandbox(s.id);
  }

  /** Stops watching and renewing; containers keep running. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.lease?.stop();
    this.fence.stop();
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.membersTimer) clearInterval(this.membersTimer);
    this.quorum?.stop();
    await this.recorder.flush();
    await this.runtime?.close();
  }
}

/** PUT pods/status on the pod's resourceVersion; a conflict re-reads and keeps others' conditions. */
export async function publishStatus(client: ApiClient, pod: KObject, status: PodStatusJson): Promise<void> {
  let cur = pod;
  for (let attempt = 0; attempt < 5; attempt++) {
    const theirs = ((cur.status as PodStatusJson | undefined)?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
    const merged = { ...status, conditions: [...(status.conditions ?? []).filter((c) => KUBELET_CONDITIONS.has(c.type)), ...theirs] };
    try {
      await client.update(PODS, { ...cur, status: merged }, 'status');
      return;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      cur = await client.get(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (cur.metadata.uid !== pod.metadata.uid) return;
    }
  }
  throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name}: status update kept conflicting`);
}
