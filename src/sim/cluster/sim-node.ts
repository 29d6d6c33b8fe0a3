// One simulated node: its own identity (system:node:<name>), its Node object,
// its Lease renewed with Kubernetes' timing (10 s, duration 40 s, DESIGN.md)
// and its status reported every 5 minutes (the kubelet's
// nodeStatusReportFrequency when nothing changes). Nothing runs on it: its
// pods are moved through their lifecycle by the pod driver.
//
// A node is `alive` while it heartbeats. A stopped heartbeat is a dead
// kubelet: the lease lapses, the status is not reported, and the pod driver
// leaves its pods alone until the heartbeat resumes.
//
// Each node has its own template (labels, taints, capacity): by default the
// sim's shared one, or the one its machine request asked for.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { NODES } from '../../client/resources.js';
import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { LeaseKeeper } from '../../agent/node/lease.js';
import { HALE_NODE_CERT_ANNOTATION, newNode, nodeStatus, type NodeFacts } from '../../agent/node/node-object.js';
import { LABEL_SIMULATED } from '../../api/fencing.js';
import { PodIps } from './pod-ips.js';
import type { ResolvedNodeTemplate, ResolvedSimOptions } from './sim-options.js';

const READY = { ready: true, readyReason: 'KubeletReady', readyMessage: 'kubelet is posting ready status' };

export class SimNode {
  readonly recorder: EventRecorder;
  private readonly lease: LeaseKeeper;
  private uid: string | undefined;
  private statusTimer: TimerHandle | undefined;
  private startTimer: TimerHandle | undefined;
  private heartbeating = false;
  private conditions: unknown[] = [];
  private lastEarlyReport = -Infinity;
  ips: PodIps | undefined;
  readonly template: ResolvedNodeTemplate;

  constructor(
    readonly name: string,
    readonly ip: string,
    private readonly client: ApiClient,
    private readonly o: ResolvedSimOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
    template?: ResolvedNodeTemplate,
    /** Lease renewals and status reports (default `client`): the sim gives them their own connections, so they never queue behind pod writes */
    private readonly heartbeat: ApiClient = client,
  ) {
    this.template = template ?? o.node;
    this.recorder = new EventRecorder({ client, source: { component: 'kubelet', host: name }, clock, log });
    this.lease = new LeaseKeeper({
      client: heartbeat,
      nodeName: name,
      nodeUid: () => this.uid,
      clock,
      log,
      renewMs: o.leaseRenewMs,
      durationSeconds: o.leaseDurationSeconds,
    });
  }

  get alive(): boolean {
    return this.heartbeating;
  }

  get api(): ApiClient {
    return this.client;
  }

  private facts(): NodeFacts {
    return {
      name: this.name,
      ip: this.ip,
      hostname: this.name,
      cpus: this.template.cpus,
      memoryBytes: this.template.memoryBytes,
      ephemeralStorageBytes: this.template.ephemeralStorageBytes,
      maxPods: this.template.maxPods,
      extraCapacity: this.template.extraCapacity,
      kernelVersion: 'simulated',
      osImage: 'hale simulated node',
      architecture: process.arch,
      machineId: this.name,
      bootId: this.name,
      runtime: 'sim://0.1.0',
      agentPort: 10250,
      certSha256: '',
      labels: { ...this.template.labels, [LABEL_SIMULATED]: 'true' },
      taints: this.template.taints,
    };
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  /** Creates the Node, or takes over the one a previous run left (its status and labels refreshed). */
  async register(): Promise<KObject> {
    const node = newNode(this.facts(), READY, this.nowIso());
    delete node.metadata.annotations?.[HALE_NODE_CERT_ANNOTATION];
    if (!Object.keys(node.metadata.annotations ?? {}).length) delete node.metadata.annotations;
    let obj: KObject;
    try {
      obj = await this.client.create(NODES, '', node);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      const existing = await this.client.get(NODES, '', this.name);
      const prev = (existing.status as { conditions?: unknown[] } | undefined)?.conditions ?? [];
      await this.client.patch(NODES, '', this.name, 'merge', { metadata: { labels: node.metadata.labels } });
      obj = await this.client.patch(NODES, '', this.name, 'merge', { status: nodeStatus(this.facts(), READY, this.nowIso(), prev) }, 'status');
    }
    this.uid = obj.metadata.uid;
    this.conditions = (obj.status as { conditions?: unknown[] } | undefined)?.conditions ?? [];
    return obj;
  }

  /**
   * Takes the node's Lease right after registering, as a kubelet does: a node
   * that joined holds its Lease (later renewals are spread by startHeartbeat).
   * A failure is left to the heartbeat's own renewals.
   */
  async takeLease(): Promise<void> {
    try {
      await this.lease.renew();
    } catch (err) {
      this.log.warn({ node: this.name, err: String(err) }, 'first lease renewal failed; the heartbeat retries');
    }
  }

  /** Starts renewing after `offsetMs` (the sim spreads its nodes' renewals over one interval). */
  startHeartbeat(offsetMs: number): void {
    if (this.heartbeating) return;
    this.heartbeating = true;
    this.startTimer = this.clock.setTimeout(() => {
      if (!this.heartbeating) return;
      this.lease.start();
      this.scheduleStatus(this.o.statusReportMs);
    }, offsetMs);
    this.log.debug({ node: this.name }, 'heartbeat started');
  }

  stopHeartbeat(): void {
    if (!this.heartbeating) return;
    this.heartbeating = false;
    this.startTimer?.cancel();
    this.statusTimer?.cancel();
    this.lease.stop();
    this.log.info({ node: this.name }, 'heartbeat stopped');
  }

  private scheduleStatus(ms: number): void {
    this.statusTimer = this.clock.setTimeout(() => void this.reportStatus(), ms);
  }

  /** The periodic status report: conditions with a fresh lastHeartbeatTime. */
  private async reportStatus(): Promise<void> {
    if (!this.heartbeating) return;
    try {
      const obj = await this.heartbeat.patch(NODES, '', this.name, 'merge', { status: { conditions: nodeStatus(this.facts(), READY, this.nowIso(), this.conditions).conditions } }, 'status');
      this.conditions = (obj.status as { conditions?: unknown[] } | undefined)?.conditions ?? [];
    } catch (err) {
      this.log.warn({ node: this.name, err: String(err) }, 'node status report failed');
    } finally {
      if (this.heartbeating) this.scheduleStatus(this.o.statusReportMs);
    }
  }

  /**
   * The Node as the API holds it now. A heartbeating node whose Ready
   * condition is not True (the control plane marked it Unknown while it was
   * silent) reports its status at once, as a kubelet does when its status
   * differs from what it last posted — at most once per renewal interval.
   */
  observe(node: KObject): void {
    if (!this.heartbeating) return;
    const conds = (node.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
    if (conds.find((c) => c.type === 'Ready')?.status === 'True') return;
    const now = this.clock.monotonic();
    if (now - this.lastEarlyReport < this.o.leaseRenewMs) return;
    this.lastEarlyReport = now;
    this.conditions = conds;
    this.statusTimer?.cancel();
    void this.reportStatus();
  }

  /** The pod CIDR the control plane gave this node (the first one it sees is kept). */
  setPodCidr(cidr: string | undefined): void {
    if (!cidr || this.ips) return;
    this.ips = new PodIps(cidr);
  }
}
