// The pod network sandbox of the `process` runtime as root: each pod gets a
// named network namespace (`<netnsPrefix><podUid>` under /run/netns), wired
// by the standard CNI plugins — bridge (the node's bridge, gateway = first
// address of the pod CIDR, no masquerade: pods talk to pods and to the node),
// host-local IPAM over the node's pod CIDR, portmap (only for pods with host
// ports), loopback.
//
// Invariants:
// - everything this instance touches is named by its options: the bridge,
//   the netns prefix and the state dir (host-local's dataDir and the cached
//   ADD results). Several instances (local nodes, other hales) coexist on one
//   host as long as those differ; nothing ever goes to /var/lib/cni.
// - a pod's record (stateDir/pods/<uid>.json; pool/<id>.json for a warm
//   pool entry, see pod-records.ts) is written before its netns is created
//   and removed after its netns is gone, so a crash at any point leaves a
//   record: `list()` after a restart finds every pod to re-adopt or
//   garbage-collect, and `teardown()` of a half-made pod finishes the job.
// - a netns under our prefix without a record is someone else's (or from a
//   wiped state dir): `setup` refuses to take it over, `list` flags it.
// - operations on one pod are serialised (CNI forbids concurrent ADD/DEL for
//   one container); different pods proceed in parallel (host-local locks its
//   own store).
// - `setup` is idempotent for a complete pod; a failed `setup` cleans up
//   after itself; `teardown` is idempotent and tolerates a vanished netns.
// - the constructor does no I/O; plugin presence, CNI version and the bridge
//   are checked on first use.
// - warm pool (`startPool`, warm-pool.ts): up to `poolSize` complete
//   sandboxes made ahead under `<netnsPrefix>_<poolId>` (CNI container id
//   `<poolId>`, record pool/<poolId>.json). `setup` without host ports takes
//   one by renaming its record to pods/<podUid>.json (same netns, same
//   container id, so teardown works from the record as for any pod): a crash
//   leaves the record in exactly one place. A pool record whose netns a pod
//   record names is dropped, never torn down. `destroy` removes pool entries
//   like pods; a plain stop leaves them for the next start, which re-adopts
//   those still complete and made with the same network configuration.
//
// Host-wide effects to know about: the bridge plugin (isGateway) sets
// net.ipv4.ip_forward=1 on every ADD, which cross-bridge pod traffic (other
// local nodes' pods, through host routes) needs anyway; the bridge stays
// after the last pod (delete it with `destroy()`); portmap creates shared
// CNI-HOSTPORT-* nat chains that stay. With br_netfilter loaded
// (bridge-nf-call-iptables=1), even pod-to-pod traffic on one bridge crosses
// the iptables FORWARD chain: a DROP policy there (Docker sets one) cuts pods
// off from each other unless the bridge is accepted.

import { inBackground } from './background.js';
import { createHash, randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { silentLogger, type Logger } from '../../../../lib/log/log.js';
import { formatIpv4, gatewayOf, parseCidr, parseIpv4 } from './cidr.js';
import {
  CniPluginMissingError,
  addNetworkList,
  assertPluginsPresent,
  checkNetworkList,
  delNetworkList,
  pluginVersions,
  type CniResult,
  type CniRuntimeConf,
  type NetworkConfList,
  type PluginConf,
} from './cni.js';
import { findIp, runIp, runIpJson } from './ip-command.js';
import { addNetns, assertNetnsName, deleteNetns, listNetns, netnsExists, netnsPath, netnsState } from './netns.js';
import { RecordStore, type PodRecord, type PortMapping, type RecordKind } from './pod-records.js';
import { findExecutable, isExecutableFile } from './run-command.js';
import { WarmPool } from './warm-pool.js';

export type { PortMapping } from './pod-records.js';

export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';
/** Highest first: the conflist uses the first version every plugin supports. */
const CNI_VERSIONS = ['1.0.0', '0.4.0'];
const BASE_PLUGINS = ['bridge', 'host-local', 'loopback'];

export interface PodNetworkOptions {
  /** where the CNI plugin binaries are; default /usr/lib/cni (Debian's containernetworking-plugins) */
  cniBinDir?: string;
  /** absolute; holds host-local's dataDir (ipam/) and the pod records with cached results (pods/) */
  stateDir: string;
  /** the node's bridge, e.g. hale0 (at most 15 characters) */
  bridge: string;
  /** the node's pod CIDR, e.g. 10.42.0.0/24; its first address is the gateway, on the bridge */
  podCidr: string;
  /** prefix of this instance's netns names, e.g. hale-node1- (must not be a prefix of another instance's) */
  netnsPrefix: string;
  /** MTU of the bridge and the veths; default the plugin's (1500) */
  mtu?: number;
  /** let a pod reach itself through a service address (hairpin on the bridge port); default true */
  hairpinMode?: boolean;
  /**
   * Destinations a pod reaches through the gateway (the node). Default
   * ['0.0.0.0/0'], a default route as in Kubernetes. Because there is no
   * masquerade, packets to addresses outside the machine would leave with a
   * pod source address; pass the cluster pod range and the service range
   * instead to keep every pod packet on the machine.
   */
  routes?: string[];
  /** the pod's interface; default eth0 */
  ifName?: string;
  /** per plugin call; default 60 s */
  timeoutMs?: number;
  /** complete sandboxes kept ready for new pods once `startPool()` is called; default 2, 0 disables */
  poolSize?: number;
  /** a refill waits until pod network work has been quiet this long; default 50 ms */
  poolRefillDelayMs?: number;
}

export interface ResolvedPodNetworkOptions {
  cniBinDir: string;
  stateDir: string;
  bridge: string;
  podCidr: string;
  gateway: string;
  netnsPrefix: string;
  mtu: number | undefined;
  hairpinMode: boolean;
  routes: string[];
  ifName: string;
  timeoutMs: number;
  /** the CNI network name: host-local keys its store and portmap its chains by it */
  networkName: string;
  poolSize: number;
  poolRefillDelayMs: number;
}

export interface PodNetworkInfo {
  podUid: string;
  netnsName: string;
  netnsPath: string;
  /** the pod IP, without prefix length */
  ip: string;
  /** prefix length of the pod's address (the pod CIDR's) */
  prefixLength: number;
  gateway: string;
  /** the interface inside the pod (eth0) */
  interface: string;
  mac?: string;
  /** the host end of the veth pair, attached to the bridge */
  hostVeth?: string;
}

export interface PodNetworkEntry {
  podUid: string;
  netnsName: string;
  netnsPath: string;
  /** a live namespace is mounted at netnsPath (false for a stale name: see netns.ts) */
  netns: boolean;
  /** this instance's state dir has a record of it (it is ours) */
  recorded: boolean;
  /** recorded and the ADD completed */
  ip?: string;
}

export type PodNetworkAvailability = { ok: true; hostPortsWhyNot?: string } | { ok: false; why: string };

export class PodNetworkError extends Error {
  constructor(
    readonly podUid: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(podUid ? `pod ${podUid}: ${message}` : message, options);
    this.name = 'PodNetworkError';
  }
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function resolvePodNetworkOptions(o: PodNetworkOptions): ResolvedPodNetworkOptions {
  if (!isAbsolute(o.stateDir)) throw new PodNetworkError(undefined, `stateDir must be absolute, got ${o.stateDir}`);
  const stateDir = resolve(o.stateDir);
  if (stateDir === '/var/lib/cni' || stateDir.startsWith('/var/lib/cni/')) {
    throw new PodNetworkError(undefined, 'stateDir must not be under /var/lib/cni (shared with every other CNI user on the host)');
  }
  if (!SAFE_NAME.test(o.bridge) || o.bridge.length > 15) {
    throw new PodNetworkError(undefined, `bridge ${JSON.stringify(o.bridge)}: 1-15 characters of [A-Za-z0-9_.-]`);
  }
  if (!SAFE_NAME.test(o.netnsPrefix) || o.netnsPrefix.length > 64) {
    throw new PodNetworkError(undefined, `netnsPrefix ${JSON.stringify(o.netnsPrefix)}: 1-64 characters of [A-Za-z0-9_.-]`);
  }
  const cidr = parseCidr(o.podCidr);
  if (cidr.prefix > 29) throw new PodNetworkError(undefined, `podCidr ${o.podCidr} is too small (at most /29)`);
  const routes = (o.routes ?? ['0.0.0.0/0']).map((r) => {
    parseCidr(r);
    return r;
  });
  if (o.mtu !== undefined && (!Number.isInteger(o.mtu) || o.mtu < 576 || o.mtu > 65535)) {
    throw new PodNetworkError(undefined, `mtu ${o.mtu} outside 576..65535`);
  }
  const ifName = o.ifName ?? 'eth0';
  if (!SAFE_NAME.test(ifName) || ifName.length > 15) throw new PodNetworkError(undefined, `ifName ${ifName}: 1-15 safe characters`);
  const poolSize = o.poolSize ?? 2;
  if (!Number.isInteger(poolSize) || poolSize < 0 || poolSize > 64) throw new PodNetworkError(undefined, `poolSize ${poolSize} outside 0..64`);
  const poolRefillDelayMs = o.poolRefillDelayMs ?? 50;
  if (!(poolRefillDelayMs >= 0)) throw new PodNetworkError(undefined, `poolRefillDelayMs ${poolRefillDelayMs} must be >= 0`);
  return {
    cniBinDir: o.cniBinDir ?? DEFAULT_CNI_BIN_DIR,
    stateDir,
    bridge: o.bridge,
    podCidr: o.podCidr,
    gateway: formatIpv4(gatewayOf(cidr)),
    netnsPrefix: o.netnsPrefix,
    mtu: o.mtu,
    hairpinMode: o.hairpinMode ?? true,
    routes,
    ifName,
    timeoutMs: o.timeoutMs ?? 60_000,
    networkName: `hale-${o.bridge}`,
    poolSize,
    poolRefillDelayMs,
  };
}

/** The conflist for one pod (pure; exported for tests and for `hale` diagnostics). */
export function podConfList(
  o: ResolvedPodNetworkOptions,
  opts: { cniVersion: string; portMappings: boolean },
): NetworkConfList {
  const bridge: PluginConf = {
    type: 'bridge',
    bridge: o.bridge,
    isGateway: true,
    isDefaultGateway: false,
    ipMasq: false,
    hairpinMode: o.hairpinMode,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: o.podCidr, gateway: o.gateway }]],
      routes: o.routes.map((dst) => ({ dst, gw: o.gateway })),
      dataDir: join(o.stateDir, 'ipam'),
    },
  };
  if (o.mtu !== undefined) bridge.mtu = o.mtu;
  const plugins: PluginConf[] = [bridge];
  if (opts.portMappings) plugins.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
  plugins.push({ type: 'loopback' });
  return { cniVersion: opts.cniVersion, name: o.networkName, plugins };
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function podUidCheck(podUid: string): void {
  if (!SAFE_NAME.test(podUid) || podUid.length > 128) {
    throw new PodNetworkError(podUid, 'pod uid must be 1-128 characters of [A-Za-z0-9_.-] (it is the CNI container id)');
  }
}

/**
 * The list to DEL on teardown. loopback's DEL only sets `lo` down inside the
 * netns, which is deleted right after (and with no netns it does nothing):
 * skipping it saves a plugin run (~20 ms here, a fifth of a teardown) and
 * changes nothing outside the pod. Every other plugin gets its DEL.
 */
function withoutLoopback(list: NetworkConfList): NetworkConfList {
  return { ...list, plugins: list.plugins.filter((p) => p.type !== 'loopback') };
}

/** Lock key of a pool entry: pod uids never contain a slash. */
const poolKey = (poolId: string): string => `pool/${poolId}`;

export class PodNetwork {
  readonly options: ResolvedPodNetworkOptions;
  private cniVersion: string | undefined;
  private bridgeChecked = false;
  private readonly locks = new Map<string, Promise<void>>();
  private readonly records: RecordStore;
  private pool: WarmPool | undefined;
  private log: Logger = silentLogger();
  /** setups and teardowns of pods in flight: a refill waits for them */
  private podOps = 0;

  constructor(options: PodNetworkOptions) {
    this.options = resolvePodNetworkOptions(options);
    this.records = new RecordStore(this.options.stateDir);
  }

  /**
   * Whether pod network sandboxes can work here: root, the CNI plugins, `ip`.
   * Host ports additionally need portmap and iptables; their absence is
   * reported in `hostPortsWhyNot` without failing the check.
   */
  static available(opts: { cniBinDir?: string } = {}): PodNetworkAvailability {
    const binDir = opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR;
    if (!isRoot()) return { ok: false, why: 'not running as root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)' };
    if (!findIp()) return { ok: false, why: 'iproute2 `ip` not found (Debian package iproute2)' };
    try {
      assertPluginsPresent(BASE_PLUGINS, binDir);
    } catch (err) {
      if (err instanceof CniPluginMissingError) return { ok: false, why: err.message };
      throw err;
    }
    if (!isExecutableFile(join(binDir, 'portmap'))) {
      return { ok: true, hostPortsWhyNot: `CNI plugin portmap not found in ${binDir} (Debian package containernetworking-plugins)` };
    }
    if (!findExecutable('iptables')) return { ok: true, hostPortsWhyNot: 'iptables not found (Debian package iptables); portmap needs it' };
    return { ok: true };
  }

  netnsName(podUid: string): string {
    return `${this.options.netnsPrefix}${podUid}`;
  }

  /**
   * Starts the warm pool (no-op when poolSize is 0 or it runs already): in
   * the background, re-adopt or clean up what the last run left, then fill it.
   * Only one PodNetwork per state dir may run a pool (the node agent's).
   */
  startPool(opts: { log?: Logger } = {}): void {
    if (opts.log) this.log = opts.log.child({ component: 'pod-network', bridge: this.options.bridge });
    if (this.options.poolSize === 0) return;
    this.pool ??= new WarmPool({
      size: this.options.poolSize,
      refillDelayMs: this.options.poolRefillDelayMs,
      maxQuietWaitMs: 2000,
      log: this.log,
      load: () => this.loadPool(),
      build: () => this.buildPoolEntry(),
      discard: (rec) => this.discardPoolEntry(rec.podUid),
      busy: () => this.podOps > 0,
    });
    this.pool.schedule();
  }

  /** Stops refilling and waits for the entry being made; the entries stay (for the next start or `destroy`). */
  async stopPool(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /** Resolves once the pool is not refilling (tests, benchmarks). */
  async poolIdle(): Promise<void> {
    await this.pool?.idle();
  }

  /** Pool entries ready to be claimed right now. */
  get poolAvailable(): number {
    return this.pool?.available ?? 0;
  }

  /**
   * Create the network sandbox of a pod, or return it when it is complete
   * already (its port mappings are those of the first setup, as in CRI). A
   * half-made one, or one whose netns vanished, is torn down and made again:
   * the IP may change, so a caller re-adopting a running pod should treat a
   * changed IP as a lost sandbox. Without port mappings a warm pool entry is
   * taken when one is ready (then the netns is not named after the pod: use
   * the returned netnsName/netnsPath).
   */
  setup(podUid: string, opts: { portMappings?: PortMapping[] } = {}): Promise<PodNetworkInfo> {
    podUidCheck(podUid);
    return this.podOp(podUid, () => this.setupLocked(podUid, opts.portMappings ?? []));
  }

  /** CNI DEL, then delete the netns and the record. Idempotent; a missing netns is fine. */
  async teardown(podUid: string): Promise<void> {
    podUidCheck(podUid);
    await inBackground(() => this.podOp(podUid, () => this.teardownLocked(podUid)));
    // An address came free: a pool whose refill failed (exhausted range) may succeed now.
    this.pool?.schedule();
  }

  /** The pod's IP, when its netns and its completed ADD result both still exist. */
  async status(podUid: string): Promise<string | undefined> {
    return (await this.inspect(podUid))?.ip;
  }

  /** Everything known about a complete pod sandbox, or undefined. */
  async inspect(podUid: string): Promise<PodNetworkInfo | undefined> {
    podUidCheck(podUid);
    const rec = await this.records.read('pods', podUid);
    if (!rec?.result || !(await netnsExists(rec.netnsName))) return undefined;
    return this.infoOf(rec, rec.result);
  }

  /**
   * CNI CHECK of a complete pod: bridge and loopback verify the interface,
   * address and routes are as ADD left them (portmap's rules are not
   * checked). Use when re-adopting after a restart; throws CniError or
   * PodNetworkError when the sandbox is damaged.
   */
  check(podUid: string): Promise<void> {
    podUidCheck(podUid);
    return this.withLock(podUid, async () => {
      const rec = await this.records.read('pods', podUid);
      if (!rec?.result) throw new PodNetworkError(podUid, 'no completed network setup recorded');
      if (!(await netnsExists(rec.netnsName))) throw new PodNetworkError(podUid, `netns ${rec.netnsName} is gone`);
      // portmap is left out: its CHECK (plugins 1.1.x) demands ip6tables chains that
      // its ADD never made for an IPv4-only pod (containernetworking/plugins#819).
      const list = podConfList(this.options, { cniVersion: rec.cniVersion, portMappings: false });
      await checkNetworkList(list, this.runtimeConf(rec, netnsPath(rec.netnsName)), {
        binDir: this.options.cniBinDir,
        timeoutMs: this.options.timeoutMs,
        prevResult: rec.result,
      });
    });
  }

  /**
   * Pod sandboxes under this instance's prefix or in its state dir, for
   * re-adoption or garbage collection after a restart. `recorded: false`
   * entries match the prefix only: not ours to delete unless the caller knows
   * better (another instance with an overlapping prefix, or a wiped state dir).
   * Warm pool entries are not pods and are not listed.
   */
  async list(): Promise<PodNetworkEntry[]> {
    const byUid = new Map<string, PodNetworkEntry>();
    const names = await listNetns(this.options.netnsPrefix);
    const pool = await this.records.all('pool');
    const pods = await this.records.all('pods');
    const recordedNetns = new Set([...pool, ...pods].map((r) => r.rec.netnsName));
    for (const name of names) {
      if (recordedNetns.has(name)) continue;
      const podUid = name.slice(this.options.netnsPrefix.length);
      if (podUid === '') continue;
      byUid.set(podUid, { podUid, netnsName: name, netnsPath: netnsPath(name), netns: await netnsExists(name), recorded: false });
    }
    for (const { id: podUid, rec } of pods) {
      const entry: PodNetworkEntry = { podUid, netnsName: rec.netnsName, netnsPath: netnsPath(rec.netnsName), netns: await netnsExists(rec.netnsName), recorded: true };
      if (rec.result) entry.ip = this.infoOf(rec, rec.result).ip;
      byUid.set(podUid, entry);
    }
    return [...byUid.values()].sort((a, b) => a.podUid.localeCompare(b.podUid));
  }

  /**
   * For node removal / `hale down`: stop the pool, tear down every pod and
   * every pool entry this instance recorded, then delete the bridge — unless
   * ports from elsewhere are still attached to it (another instance
   * misconfigured onto the same bridge), in which case it is left and a
   * PodNetworkError says so.
   */
  async destroy(): Promise<void> {
    await this.stopPool();
    for (const e of await this.list()) if (e.recorded) await this.teardown(e.podUid);
    for (const rec of await this.loadPool()) await this.discardPoolEntry(rec.podUid);
    if (!(await this.bridgeExists())) return;
    const ports = await runIpJson<{ ifname: string }>(['link', 'show', 'master', this.options.bridge]);
    if (ports.length > 0) {
      throw new PodNetworkError(undefined, `bridge ${this.options.bridge} still has ports ${ports.map((p) => p.ifname).join(', ')}; not deleting it`);
    }
    await runIp(['link', 'delete', this.options.bridge, 'type', 'bridge']);
    this.bridgeChecked = false;
  }

  // ---- internals ----

  private async podOp<T>(podUid: string, fn: () => Promise<T>): Promise<T> {
    this.podOps++;
    try {
      return await this.withLock(podUid, fn);
    } finally {
      this.podOps--;
    }
  }

  private async setupLocked(podUid: string, portMappings: PortMapping[]): Promise<PodNetworkInfo> {
    const netnsName = this.netnsName(podUid);
    assertNetnsName(netnsName);
    const existing = await this.records.read('pods', podUid);
    if (existing) {
      if (existing.result && (await netnsState(existing.netnsName)) === 'present') return this.infoOf(existing, existing.result);
      // A setup that crashed half-way (or a netns someone deleted): start over.
      await this.teardownRecord('pods', podUid, existing);
    } else {
      const ns = await netnsState(netnsName);
      if (ns !== 'absent') {
        throw new PodNetworkError(
          podUid,
          `netns ${netnsName} exists${ns === 'stale' ? ' (as a name without a namespace mounted on it here)' : ''} but ${this.options.stateDir} has no record of it (another instance with the same netnsPrefix?)`,
        );
      }
    }
    if (portMappings.length === 0) {
      const claimed = await this.claim(podUid);
      if (claimed) return claimed;
    }
    const rec = await this.create('pods', podUid, netnsName, portMappings);
    return this.infoOf(rec, rec.result!);
  }

  /**
   * Takes a ready pool entry for `podUid` (whose lock the caller holds) by
   * moving the entry's record to the pod's, under the entry's lock too: a
   * pool teardown racing it (destroy) finds the record gone and stops.
   */
  private async claim(podUid: string): Promise<PodNetworkInfo | undefined> {
    const pool = this.pool;
    for (let entry = pool?.take(); pool && entry; entry = pool.take()) {
      const poolId = entry.podUid;
      if ((await netnsState(entry.netnsName)) !== 'present' || !entry.result) {
        this.log.warn({ poolId, netns: entry.netnsName }, 'warm pool entry lost its netns; discarding it');
        void this.discardPoolEntry(poolId).catch((err: unknown) =>
          this.log.warn({ poolId, err: err instanceof Error ? err.message : String(err) }, 'discarding a broken warm pool entry failed'),
        );
        continue;
      }
      const info = this.infoOf({ ...entry, podUid }, entry.result);
      try {
        await this.withLock(poolKey(poolId), () => this.records.move('pool', poolId, 'pods', podUid));
      } catch (err) {
        pool.putBack(entry); // a failed rename moved nothing: still complete and recorded in the pool
        throw err;
      }
      pool.schedule();
      return info;
    }
    return undefined;
  }

  /** Makes one pool entry in the background, serialised under its own lock key. */
  private async buildPoolEntry(): Promise<PodRecord> {
    const poolId = `pool-${randomBytes(8).toString('hex')}`;
    const netnsName = `${this.options.netnsPrefix}_${poolId}`;
    assertNetnsName(netnsName);
    return this.withLock(poolKey(poolId), () => this.create('pool', poolId, netnsName, []));
  }

  /** Tears down a pool entry, unless a claim took it meanwhile (its pool record, re-read under its lock, is gone). */
  private discardPoolEntry(poolId: string): Promise<void> {
    return this.withLock(poolKey(poolId), async () => {
      const rec = await this.records.read('pool', poolId);
      if (rec) await this.teardownRecord('pool', poolId, rec);
    });
  }

  /**
   * What the last run left in the pool: a record whose netns a pod record
   * names is the pod's (two records for one netns: only a crash in the middle
   * of a claim made some other way could leave that) and is dropped without
   * teardown; complete entries made with today's network configuration are
   * returned; the others are torn down.
   */
  private async loadPool(): Promise<PodRecord[]> {
    // Pool records first, pod records second: a record moved by a claim in between is then seen as the pod's.
    const pool = await this.records.all('pool');
    if (pool.length === 0) return [];
    const claimed = new Set((await this.records.all('pods')).map((r) => r.rec.netnsName));
    const usable: PodRecord[] = [];
    for (const { id, rec } of pool) {
      if (claimed.has(rec.netnsName)) {
        this.log.info({ poolId: id, netns: rec.netnsName }, 'warm pool record of a netns a pod took before a crash: dropped');
        await this.records.remove('pool', id);
        continue;
      }
      const fresh = rec.podUid === id && rec.containerId === id && rec.confDigest === this.confDigest(rec.cniVersion);
      if (fresh && rec.result && (await netnsState(rec.netnsName)) === 'present') {
        usable.push(rec);
        continue;
      }
      await this.discardPoolEntry(id);
    }
    return usable;
  }

  /** A digest of the conflist a pool entry is made with: entries of another configuration are not reused. */
  private confDigest(cniVersion: string): string {
    const list = podConfList(this.options, { cniVersion, portMappings: false });
    return createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 16);
  }

  /**
   * Record, netns, CNI ADD, record with the result. On failure everything is
   * undone (CNI: after a failed ADD the runtime must DEL) and the ADD's error
   * thrown. Returns the record, its result set.
   */
  private async create(kind: RecordKind, id: string, netnsName: string, portMappings: PortMapping[]): Promise<PodRecord> {
    const o = this.options;
    await this.prepare(portMappings.length > 0);
    const cniVersion = this.cniVersion;
    if (!cniVersion) throw new PodNetworkError(id, 'CNI version not negotiated');
    const rec: PodRecord = {
      version: 1,
      podUid: id,
      netnsName,
      containerId: id,
      ifName: o.ifName,
      networkName: o.networkName,
      cniVersion,
      portMappings: portMappings.map((p) => ({ ...p, protocol: p.protocol.toLowerCase() as PortMapping['protocol'] })),
      createdAt: new Date().toISOString(),
    };
    if (kind === 'pool') rec.confDigest = this.confDigest(cniVersion);
    await this.records.write(kind, id, rec);
    try {
      const path = await addNetns(netnsName);
      const list = podConfList(o, { cniVersion, portMappings: rec.portMappings.length > 0 });
      const result = await addNetworkList(list, this.runtimeConf(rec, path), { binDir: o.cniBinDir, timeoutMs: o.timeoutMs });
      this.infoOf(rec, result); // validates the result before it is cached
      rec.result = result;
      await this.records.write(kind, id, rec);
      return rec;
    } catch (err) {
      // Keep the original error first.
      try {
        await this.teardownRecord(kind, id, rec);
      } catch (cleanupErr) {
        throw new AggregateError([err, cleanupErr], `${kind === 'pool' ? 'warm pool entry' : 'pod'} ${id}: network setup failed and so did its cleanup`);
      }
      throw err;
    }
  }

  private async teardownLocked(podUid: string): Promise<void> {
    const o = this.options;
    const rec = await this.records.read('pods', podUid);
    if (rec) return this.teardownRecord('pods', podUid, rec);
    const netnsName = this.netnsName(podUid);
    const ns = await netnsState(netnsName);
    if (ns === 'absent') return;
    // Unrecorded but explicitly asked for: our prefix, and the caller claims it. Release what the
    // bridge plugin would have made for it (its veth dies with the netns anyway).
    await this.prepare(false);
    const list = podConfList(o, { cniVersion: this.cniVersion ?? CNI_VERSIONS[0]!, portMappings: false });
    await delNetworkList(
      withoutLoopback(list),
      { containerId: podUid, netns: ns === 'present' ? netnsPath(netnsName) : '', ifName: o.ifName },
      { binDir: o.cniBinDir, timeoutMs: o.timeoutMs },
    );
    await deleteNetns(netnsName);
  }

  /** CNI DEL of what `rec` recorded, then its netns, then the record. Idempotent; a vanished netns is fine. */
  private async teardownRecord(kind: RecordKind, id: string, rec: PodRecord): Promise<void> {
    const o = this.options;
    const nsExists = (await netnsState(rec.netnsName)) === 'present';
    const list = podConfList(o, { cniVersion: rec.cniVersion, portMappings: rec.portMappings.length > 0 });
    // Without a netns the plugins still release what lives outside it (the IP, portmap's rules).
    await delNetworkList(withoutLoopback(list), this.runtimeConf(rec, nsExists ? netnsPath(rec.netnsName) : ''), {
      binDir: o.cniBinDir,
      timeoutMs: o.timeoutMs,
      ...(rec.result ? { prevResult: rec.result } : {}),
    });
    if (!nsExists && rec.result) await this.removeStrayVeth(rec.result);
    await deleteNetns(rec.netnsName);
    await this.records.remove(kind, id);
  }

  /**
   * The netns lost its name while a process still holds the namespace (it was
   * deleted by hand, or a container outlived its pod): the plugins could not
   * reach eth0, so the veth pair would stay on our bridge. Delete its host end
   * (which takes the pair), but only while it is still a port of our bridge.
   */
  private async removeStrayVeth(result: CniResult): Promise<void> {
    const bridge = this.options.bridge;
    const links = await this.links();
    for (const i of result.interfaces ?? []) {
      if (i.sandbox !== undefined || i.name === bridge) continue;
      if (links.find((l) => l.ifname === i.name)?.master === bridge) await runIp(['link', 'delete', i.name]);
    }
  }

  private runtimeConf(rec: PodRecord, netns: string): CniRuntimeConf {
    const rt: CniRuntimeConf = { containerId: rec.containerId, netns, ifName: rec.ifName };
    if (rec.portMappings.length > 0) rt.capabilityArgs = { portMappings: rec.portMappings };
    return rt;
  }

  /** First-use checks: plugins present, a CNI version they all speak, our bridge not claimed by a foreign CIDR. */
  private async prepare(portMappings: boolean): Promise<void> {
    const o = this.options;
    const plugins = portMappings ? [...BASE_PLUGINS, 'portmap'] : BASE_PLUGINS;
    assertPluginsPresent(plugins, o.cniBinDir);
    if (portMappings && !findExecutable('iptables')) {
      throw new PodNetworkError(undefined, 'host ports need iptables (Debian package iptables) for the portmap plugin');
    }
    if (!this.cniVersion) {
      const all = [...BASE_PLUGINS, 'portmap'].filter((t) => isExecutableFile(join(o.cniBinDir, t)));
      const supported = await Promise.all(all.map((t) => pluginVersions(t, { binDir: o.cniBinDir, timeoutMs: o.timeoutMs })));
      const v = CNI_VERSIONS.find((cand) => supported.every((s) => s.supportedVersions.includes(cand)));
      if (!v) {
        throw new PodNetworkError(undefined, `the CNI plugins in ${o.cniBinDir} support none of CNI ${CNI_VERSIONS.join(', ')}; upgrade containernetworking-plugins`);
      }
      this.cniVersion = v;
    }
    if (!this.bridgeChecked) {
      await this.checkBridge();
      this.bridgeChecked = true;
    }
  }

  /** Refuse a bridge that already carries an address outside our pod CIDR: it belongs to someone else. */
  private async checkBridge(): Promise<void> {
    const o = this.options;
    if (!(await this.bridgeExists())) return;
    const rows = await runIpJson<{ addr_info?: { family: string; local: string; prefixlen: number }[] }>(['-4', 'addr', 'show', 'dev', o.bridge]);
    const cidr = parseCidr(o.podCidr);
    for (const a of rows.flatMap((r) => r.addr_info ?? [])) {
      if (a.family !== 'inet') continue;
      if (a.local !== o.gateway || a.prefixlen !== cidr.prefix) {
        throw new PodNetworkError(undefined, `bridge ${o.bridge} already has address ${a.local}/${a.prefixlen}, not ${o.gateway}/${cidr.prefix}: is another hale using it?`);
      }
    }
  }

  private async bridgeExists(): Promise<boolean> {
    return (await this.links()).some((l) => l.ifname === this.options.bridge);
  }

  /**
   * The links of the caller's netns, from `ip` rather than /sys/class/net:
   * sysfs shows the netns of whoever mounted it, which for an agent entered
   * into a node's netns with `nsenter --net` is still the host's.
   */
  private links(): Promise<{ ifname: string; master?: string }[]> {
    return runIpJson<{ ifname: string; master?: string }>(['link', 'show']);
  }

  private infoOf(rec: PodRecord, result: CniResult): PodNetworkInfo {
    const ifaces = result.interfaces ?? [];
    const podIfIndex = ifaces.findIndex((i) => i.sandbox !== undefined && i.name === rec.ifName);
    const ipCfg = (result.ips ?? []).find((c) => c.address.includes('.') && (podIfIndex < 0 || c.interface === undefined || c.interface === podIfIndex));
    if (!ipCfg) throw new PodNetworkError(rec.podUid, `CNI result has no IPv4 address: ${JSON.stringify(result)}`);
    const [ip, len] = ipCfg.address.split('/');
    if (!ip || !len) throw new PodNetworkError(rec.podUid, `CNI result address ${ipCfg.address} is not a CIDR`);
    parseIpv4(ip);
    const info: PodNetworkInfo = {
      podUid: rec.podUid,
      netnsName: rec.netnsName,
      netnsPath: netnsPath(rec.netnsName),
      ip,
      prefixLength: Number(len),
      gateway: ipCfg.gateway ?? this.options.gateway,
      interface: rec.ifName,
    };
    const podIf = ifaces[podIfIndex];
    if (podIf?.mac) info.mac = podIf.mac;
    const veth = ifaces.find((i) => i.sandbox === undefined && i.name !== this.options.bridge);
    if (veth) info.hostVeth = veth.name;
    return info;
  }

  /** Runs `fn` after every earlier operation on `key` has finished (one pod at a time, pods in parallel). */
  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = prev.then(() => mine);
    this.locks.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}
