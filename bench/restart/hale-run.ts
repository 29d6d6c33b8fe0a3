// hale's restart path without an API server: the real PodWorker, the real
// ProcessRuntime (one hale-supervisor per container) and the real
// CrashBackoff, wired as src/agent/node-agent.ts wires them (the same
// configure: volumes + buildContainerConfig), with an event recorder and a
// status publisher that go nowhere — the status PATCH and Events are written
// after the new container was started, so they are not on the measured path.
//
// Modes: `host` (no namespaces, the no-root fallback) and `isolated` (root:
// a netns per pod from the CNI plugins on a private bridge, PID/mount/UTS
// namespaces, a private rootfs, cgroups). Everything made here is named for
// this bench (bridge, netns prefix, cgroup scope, a temp dir) and removed by
// close(); nothing of a running hale is touched.
//
// Each measured restart also yields its breakdown, from timestamps of the
// supervisor's state files (CLOCK_REALTIME ns), of the runtime's exit events
// and startContainer calls (a subclass), and of the supervisor launch
// (SpawnProbe).

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KObject } from '../../src/api/object.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { EventRecorder } from '../../src/client/event-recorder.js';
import { buildContainerConfig } from '../../src/agent/pods/container-config.js';
import { PodWorker, type Backoff } from '../../src/agent/pods/pod-worker.js';
import { containerMounts, prepareVolumes } from '../../src/agent/pods/volumes.js';
import type { PodSpec } from '../../src/agent/pods/pod-types.js';
import type { ContainerConfig, ContainerInfo } from '../../src/agent/runtime/runtime.js';
import { removeScope } from '../../src/agent/runtime/process/cgroups.js';
import { PodNetwork } from '../../src/agent/runtime/process/network/pod-network.js';
import { ProcessRuntime, type ProcessRuntimeOptions } from '../../src/agent/runtime/process/process-runtime.js';
import { CrashBackoff } from '../../src/lib/backoff/crash-backoff.js';
import { realClock } from '../../src/lib/clock/clock.js';
import { silentLogger } from '../../src/lib/log/log.js';
import { processCommand } from '../support/process.js';
import { sleep, waitFor, wallMs } from '../support/time.js';
import { nsToMs, readIfExists, readStamps, restarts, type Restart } from './crash-script.js';
import type { SpawnProbe } from './spawn-probe.js';

export type Mode = 'host' | 'isolated';

/** Where the time of one restart went, wall ms; the segments add up to gapMs. */
export interface Breakdown {
  /** exit stamp → the supervisor reaped the process and wrote its final state */
  reap: number;
  /** → the agent saw the supervisor exit (state file written, supervisor exit, SIGCHLD, the ChildProcess 'exit' event) */
  supervisorExit: number;
  /** → the runtime's exit event reached the pod worker (state file read, config.json written, cgroups removed) */
  record: number;
  /** → runtime.startContainer called (pod worker sync: back-off check, container config) */
  sync: number;
  /** → spawn() of hale-supervisor called (container dir, cgroups, config.json, spec file) */
  prepare: number;
  /** → spawn() returned (libuv forked the agent process and the child exec'd hale-supervisor) */
  launch: number;
  /** → the supervisor forked the container (spec, log file, PID namespace) */
  supervisor: number;
  /** → the supervisor's `started` report reached the agent (child: cgroup join, netns, mounts, exec; then the state file, fsync'd) */
  exec: number;
  /** → the new instance's start stamp (the rest of Node start-up, which began at the exec: it overlaps the report) */
  node: number;
}

export interface HaleSample extends Restart {
  breakdown: Breakdown;
}

export interface ScheduleRow extends Restart {
  /** 1-based restart number */
  restart: number;
  /** the nominal back-off step (0 for the first restart) */
  nominalMs: number;
  /** the step with the jitter CrashBackoff drew for it */
  drawnMs: number;
}

export interface HaleBenchOptions {
  mode: Mode;
  /** its subdirectory of `dir`; default the mode */
  name?: string;
  /** scratch dir; the crash script and stamp files live under it */
  dir: string;
  script: string;
  probe: SpawnProbe;
  supervisorBinary: string;
  /** isolated mode: bridge, pod CIDR, netns prefix */
  bridge?: string;
  podCidr?: string;
  netnsPrefix?: string;
  /** cgroup scope (hale/<scope>) */
  scope: string;
}

/** The runtime, with the time each container start was asked for. */
class TimedRuntime extends ProcessRuntime {
  readonly startCalls = new Map<string, number>();

  override async startContainer(sandboxId: string, cfg: ContainerConfig): Promise<ContainerInfo> {
    const t = wallMs();
    const sb = this.listPodSandboxes().find((s) => s.id === sandboxId);
    if (sb) this.startCalls.set(`${sb.podUid}/${cfg.attempt}`, t);
    return super.startContainer(sandboxId, cfg);
  }
}

/** CrashBackoff, remembering each jittered delay it draws (the wait before the restart after next). */
class RecordingBackoff implements Backoff {
  readonly drawn = new Map<string, number[]>();
  constructor(private readonly inner: CrashBackoff) {}
  backoffUntil(key: string, finishedAtMs: number): number | undefined {
    return this.inner.backoffUntil(key, finishedAtMs);
  }
  next(key: string, finishedAtMs: number): void {
    this.inner.next(key, finishedAtMs);
    const list = this.drawn.get(key) ?? [];
    list.push(this.inner.delayFor(key) ?? NaN);
    this.drawn.set(key, list);
  }
  delayFor(key: string): number | undefined {
    return this.inner.delayFor(key);
  }
  reset(key: string): void {
    this.inner.reset(key);
    this.drawn.delete(key);
  }
}

/** startedAt / finishedAt of a supervisor state file, wall ms. */
async function supervisorTimes(containerDir: string): Promise<{ startedMs?: number; finishedMs?: number }> {
  const text = await readIfExists(join(containerDir, 'state'));
  const get = (k: string): number | undefined => {
    const m = new RegExp(`^${k}=(\\d+)$`, 'm').exec(text);
    return m ? nsToMs(BigInt(m[1]!)) : undefined;
  };
  const out: { startedMs?: number; finishedMs?: number } = {};
  const s = get('startedAt');
  const f = get('finishedAt');
  if (s !== undefined) out.startedMs = s;
  if (f !== undefined) out.finishedMs = f;
  return out;
}

const CONTAINER = 'crash';

export class HaleBench {
  private readonly o: HaleBenchOptions;
  private readonly rt: TimedRuntime;
  private readonly network: PodNetwork | undefined;
  private readonly backoff = new RecordingBackoff(new CrashBackoff({ clock: realClock }));
  private readonly workers = new Map<string, PodWorker>();
  private readonly exitSeen = new Map<string, number>();
  private readonly root: string;
  private opened = false;
  private closed = false;

  constructor(o: HaleBenchOptions) {
    this.o = o;
    this.root = join(o.dir, o.name ?? o.mode);
    this.network =
      o.mode === 'isolated'
        ? new PodNetwork({ stateDir: join(this.root, 'cni'), bridge: o.bridge ?? 'hbench0', podCidr: o.podCidr ?? '10.199.0.0/24', netnsPrefix: o.netnsPrefix ?? 'hbench-' })
        : undefined;
    const opts: ProcessRuntimeOptions = {
      root: join(this.root, 'runtime'),
      scope: o.scope,
      podCidr: o.podCidr ?? '10.199.0.0/24',
      mode: o.mode,
      supervisorBinary: o.supervisorBinary,
      nodeIp: '127.0.0.1',
      clock: realClock,
      log: silentLogger(),
    };
    if (this.network) opts.network = this.network;
    this.rt = new TimedRuntime(opts);
  }

  async open(): Promise<void> {
    this.opened = true;
    await this.rt.recover();
    this.rt.onExit((c) => {
      this.exitSeen.set(`${c.podUid}/${c.attempt}`, wallMs());
      this.workers.get(c.podUid)?.containerExited(c);
    });
  }

  private containerDir(id: string): string {
    return join(this.root, 'runtime', 'containers', id);
  }

  /** The same pod in both modes: the bench dir as a hostPath volume at its own path (isolated: the rootfs has a private /tmp). */
  private pod(uid: string, stamps: string): KObject {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: uid, namespace: 'bench', uid },
      spec: {
        restartPolicy: 'Always',
        volumes: [{ name: 'bench', hostPath: { path: this.o.dir, type: 'Directory' } }],
        containers: [{ name: CONTAINER, image: 'node', command: [process.execPath, this.o.script, stamps], volumeMounts: [{ name: 'bench', mountPath: this.o.dir }] }],
      },
    };
  }

  private startWorker(pod: KObject): PodWorker {
    const client = { create: async (_r: unknown, _ns: string, ev: KObject) => ev, patch: async () => ({ metadata: {} }) } as unknown as ApiClient;
    const none = async (): Promise<undefined> => undefined;
    const podsRoot = join(this.root, 'pods');
    const logRoot = join(this.root, 'logs');
    const w = new PodWorker(pod, {
      runtime: this.rt,
      clock: realClock,
      recorder: new EventRecorder({ client, source: { component: 'kubelet' }, clock: realClock, log: silentLogger() }),
      log: silentLogger(),
      backoff: this.backoff,
      probes: () => ({ ready: true, started: true, stop: () => undefined }),
      hostIP: '127.0.0.1',
      // As node-agent.ts configures a container.
      configure: async (p, c, attempt, sandbox) => {
        const spec = p.spec as PodSpec;
        const volumes = await prepareVolumes(spec, { pod: p, podDir: join(podsRoot, p.metadata.uid ?? ''), getConfigMap: none, getSecret: none });
        return buildContainerConfig({
          pod: p,
          podIP: sandbox.ip,
          hostIP: '127.0.0.1',
          getConfigMap: none,
          getSecret: none,
          container: c,
          attempt,
          mounts: containerMounts(c, volumes),
          logRoot,
          hostname: spec.hostname ?? p.metadata.name ?? '',
          labels: { 'io.kubernetes.pod.namespace': p.metadata.namespace ?? '', 'io.kubernetes.pod.name': p.metadata.name ?? '', 'io.kubernetes.container.name': c.name },
        });
      },
      runHandler: async () => undefined,
      publish: async () => undefined,
      finishDeletion: async () => undefined,
      cleanup: async () => undefined,
    });
    this.workers.set(pod.metadata.uid ?? '', w);
    w.update(pod);
    return w;
  }

  /** Halts the pod's worker, kills what runs, removes its sandbox (netns), containers (cgroups) and files. */
  private async removePod(uid: string): Promise<void> {
    this.workers.get(uid)?.halt();
    this.workers.delete(uid);
    await Promise.all(this.rt.listContainers().filter((c) => c.podUid === uid && c.state === 'running').map((c) => this.rt.stopContainer(c.id, 0)));
    for (const s of this.rt.listPodSandboxes().filter((x) => x.podUid === uid)) await this.rt.removePodSandbox(s.id);
    for (const c of this.rt.listContainers().filter((x) => x.podUid === uid)) await this.rt.removeContainer(c.id);
    this.backoff.reset(`${uid}/${CONTAINER}`);
    await rm(join(this.root, 'pods', uid), { recursive: true, force: true });
  }

  /** A fresh pod whose container crashes once: its first restart (no back-off entry yet), with its breakdown. */
  async firstRestart(i: number): Promise<HaleSample | undefined> {
    const uid = `${this.o.name ?? this.o.mode}-first-${i}`;
    const stamps = join(this.o.dir, 'stamps', uid);
    this.startWorker(this.pod(uid, stamps));
    try {
      const got = await waitFor(async () => ((await readStamps(stamps)).filter((s) => s.kind === 'start').length >= 2 ? true : undefined), 15_000);
      if (!got) return undefined;
      const r = restarts(await readStamps(stamps))[0];
      const cs = this.rt.listContainers().filter((c) => c.podUid === uid);
      const c0 = cs.find((c) => c.attempt === 0);
      const c1 = cs.find((c) => c.attempt === 1);
      if (!r || !c0 || !c1) return undefined;
      // The report may still be on its way when the start stamp is already written.
      const launch = await waitFor(async () => (this.o.probe.launches.get(c1.id)?.reportMs !== undefined ? this.o.probe.launches.get(c1.id) : undefined), 2000);
      const oldExit = this.o.probe.launches.get(c0.id)?.exitMs;
      const old = await supervisorTimes(this.containerDir(c0.id));
      const cur = await supervisorTimes(this.containerDir(c1.id));
      const seen = this.exitSeen.get(`${uid}/0`);
      const called = this.rt.startCalls.get(`${uid}/1`);
      if (!launch?.reportMs || oldExit === undefined || old.finishedMs === undefined || cur.startedMs === undefined || seen === undefined || called === undefined) return undefined;
      const breakdown: Breakdown = {
        reap: old.finishedMs - r.exitMs,
        supervisorExit: oldExit - old.finishedMs,
        record: seen - oldExit,
        sync: called - seen,
        prepare: launch.spawnMs - called,
        launch: launch.spawnedMs - launch.spawnMs,
        supervisor: cur.startedMs - launch.spawnedMs,
        exec: launch.reportMs - cur.startedMs,
        node: r.startMs - launch.reportMs,
      };
      return { ...r, breakdown };
    } finally {
      await this.removePod(uid);
    }
  }

  /** One pod through its first `count` restarts: observed gaps against the back-off it drew. */
  async schedule(count: number): Promise<ScheduleRow[]> {
    const uid = `${this.o.name ?? this.o.mode}-schedule`;
    const stamps = join(this.o.dir, 'stamps', uid);
    const key = `${uid}/${CONTAINER}`;
    this.startWorker(this.pod(uid, stamps));
    try {
      // 1 + 2 + 4 … s of back-off plus each run: generous, but bounded.
      const budget = (2 ** (count - 1) * 1.1 + count * 2) * 1000;
      await waitFor(async () => (restarts(await readStamps(stamps)).length >= count ? true : undefined), budget, 20);
      const drawn = this.backoff.drawn.get(key) ?? [];
      return restarts(await readStamps(stamps))
        .slice(0, count)
        .map((r, i) => ({ ...r, restart: i + 1, nominalMs: i === 0 ? 0 : 1000 * 2 ** (i - 1), drawnMs: i === 0 ? 0 : (drawn[i - 1] ?? NaN) }));
    } finally {
      await this.removePod(uid);
    }
  }

  /** Idempotent. Removes every pod, the pod network (netns, bridge) and the cgroup scope; reports supervisors still alive. */
  async close(): Promise<string[]> {
    if (!this.opened || this.closed) return [];
    this.closed = true;
    for (const uid of new Set([...this.workers.keys(), ...this.rt.listPodSandboxes().map((s) => s.podUid), ...this.rt.listContainers().map((c) => c.podUid)])) await this.removePod(uid);
    await this.rt.close();
    if (this.network) await this.network.destroy();
    await removeScope(this.o.scope);
    const left: string[] = [];
    // A supervisor outlives a short wait only if something went wrong; the pid must still run our binary on our container.
    for (let t = 0; t < 20; t++) {
      left.length = 0;
      for (const l of this.o.probe.launches.values()) {
        if (l.supervisorPid === undefined) continue;
        const cmd = processCommand(l.supervisorPid);
        if (cmd?.startsWith(this.o.supervisorBinary) && cmd.includes(l.containerId)) left.push(`hale-supervisor ${l.supervisorPid} (container ${l.containerId.slice(0, 12)})`);
      }
      if (left.length === 0) break;
      await sleep(100);
    }
    return left;
  }
}
