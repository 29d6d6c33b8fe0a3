// The `process` runtime: containers are host processes, each held by a
// hale-supervisor (C) that outlives the agent. As root, a pod sandbox is a
// network namespace wired by the CNI plugins from the node's pod CIDR, and
// each container gets PID, mount and UTS namespaces, a private root
// filesystem and cgroup limits. Without root, pods share the host's network
// and filesystem and get a loopback pod IP each.
//
// State lives under `root`: sandboxes/<id>.json and containers/<id>/
// (config.json written before start, the supervisor's `state` file after),
// which is all `recover()` needs to adopt running containers after an agent
// restart and to report the exits it missed. In isolated mode `recover()`
// also starts the pod network's warm pool (sandboxes made ahead, so a new
// pod's `runPodSandbox` is a few file operations) and `close()` stops
// refilling it; its entries stay for the next start or `hale down`.
//
// Fencing: a container started with `fence` gets containers/<id>/deadline
// written before its supervisor starts (so it never runs without one), and
// `setFenceDeadline` rewrites it for every running fenced container and
// wakes the supervisor (SIGHUP). Deadline writes are serialized, so an older
// deadline never lands after a newer one.

import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../../../lib/clock/clock.js';
import type { Logger } from '../../../lib/log/log.js';
import { FENCED_MESSAGE, FENCED_REASON, type ContainerConfig, type ContainerInfo, type ExecResult, type Runtime, type SandboxConfig, type SandboxInfo } from '../runtime.js';
import { createCgroup, removeCgroup, type ContainerCgroup } from './cgroups.js';
import { HostIpam } from './host-ipam.js';
import { hostsFileContent, rootfsMounts } from './rootfs.js';
import { renderResolvConf } from '../../../dns/resolv-conf.js';
import { execIn } from './supervision/exec.js';
import type { SupervisorSpec } from './supervision/spec.js';
import { isExit, readState, signalKill, signalStop, startSupervised, watchExit, writeDeadline, StartError, type ExitState } from './supervision/supervisor.js';

export interface PodNetworkLike {
  setup(podUid: string): Promise<{ ip: string; netnsPath: string }>;
  teardown(podUid: string): Promise<void>;
  /** starts keeping sandboxes ready ahead of pods (PodNetwork's warm pool); called by `recover()` */
  startPool?(opts: { log?: Logger }): void;
  /** stops refilling the pool (its entries stay for the next start); called by `close()` */
  stopPool?(): Promise<void>;
}

export interface ProcessRuntimeOptions {
  root: string;
  /** scope of this agent's cgroups: the node name */
  scope: string;
  podCidr: string;
  /** `isolated` needs root and the CNI plugins; `host` is the no-root fallback */
  mode: 'isolated' | 'host';
  network?: PodNetworkLike;
  supervisorBinary: string;
  /** the node's IP: the pod IP of hostNetwork pods */
  nodeIp: string;
  clock: Clock;
  log: Logger;
  logMaxBytes?: number;
  logMaxFiles?: number;
  cgroups?: boolean;
}

interface SandboxRecord extends SandboxInfo {
  namespace: string;
  name: string;
  hostname: string;
  hostNetwork: boolean;
  /** the sandbox dir holds the pod's own resolv.conf */
  ownResolvConf?: boolean;
}

interface ContainerRecord {
  info: ContainerInfo;
  supervisorPid?: number;
  hostname: string;
  cgroupDirs: string[];
  /** the container's environment and user, for exec (probes, preStop hooks) */
  env: [string, string][];
  uid?: number;
  gid?: number;
  /** killed by its supervisor at the node's fencing deadline */
  fence?: boolean;
  waiter?: Promise<void>;
}

const newId = (): string => randomBytes(32).toString('hex');

async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, path);
}

function reviveInfo(raw: ContainerInfo): ContainerInfo {
  const info = { ...raw };
  info.createdAt = new Date(raw.createdAt);
  if (raw.startedAt) info.startedAt = new Date(raw.startedAt);
  if (raw.finishedAt) info.finishedAt = new Date(raw.finishedAt);
  return info;
}

export class ProcessRuntime implements Runtime {
  readonly name = 'process';
  private readonly opts: ProcessRuntimeOptions;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly listeners: ((c: ContainerInfo) => void)[] = [];
  private readonly ipam: HostIpam;
  private closed = false;
  /** the node's fencing deadline (CLOCK_MONOTONIC ns) as last set */
  private fenceDeadlineNs: bigint | undefined;
  /** deadline writes to running supervisors, one at a time */
  private fenceWrites: Promise<void> = Promise.resolve();

  constructor(opts: ProcessRuntimeOptions) {
    this.opts = opts;
    this.ipam = new HostIpam(join(opts.root, 'ipam'), opts.podCidr);
  }

  private sandboxDir(id: string): string {
    return join(this.opts.root, 'sandboxes', id);
  }

  private containerDir(id: string): string {
    return join(this.opts.root, 'containers', id);
  }

  async recover(): Promise<void> {
    await mkdir(join(this.opts.root, 'sandboxes'), { recursive: true });
    await mkdir(join(this.opts.root, 'containers'), { recursive: true });
    for (const id of await readdir(join(this.opts.root, 'sandboxes'))) {
      try {
        const raw = JSON.parse(await readFile(join(this.sandboxDir(id), 'sandbox.json'), 'utf8')) as SandboxRecord;
        raw.createdAt = new Date(raw.createdAt);
        this.sandboxes.set(raw.id, raw);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        // A sandbox dir without its record was never finished: nothing runs in it.
        await rm(this.sandboxDir(id), { recursive: true, force: true });
      }
    }
    for (const id of await readdir(join(this.opts.root, 'containers'))) {
      const dir = this.containerDir(id);
      let rec: ContainerRecord;
      try {
        rec = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ContainerRecord;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      rec.info = reviveInfo(rec.info);
      this.containers.set(id, rec);
      if (rec.info.state === 'exited') continue;
      const state = await readState(dir);
      if (isExit(state)) {
        // It exited while the agent was away: recorded now, reported to listeners once they attach.
        await this.recordExit(rec, state, false);
        queueMicrotask(() => this.emit(rec.info));
      } else if (state && (rec.supervisorPid ?? state.supervisorPid)) {
        // The agent may have died between the supervisor's start and the record's update: the state file knows.
        if (rec.info.state !== 'running') {
          rec.supervisorPid = state.supervisorPid;
          rec.info.state = 'running';
          rec.info.pid = state.pid;
          rec.info.startedAt = state.startedAt;
          await writeJson(join(dir, 'config.json'), rec);
        }
        this.opts.log.info({ container: rec.info.name, pod: rec.info.podUid, pid: rec.info.pid }, 'adopted running container');
        rec.waiter = this.track(rec, watchExit(dir, rec.supervisorPid ?? state.supervisorPid));
      } else {
        // Started but never confirmed: nothing holds it.
        await this.recordExit(rec, { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the agent restarted' }, true);
      }
    }
    if (this.opts.mode === 'isolated') this.opts.network?.startPool?.({ log: this.opts.log });
  }

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxInfo> {
    const existing = [...this.sandboxes.values()].find((s) => s.podUid === cfg.podUid);
    if (existing) return existing;
    const id = newId();
    const dir = this.sandboxDir(id);
    // The dir is made while the network is set up; sandbox.json, written last, marks the sandbox complete
    // (recover() removes a dir without it), so the order of the other files does not matter.
    const [made, net] = await Promise.allSettled([mkdir(dir, { recursive: true }), this.sandboxNetwork(cfg)]);
    if (made.status === 'rejected' || net.status === 'rejected') {
      // The pod worker retries with a new id: leave no dir behind for each failed attempt (a network
      // that was set up stays recorded, and the retry's setup returns it).
      await rm(dir, { recursive: true, force: true });
      throw made.status === 'rejected' ? made.reason : (net as PromiseRejectedResult).reason;
    }
    const { ip, netnsPath } = net.value;
    const hostname = cfg.hostNetwork ? '' : cfg.hostname;
    await Promise.all([
      writeFile(join(dir, 'hosts'), hostsFileContent(ip, cfg.hostname)),
      writeFile(join(dir, 'hostname'), `${cfg.hostname}\n`),
      ...(cfg.dns ? [writeFile(join(dir, 'resolv.conf'), renderResolvConf(cfg.dns))] : []),
    ]);
    const rec: SandboxRecord = { id, podUid: cfg.podUid, ip, createdAt: new Date(this.opts.clock.now()), namespace: cfg.namespace, name: cfg.name, hostname, hostNetwork: cfg.hostNetwork, ...(cfg.dns ? { ownResolvConf: true } : {}) };
    if (netnsPath) rec.netnsPath = netnsPath;
    await writeJson(join(dir, 'sandbox.json'), rec);
    this.sandboxes.set(id, rec);
    return rec;
  }

  private async sandboxNetwork(cfg: SandboxConfig): Promise<{ ip: string; netnsPath?: string }> {
    if (cfg.hostNetwork) return { ip: this.opts.nodeIp };
    if (this.opts.mode === 'isolated' && this.opts.network) {
      const r = await this.opts.network.setup(cfg.podUid);
      return { ip: r.ip, netnsPath: r.netnsPath };
    }
    return { ip: await this.ipam.allocate(cfg.podUid) };
  }

  async removePodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    const running = [...this.containers.values()].filter((c) => c.info.sandboxId === id && c.info.state === 'running');
    await Promise.all(running.map((c) => this.stopContainer(c.info.id, 0)));
    if (!sb.hostNetwork) {
      if (this.opts.mode === 'isolated' && this.opts.network) await this.opts.network.teardown(sb.podUid);
      else await this.ipam.release(sb.podUid);
    }
    await rm(this.sandboxDir(id), { recursive: true, force: true });
    this.sandboxes.delete(id);
  }

  listPodSandboxes(): SandboxInfo[] {
    return [...this.sandboxes.values()];
  }

  async startContainer(sandboxId: string, cfg: ContainerConfig): Promise<ContainerInfo> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new Error(`sandbox ${sandboxId} does not exist`);
    const id = newId();
    const dir = this.containerDir(id);
    await mkdir(dir, { recursive: true });
    await mkdir(dirname(cfg.logPath), { recursive: true });
    const info: ContainerInfo = {
      id,
      sandboxId,
      podUid: sb.podUid,
      name: cfg.name,
      attempt: cfg.attempt,
      image: cfg.image,
      state: 'created',
      createdAt: new Date(this.opts.clock.now()),
      logPath: cfg.logPath,
      labels: cfg.labels,
    };
    const isolated = this.opts.mode === 'isolated';
    let cg: ContainerCgroup | undefined;
    if (isolated && this.opts.cgroups !== false) cg = await createCgroup(this.opts.scope, id, cfg.resources);
    const rec: ContainerRecord = { info, hostname: sb.hostname, cgroupDirs: cg?.dirs ?? [], env: cfg.env };
    if (cfg.runAsUser !== undefined) rec.uid = cfg.runAsUser;
    if (cfg.runAsGroup !== undefined) rec.gid = cfg.runAsGroup;
    if (cfg.fence) rec.fence = true;
    this.containers.set(id, rec);
    await writeJson(join(dir, 'config.json'), rec);

    const env = [...cfg.env];
    if (!isolated) {
      // Without a private filesystem each volume is reachable at its host path, named in the environment.
      for (const m of cfg.mounts) env.push([`HALE_MOUNT_${m.containerPath.replace(/[^A-Za-z0-9]/g, '_').replace(/^_+/, '').toUpperCase()}`, m.hostPath]);
    }
    const spec: SupervisorSpec = {
      dir,
      argv: cfg.argv,
      env,
      logPath: cfg.logPath,
      ...(this.opts.logMaxBytes ? { logMaxBytes: this.opts.logMaxBytes } : {}),
      ...(this.opts.logMaxFiles ? { logMaxFiles: this.opts.logMaxFiles } : {}),
      ...(cfg.fence ? { fence: true } : {}),
    };
    if (cfg.workingDir) spec.cwd = cfg.workingDir;
    if (isolated) {
      spec.pidNamespace = true;
      spec.rootfs = join(dir, 'rootfs');
      await mkdir(spec.rootfs, { recursive: true });
      spec.mounts = rootfsMounts({ mounts: cfg.mounts, hostsFile: join(this.sandboxDir(sandboxId), 'hosts'), hostnameFile: join(this.sandboxDir(sandboxId), 'hostname'), resolvConf: sb.ownResolvConf ? join(this.sandboxDir(sandboxId), 'resolv.conf') : '/etc/resolv.conf' });
      if (sb.hostname) spec.hostname = sb.hostname;
      if (sb.netnsPath) spec.netnsPath = sb.netnsPath;
      if (cfg.runAsUser !== undefined) spec.uid = cfg.runAsUser;
      if (cfg.runAsGroup !== undefined) spec.gid = cfg.runAsGroup;
      if (cfg.supplementalGroups) spec.groups = cfg.supplementalGroups;
      if (cg) {
        spec.cgroupProcs = cg.procs;
        if (cg.oomControl) spec.oomControl = cg.oomControl;
      }
    } else if (cfg.workingDir === undefined) spec.cwd = process.cwd();

    // The supervisor reads its deadline when it starts: it must be there first.
    const startDeadline = cfg.fence ? await this.writeStartDeadline(dir) : undefined;
    try {
      const started = await startSupervised(spec, { binary: this.opts.supervisorBinary });
      info.state = 'running';
      info.pid = started.pid;
      info.startedAt = started.startedAt;
      rec.supervisorPid = started.supervisorPid;
      await writeJson(join(dir, 'config.json'), rec);
      rec.waiter = this.track(rec, started.exited);
      // A deadline set while the supervisor was starting was not handed to it.
      if (cfg.fence && this.fenceDeadlineNs !== undefined && this.fenceDeadlineNs !== startDeadline) void this.queueDeadlineWrite([rec]);
    } catch (err) {
      if (!(err instanceof StartError)) throw err;
      const now = new Date(this.opts.clock.now());
      info.state = 'exited';
      info.exitCode = 128;
      info.reason = 'StartError';
      info.message = err.message;
      info.startedAt = now;
      info.finishedAt = now;
      await writeJson(join(dir, 'config.json'), rec);
    }
    await this.collectOld(info);
    return { ...info };
  }

  /** Keeps the newest two instances of a container name (the running one and the one `--previous` shows). */
  private async collectOld(info: ContainerInfo): Promise<void> {
    const old = [...this.containers.values()].filter((c) => c.info.podUid === info.podUid && c.info.name === info.name && c.info.attempt < info.attempt - 1 && c.info.state === 'exited');
    for (const c of old) await this.removeContainer(c.info.id);
  }

  /** Records the exit when it comes; a failure to record is logged, never an unhandled rejection. */
  private track(rec: ContainerRecord, exit: Promise<ExitState>): Promise<void> {
    return exit
      .then((s) => this.recordExit(rec, s.lost ? { ...s, reason: 'ContainerStatusUnknown', message: 'The container could not be located when its supervisor ended' } : s, true))
      .catch((err: unknown) => this.opts.log.error({ err: String(err), container: rec.info.id }, 'container exit not recorded'));
  }

  private async recordExit(rec: ContainerRecord, s: Partial<ExitState> & { reason?: string; message?: string }, emit: boolean): Promise<void> {
    if (rec.info.state === 'exited') return;
    const info = rec.info;
    info.state = 'exited';
    info.exitCode = s.exitCode ?? 137;
    info.finishedAt = s.finishedAt ?? new Date(this.opts.clock.now());
    if (s.reason) {
      info.reason = s.reason;
      if (s.message) info.message = s.message;
    } else if (s.startError) {
      info.reason = 'StartError';
      info.message = s.startError;
    } else if (s.fenced) {
      info.reason = FENCED_REASON;
      info.message = FENCED_MESSAGE;
    } else if (s.oomKilled) info.reason = 'OOMKilled';
    else info.reason = info.exitCode === 0 ? 'Completed' : 'Error';
    await writeJson(join(this.containerDir(info.id), 'config.json'), rec).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // removed meanwhile
    });
    await removeCgroup(rec.cgroupDirs);
    if (emit && !this.closed) this.emit(info);
  }

  private emit(info: ContainerInfo): void {
    for (const l of this.listeners) l({ ...info });
  }

  async stopContainer(id: string, graceMs: number): Promise<void> {
    const rec = this.containers.get(id);
    if (!rec || rec.info.state !== 'running' || !rec.supervisorPid) return;
    const waiter = rec.waiter ?? Promise.resolve();
    const dir = this.containerDir(id);
    if (graceMs > 0) {
      await signalStop(rec.supervisorPid, dir);
      const timedOut = await Promise.race([waiter.then(() => false), new Promise<boolean>((r) => this.opts.clock.setTimeout(() => r(true), graceMs))]);
      if (!timedOut) return;
    }
    await signalKill(rec.supervisorPid, dir);
    await waiter;
  }

  async removeContainer(id: string): Promise<void> {
    const rec = this.containers.get(id);
    if (rec?.info.state === 'running') await this.stopContainer(id, 0);
    if (rec) await removeCgroup(rec.cgroupDirs);
    await rm(this.containerDir(id), { recursive: true, force: true });
    this.containers.delete(id);
  }

  listContainers(): ContainerInfo[] {
    return [...this.containers.values()].map((c) => ({ ...c.info }));
  }

  containerStatus(id: string): ContainerInfo | undefined {
    const c = this.containers.get(id);
    return c ? { ...c.info } : undefined;
  }

  isAlive(id: string): boolean {
    const c = this.containers.get(id);
    return c?.info.state === 'running' && c.info.pid !== undefined && processRuns(c.info.pid);
  }

  async exec(id: string, argv: string[], timeoutMs: number): Promise<ExecResult> {
    const rec = this.containers.get(id);
    if (!rec || rec.info.state !== 'running' || !rec.info.pid) return { exitCode: 126, output: `container ${id} is not running`, timedOut: false };
    const r = await execIn({
      binary: this.opts.supervisorBinary,
      pid: rec.info.pid,
      argv,
      env: Object.fromEntries(rec.env),
      timeoutMs,
      ...(rec.uid !== undefined ? { uid: rec.uid } : {}),
      ...(rec.gid !== undefined ? { gid: rec.gid } : {}),
    });
    return { exitCode: r.exitCode, output: Buffer.concat([r.stdout, r.stderr]).toString('utf8'), timedOut: r.timedOut };
  }

  onExit(listener: (c: ContainerInfo) => void): void {
    this.listeners.push(listener);
  }

  setFenceDeadline(monotonicNs: bigint): Promise<void> {
    this.fenceDeadlineNs = monotonicNs;
    return this.queueDeadlineWrite([...this.containers.values()]);
  }

  /** Hands the current deadline to the running fenced containers among `recs`, after the writes queued before; never rejects. */
  private queueDeadlineWrite(recs: ContainerRecord[]): Promise<void> {
    const write = async (): Promise<void> => {
      const ns = this.fenceDeadlineNs;
      if (ns === undefined) return;
      const targets = recs.filter((r) => r.fence && r.info.state === 'running' && r.supervisorPid);
      await Promise.all(
        targets.map((r) =>
          writeDeadline(this.containerDir(r.info.id), r.supervisorPid!, ns).catch((err: NodeJS.ErrnoException) => {
            // Removed meanwhile: nothing left to fence.
            if (err.code === 'ENOENT') return;
            this.opts.log.warn({ err: String(err), container: r.info.id, pod: r.info.podUid }, 'fencing deadline not handed to the supervisor; it keeps the previous one');
          }),
        ),
      );
    };
    // Never rejects: a failed write is logged and the queue goes on (that supervisor keeps an earlier deadline).
    this.fenceWrites = this.fenceWrites.then(write).catch((err: unknown) => this.opts.log.warn({ err: String(err) }, 'fencing deadline write failed'));
    return this.fenceWrites;
  }

  /** The deadline file a fenced container starts with; without a deadline yet, an expired one (fail safe). */
  private async writeStartDeadline(dir: string): Promise<bigint> {
    let ns = this.fenceDeadlineNs;
    if (ns === undefined) {
      this.opts.log.warn({ dir }, 'fenced container started before any fencing deadline was set: it starts with an expired one');
      ns = 1n;
    }
    await writeFile(join(dir, 'deadline.tmp'), ns.toString());
    await rename(join(dir, 'deadline.tmp'), join(dir, 'deadline'));
    return ns;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opts.network?.stopPool?.();
  }
}

/** The process exists and has not exited (a zombie, state Z or X, has exited but is not reaped yet). */
function processRuns(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return false;
    throw err;
  }
  // The state is the first field after the command name, which is in parentheses and may contain anything.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X' && state !== '';
}
