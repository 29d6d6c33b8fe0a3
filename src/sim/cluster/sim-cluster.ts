// `hale sim`: N simulated nodes in one process (DESIGN.md; KWOK's idea, built
// in). Start-up: pin the server's CA with the join token, obtain each node's
// own credential, register the Nodes, then watch the sim's Nodes and every
// scheduled pod, and start the heartbeats spread over one renewal interval so
// 5,000 nodes do not renew in the same millisecond.
//
// Nodes come and go while the sim runs (`addNodes` / `removeNodes`, the
// control mode of `hale sim` the `sim` node provider drives): an added node
// registers with its own template and starts heartbeating; a removed node
// stops heartbeating and is forgotten (its Node object stays — deleting
// Nodes is the autoscaler's job). A sim started without nodes reads the API
// as its own identity (`hale-sim-reader`, a node credential no Node uses),
// since the credential of a node dies with its Node.
//
// Failure injection is by annotation, so kubectl drives it as well as code:
//   sim.hale.dev/heartbeat=stopped on a Node   its heartbeat stops (a dead kubelet); remove it to revive
//   sim.hale.dev/crash=true on a Pod           its containers crash (and crash-loop while annotated)
// `stopHeartbeat`, `resumeHeartbeat` and `crashPods` write those annotations.

import { Agent } from 'node:https';
import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { HttpClient } from '../../client/http/http-client.js';
import { Informer } from '../../client/informer.js';
import { NODES, PODS } from '../../client/resources.js';
import { LABEL_SIMULATED } from '../../api/fencing.js';
import { ApiError } from '../../machinery/errors.js';
import { isDNS1123Subdomain } from '../../api/validation/names.js';
import { defaultProfileDir, loadProfile, withProbability, type Profile } from '../lifecycle/index.js';
import { eachLimited } from '../../lib/async/each-limited.js';
import { PodDriver, BY_NODE } from './pod-driver.js';
import { simNodeToken } from './sim-credentials.js';
import { join as pinServer } from '../../agent/join/join.js';
import { formatIpv4 as formatIp } from '../../agent/runtime/process/network/cidr.js';
import { SimNode } from './sim-node.js';
import { resolveSimOptions, templateFromRequest, type ResolvedNodeTemplate, type ResolvedSimOptions, type SimOptions, type SimTaint } from './sim-options.js';
import type { JoinCredentials } from '../../agent/join/join.js';
import { WriteLimit } from '../../lib/async/write-limit.js';

export const ANNOTATION_HEARTBEAT = 'sim.hale.dev/heartbeat';
export const ANNOTATION_CRASH = 'sim.hale.dev/crash';
export const CRASH_RANDOM_STAGE = 'pod-crash-random';

/** The InternalIP of simulated node i: 100.64.0.0/10 (shared address space), never routed here. */
export function simNodeIp(i: number): string {
  return formatIp((0x64400000 + i + 1) >>> 0);
}

/** The identity a sim without nodes of its own reads the API as. */
export const SIM_READER = 'hale-sim-reader';

/**
 * connections for the nodes' Lease renewals and status reports: 5,000 nodes
 * renew 500 times a second, each waiting for its answer. With 32, a server
 * answering in 300 ms (a busy 150,000-pod control plane) could take only
 * ~100 a second: renewals fell 30 s behind and healthy nodes went NotReady
 * (758 times in one run). Real kubelets each have their own connection.
 */
const HEARTBEAT_SOCKETS = 256;

/** The InternalIP of a node known by name only (`--names`, added nodes): the upper half of the range, by a hash of the name. */
export function simNodeIpByName(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return simNodeIp(2 ** 21 + (h % (2 ** 21 - 2)));
}

export interface AddedNode {
  name: string;
  labels?: Record<string, string>;
  taints?: SimTaint[];
  /** quantities: cpu, memory, pods, ephemeral-storage (others become extended resources) */
  capacity?: Record<string, string>;
}

export class SimCluster {
  readonly nodes = new Map<string, SimNode>();
  private readonly abort = new AbortController();
  private runs: Promise<void>[] = [];
  private agent: Agent | undefined;
  /** the nodes' Lease renewals and status reports: apart from pod writes, as each kubelet has its own connection */
  private heartbeatAgent: Agent | undefined;
  private clients: HttpClient[] = [];
  private driver: PodDriver | undefined;
  private podInformer: Informer | undefined;
  private nodeInformer: Informer | undefined;
  private creds: JoinCredentials | undefined;
  /** names being added now: a second add of one waits for the first */
  private readonly adding = new Map<string, Promise<void>>();
  private readonly o: ResolvedSimOptions;

  private constructor(o: ResolvedSimOptions) {
    this.o = o;
  }

  static async start(opts: SimOptions): Promise<SimCluster> {
    const sim = new SimCluster(resolveSimOptions(opts));
    try {
      await sim.boot();
    } catch (err) {
      await sim.stop();
      throw err;
    }
    return sim;
  }

  get pods(): Informer {
    if (!this.podInformer) throw new Error('the sim is not started');
    return this.podInformer;
  }

  get stats(): { transitions: number; writeFailures: number; armed: number } {
    return { transitions: this.driver?.transitions ?? 0, writeFailures: this.driver?.writeFailures ?? 0, armed: this.driver?.armedCount ?? 0 };
  }

  private async boot(): Promise<void> {
    const o = this.o;
    const log = o.log;
    let profile: Profile = await loadProfile(o.profileDir ?? defaultProfileDir());
    if (o.crashProbability !== undefined) profile = withProbability(profile, CRASH_RANDOM_STAGE, o.crashProbability);
    const creds = await pinServer(o.server, o.token);
    this.creds = creds;
    this.agent = new Agent({ keepAlive: true, ca: creds.caPem, maxSockets: Math.max(8, o.writeConcurrency) });
    this.heartbeatAgent = new Agent({ keepAlive: true, ca: creds.caPem, maxSockets: HEARTBEAT_SOCKETS });
    const names = o.names;
    const byName = o.names.some((n, i) => n !== `${o.prefix}-${o.firstIndex + i}`);
    const t0 = Date.now();
    await eachLimited(names, 16, async (name, i) => {
      await this.registerNode(creds, name, byName ? simNodeIpByName(name) : simNodeIp(o.firstIndex + i));
    });
    log.info({ nodes: names.length, ms: Date.now() - t0 }, 'simulated nodes registered');

    // One identity reads for the whole sim (the watches); each node writes as itself.
    const reader: ApiClient = this.nodes.values().next().value?.api ?? this.client(await simNodeToken(o.server, creds, SIM_READER), `hale-sim/${SIM_READER}`);
    const limit = new WriteLimit(o.writeConcurrency);
    const pods = new Informer(reader, PODS, { fieldSelector: 'spec.nodeName!=', onError: (err) => log.warn({ err: String(err) }, 'pod watch: retrying') });
    pods.addIndex(BY_NODE, (p) => [String((p.spec as { nodeName?: unknown } | undefined)?.nodeName ?? '')]);
    this.podInformer = pods;
    const driver = new PodDriver({ nodes: this.nodes, pods, profile, limit, clock: o.clock, log });
    this.driver = driver;
    pods.on({ add: (p) => driver.consider(p), update: (p) => driver.consider(p), delete: (p) => driver.forget(p) });
    const nodes = new Informer(reader, NODES, { labelSelector: `${LABEL_SIMULATED}=true`, onError: (err) => log.warn({ err: String(err) }, 'node watch: retrying') });
    nodes.on({ add: (n) => this.onNode(n), update: (n) => this.onNode(n), delete: (n) => this.onNodeDeleted(n) });
    this.nodeInformer = nodes;
    // Heartbeats first: the node informer's first list may already carry a stopped-heartbeat annotation.
    let i = 0;
    for (const node of this.nodes.values()) node.startHeartbeat(Math.floor((i++ * o.leaseRenewMs) / Math.max(this.nodes.size, 1)));
    this.runs.push(nodes.run(this.abort.signal), pods.run(this.abort.signal));
    await nodes.synced;
    await pods.synced;
    log.info({ nodes: this.nodes.size }, 'simulated nodes running');
  }

  /** Obtains the node's own credential, registers its Node and makes it one of this sim's nodes (not heartbeating yet). */
  private async registerNode(creds: JoinCredentials, name: string, ip: string, template?: ResolvedNodeTemplate): Promise<SimNode> {
    const o = this.o;
    const token = await simNodeToken(o.server, creds, name);
    const client = this.client(token, `hale-sim/${name}`);
    const node = new SimNode(name, ip, client, o, o.clock, o.log, template, this.client(token, `hale-sim/${name}`, this.heartbeatAgent));
    const obj = await node.register();
    // A node whose heartbeat was stopped (a previous run's annotation) stays silent.
    if (obj.metadata.annotations?.[ANNOTATION_HEARTBEAT] !== 'stopped') await node.takeLease();
    this.nodes.set(name, node);
    return node;
  }

  private client(token: string, userAgent: string, agent = this.agent): HttpClient {
    const c = new HttpClient({ server: this.o.server, token, caPem: '', userAgent, ...(agent ? { agent } : {}) });
    this.clients.push(c);
    return c;
  }

  private onNode(n: KObject): void {
    const node = this.nodes.get(n.metadata.name ?? '');
    if (!node) return;
    const hadIps = !!node.ips;
    node.setPodCidr((n.spec as { podCIDR?: string } | undefined)?.podCIDR);
    const stopped = n.metadata.annotations?.[ANNOTATION_HEARTBEAT] === 'stopped';
    if (stopped && node.alive) {
      node.stopHeartbeat();
      this.driver?.reconsiderNode(node.name);
    } else if (!stopped && !node.alive) {
      node.startHeartbeat(0);
      this.driver?.reconsiderNode(node.name);
    } else if (!hadIps && node.ips) this.driver?.reconsiderNode(node.name);
    node.observe(n);
  }

  private onNodeDeleted(n: KObject): void {
    const node = this.nodes.get(n.metadata.name ?? '');
    if (!node) return;
    // A deleted Node is gone for good: the sim does not re-register it (a removed machine).
    node.stopHeartbeat();
    this.nodes.delete(node.name);
    this.driver?.reconsiderNode(node.name);
    this.o.log.info({ node: node.name }, 'simulated node deleted; forgotten');
  }

  private async annotateNode(name: string, value: string | null): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`${name} is not a node of this sim`);
    await node.api.patch(NODES, '', name, 'merge', { metadata: { annotations: { [ANNOTATION_HEARTBEAT]: value } } });
  }

  /** Stops the heartbeat of `names` (through the annotation, so the state is visible in the API). */
  async stopHeartbeat(names: readonly string[]): Promise<void> {
    await eachLimited(names, 16, (n) => this.annotateNode(n, 'stopped'));
  }

  async resumeHeartbeat(names: readonly string[]): Promise<void> {
    await eachLimited(names, 16, (n) => this.annotateNode(n, null));
  }

  /**
   * Crashes `fraction` of the running pods on this sim's nodes (optionally only those `filter` accepts):
   * each chosen pod is annotated sim.hale.dev/crash=true. Returns the keys chosen.
   */
  async crashPods(fraction: number, filter: (pod: KObject) => boolean = () => true, random: () => number = Math.random): Promise<string[]> {
    if (!(fraction >= 0 && fraction <= 1)) throw new Error(`fraction ${fraction}: expected 0…1`);
    const running = [...this.pods.items.values()].filter((p) => this.nodes.has(String((p.spec as { nodeName?: unknown }).nodeName)) && (p.status as { phase?: string } | undefined)?.phase === 'Running' && filter(p));
    const chosen = running.filter(() => random() < fraction);
    const limit = new WriteLimit(this.o.writeConcurrency);
    await Promise.all(
      chosen.map((p) =>
        limit.run(async () => {
          const node = this.nodes.get(String((p.spec as { nodeName?: unknown }).nodeName));
          try {
            await node?.api.patch(PODS, p.metadata.namespace ?? '', p.metadata.name ?? '', 'merge', { metadata: { annotations: { [ANNOTATION_CRASH]: 'true' } } });
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
          }
        }),
      ),
    );
    return chosen.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
  }

  /**
   * Registers nodes with their own labels, taints and capacity and starts
   * their heartbeats; resolves once every Node is registered. A name the sim
   * already runs is left as it is.
   */
  async addNodes(nodes: readonly AddedNode[]): Promise<void> {
    if (!this.creds || !this.driver) throw new Error('the sim is not started');
    const creds = this.creds;
    await eachLimited(nodes, 16, async (req) => {
      const pending = this.adding.get(req.name);
      if (pending) return pending;
      if (this.nodes.has(req.name)) return;
      const p = this.addOne(creds, req).finally(() => this.adding.delete(req.name));
      this.adding.set(req.name, p);
      return p;
    });
  }

  private async addOne(creds: JoinCredentials, req: AddedNode): Promise<void> {
    const o = this.o;
    const errs = isDNS1123Subdomain(req.name);
    if (errs.length) throw new Error(`node name ${JSON.stringify(req.name)}: ${errs.join('; ')}`);
    const template = templateFromRequest(req, o.node);
    const node = await this.registerNode(creds, req.name, simNodeIpByName(req.name), template);
    node.startHeartbeat(0);
    // The informer may have seen the Node before it was ours: catch up (pod CIDR, heartbeat annotation).
    const seen = this.nodeInformer?.get(req.name);
    if (seen) this.onNode(seen);
    o.log.info({ node: req.name }, 'simulated node added');
  }

  /** Stops the heartbeats of `names` and forgets them (unknown names are ignored); their Nodes stay. */
  removeNodes(names: readonly string[]): void {
    for (const name of names) {
      const node = this.nodes.get(name);
      if (!node) continue;
      node.stopHeartbeat();
      this.nodes.delete(name);
      this.driver?.reconsiderNode(name);
      void node.recorder.flush();
      this.o.log.info({ node: name }, 'simulated node removed');
    }
  }

  /** Deletes this sim's Node objects (their pods are then garbage of the control plane). */
  async deleteNodes(): Promise<void> {
    const nodes = [...this.nodes.values()];
    for (const n of nodes) n.stopHeartbeat();
    await eachLimited(nodes, 16, async (n) => {
      try {
        await n.api.delete(NODES, '', n.name);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    });
  }

  /** Stops heartbeats, watches and timers; the Nodes stay (they go NotReady, then Unknown, as a stopped KWOK's do). */
  async stop(): Promise<void> {
    for (const n of this.nodes.values()) n.stopHeartbeat();
    this.driver?.stop();
    this.abort.abort();
    await Promise.allSettled(this.runs);
    await Promise.allSettled([...this.nodes.values()].map((n) => n.recorder.flush()));
    for (const c of this.clients) c.close();
    this.agent?.destroy();
    this.heartbeatAgent?.destroy();
  }
}
