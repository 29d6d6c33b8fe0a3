// One worker per pod, the kubelet's pod worker: every change (a new pod
// version, a container exit, a probe result, a backoff timer) kicks one
// level-triggered `sync`, and syncs of one pod never overlap. A sync reads
// what the runtime says exists and moves it one step towards the spec:
// sandbox → init containers in order (sidecars started and kept running) →
// containers started, restarted by restartPolicy with crash-loop backoff →
// status published. A pod with a deletionTimestamp is stopped gracefully
// (preStop, SIGTERM, SIGKILL at the end of the grace period, sidecars last)
// and its deletion completed with grace 0.
//
// The runtime is the source of truth for what ran: restart counts and last
// states come from it, so an agent restart loses nothing.
//
// Fencing: while the node is fenced (deps.fence), no container of a fenced
// pod (a StatefulSet's, or one with a claim) is started or restarted: it
// waits with reason NodeFenced. The agent kicks every worker when the node
// unfences; restartPolicy applies again from there.

import type { KObject } from '../../api/object.js';
import type { Clock, TimerHandle } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { ContainerStartError, type ContainerInfo, type Runtime, type SandboxInfo } from '../runtime/runtime.js';
import { BACK_OFF_REASON, CRASH_LOOP_BACK_OFF_REASON, backOffEventMessage, crashLoopBackOffMessage, podDescription } from '../../lib/backoff/messages.js';
import { computePodStatus, type ContainerView, type Waiting } from './pod-status.js';
import { isFencedPod } from '../fencing/fenced-pod.js';
import { VolumeError } from './volumes.js';
import type { VolumesState } from './pod-status.js';
import type { ResolvConf } from '../../dns/resolv-conf.js';
import type { Container, Handler, PodSpec, PodStatusJson } from './pod-types.js';

/** how long a freshly started container must stay up before it counts as ready */
export const READY_SETTLE_MS = 25;

/** The crash-loop backoff the worker consults (lib/backoff CrashBackoff). */
export interface Backoff {
  /** when the container may restart, or undefined if now */
  backoffUntil(key: string, finishedAtMs: number): number | undefined;
  /** records a restart */
  next(key: string, finishedAtMs: number): void;
  /** the current wait, jitter included */
  delayFor(key: string): number | undefined;
  reset(key: string): void;
}

export interface ProbeHandle {
  readonly ready: boolean;
  readonly started: boolean;
  stop(): void;
}

export interface ProbeCallbacks {
  onChange(): void;
  /** liveness or startup failure: kill the container (it is restarted by policy); `message` is the Killing event's text */
  onKill(kind: 'liveness' | 'startup', graceSeconds: number | undefined, message: string): void;
}

export type ProbeFactory = (pod: KObject, c: Container, info: ContainerInfo, podIP: string, cb: ProbeCallbacks) => ProbeHandle;

/** The node's fencing gate (fencing/fence-gate.ts) as a worker sees it. */
export interface NodeFence {
  /** no fenced container may start now */
  readonly fenced: boolean;
  /** why, for the waiting message */
  readonly reason: string;
}

export const NODE_FENCED_REASON = 'NodeFenced';

export interface PodWorkerDeps {
  runtime: Runtime;
  /** absent: the node never fences (tests, simulated nodes) */
  fence?: NodeFence;
  clock: Clock;
  recorder: EventRecorder;
  log: Logger;
  backoff: Backoff;
  probes: ProbeFactory;
  hostIP: string;
  /** ContainerConfig for one container instance (env, volumes, argv); throws ContainerStartError / VolumeError */
  configure(pod: KObject, c: Container, attempt: number, sandbox: SandboxInfo): Promise<import('../runtime/runtime.js').ContainerConfig>;
  /** runs a preStop handler; resolves when it finished (or failed: it rejects) */
  runHandler(pod: KObject, c: Container, h: Handler, info: ContainerInfo, podIP: string, timeoutMs: number): Promise<void>;
  publish(pod: KObject, status: PodStatusJson): Promise<void>;
  /** completes a graceful deletion: DELETE with grace 0 and the pod's uid as precondition */
  finishDeletion(pod: KObject): Promise<void>;
  /** removes the pod's volumes, logs and containers once the pod is gone */
  cleanup(podUid: string): Promise<void>;
  /** the pod's resolver configuration (dnsPolicy, dnsConfig); undefined: the node's own resolv.conf */
  dns?(pod: KObject): ResolvConf | undefined;
  /** the pod's containers were adopted after an agent restart: rewrite what is refreshed over time (projected tokens) */
  readopted?(pod: KObject): Promise<void>;
  /** every container of a terminal pod has stopped: its persistent volumes may be detached */
  volumesDone?(podUid: string): Promise<void>;
}

const MIN_GRACE_MS = 2000;

function fieldPath(pod: KObject, name: string): string {
  const spec = pod.spec as PodSpec;
  return (spec.initContainers ?? []).some((c) => c.name === name) ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
}

export class PodWorker {
  readonly uid: string;
  private pod: KObject | undefined;
  private gone = false;
  private sandbox: SandboxInfo | undefined;
  private podIP: string | undefined;
  /** whether the adopted pod's refreshed volumes were rewritten (once per worker) */
  private readopted = false;
  /** the Ready condition this worker last computed: the node knows it before the API does */
  private readyNow = false;
  private readonly waiting = new Map<string, Waiting>();
  private readonly probes = new Map<string, ProbeHandle>();
  private readonly killing = new Set<string>();
  private readonly backoffNoted = new Map<string, number>();
  /** containers whose NodeFenced event was recorded in the current fenced spell */
  private readonly fenceNoted = new Set<string>();
  private terminal: 'Succeeded' | 'Failed' | undefined;
  /** persistent volumes: the latest outcome of making them ready (pods with claims only) */
  private volumes: VolumesState | undefined;
  /** the FailedMount message last recorded, and when (monotonic): repeated at most every 30 s */
  private mountNoted: { message: string; at: number } | undefined;
  private terminated = false;
  private deletionFinished = false;
  private finished = false;
  private timer: TimerHandle | undefined;
  private timerDue = 0;
  /** container id → when this worker saw its start return (monotonic), for READY_SETTLE_MS */
  private readonly startedSeen = new Map<string, number>();
  private running = false;
  private current: Promise<void> | undefined;
  private again = false;
  private lastPublished = '';
  private readonly deps: PodWorkerDeps;
  /** resolves when the pod is gone and cleaned up */
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(pod: KObject, deps: PodWorkerDeps) {
    this.uid = pod.metadata.uid ?? '';
    this.pod = pod;
    this.deps = deps;
    this.done = new Promise((r) => (this.resolveDone = r));
    this.sandbox = deps.runtime.listPodSandboxes().find((s) => s.podUid === this.uid);
    this.podIP = this.sandbox?.ip;
    const status = (pod.status ?? {}) as PodStatusJson;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') this.terminal = status.phase;
  }

  /** Stops acting (agent shutdown): no further syncs, no restarts; containers are left to the caller. */
  /** Resolves when a sync that was running has finished, so the caller can stop what exists afterwards. */
  halt(): Promise<void> {
    this.finished = true;
    this.timer?.cancel();
    for (const p of this.probes.values()) p.stop();
    return this.current ?? Promise.resolve();
  }

  /** A new version of the pod, or undefined when it left the API. */
  update(pod: KObject | undefined): void {
    if (pod) this.pod = pod;
    else this.gone = true;
    this.kick();
  }

  kick(): void {
    if (this.finished) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.sync()
      .catch((err: unknown) => {
        this.deps.log.warn({ pod: this.name(), err: err instanceof Error ? err.message : String(err) }, 'pod sync failed; retrying');
        this.later(1000);
      })
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private name(): string {
    return `${this.pod?.metadata.namespace}/${this.pod?.metadata.name}`;
  }

  /** Wakes the worker after `ms`; the earliest pending wake-up wins (every sync re-plans the later ones). */
  private later(ms: number): void {
    const due = this.deps.clock.monotonic() + ms;
    if (this.timer && this.timerDue <= due) return;
    this.timer?.cancel();
    this.timerDue = due;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, ms);
  }

  private containers(): Map<string, { latest?: ContainerInfo; previous?: ContainerInfo }> {
    const by = new Map<string, ContainerInfo[]>();
    for (const c of this.deps.runtime.listContainers()) {
      if (c.podUid !== this.uid) continue;
      const list = by.get(c.name) ?? [];
      list.push(c);
      by.set(c.name, list);
    }
    const out = new Map<string, { latest?: ContainerInfo; previous?: ContainerInfo }>();
    for (const [name, list] of by) {
      list.sort((a, b) => b.attempt - a.attempt);
      const e: { latest?: ContainerInfo; previous?: ContainerInfo } = {};
      if (list[0]) e.latest = list[0];
      if (list[1]) e.previous = list[1];
      out.set(name, e);
    }
    return out;
  }

  private async sync(): Promise<void> {
    const pod = this.pod;
    if (!pod) return;
    if (this.gone || pod.metadata.deletionTimestamp) {
      await this.terminate(pod);
      return;
    }
    if (this.terminal) {
      await this.stopAll(pod, 'terminal');
      await this.deps.volumesDone?.(this.uid);
      await this.publish(pod);
      return;
    }
    const spec = pod.spec as PodSpec;
    if (!this.sandbox) {
      try {
        this.sandbox = await this.deps.runtime.runPodSandbox({
          podUid: this.uid,
          namespace: pod.metadata.namespace ?? 'default',
          name: pod.metadata.name ?? '',
          hostname: spec.hostname ?? pod.metadata.name ?? '',
          hostNetwork: !!spec.hostNetwork,
          ...this.dnsOf(pod),
        });
        this.podIP = this.sandbox.ip;
      } catch (err) {
        this.deps.recorder.record(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`);
        await this.publish(pod);
        this.later(2000);
        return;
      }
    }
    const sandbox = this.sandbox;
    const existing = this.containers();
    const policy = spec.restartPolicy ?? 'Always';
    // Containers adopted after an agent restart get their probes back, and their pod's
    // refreshed files (projected tokens) once.
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const l = existing.get(c.name)?.latest;
      if (l?.state === 'running' && !this.probes.has(l.id) && !this.killing.has(l.id)) {
        if (!this.readopted && !this.startedSeen.has(l.id)) {
          this.readopted = true;
          await this.deps.readopted?.(pod).catch((err: unknown) => this.deps.log.warn({ pod: this.uid, err: String(err) }, 'could not refresh the adopted pod\'s volumes'));
        }
        this.probes.set(l.id, this.deps.probes(pod, c, l, sandbox.ip, { onChange: () => this.kick(), onKill: (_k, grace, message) => this.killForProbe(pod, c, l, grace, message) }));
      }
    }

    let initDone = true;
    for (const c of spec.initContainers ?? []) {
      const e = existing.get(c.name) ?? {};
      const latest = e.latest;
      if (c.restartPolicy === 'Always') {
        let cur = latest;
        if (!cur || cur.state === 'exited') {
          await this.startOrBackoff(pod, c, cur, sandbox);
          cur = this.containers().get(c.name)?.latest;
        }
        // The next init container starts once the sidecar is started (at once without a startup probe).
        if (cur?.state !== 'running' || !(this.probes.get(cur.id)?.started ?? true)) {
          initDone = false;
          break;
        }
        continue;
      }
      if (latest?.state === 'exited' && latest.exitCode === 0) continue;
      initDone = false;
      if (!latest) await this.startOrBackoff(pod, c, undefined, sandbox);
      else if (latest.state === 'exited') {
        if (policy === 'Never') this.terminal = 'Failed';
        else await this.startOrBackoff(pod, c, latest, sandbox);
      }
      break;
    }

    if (initDone && !this.terminal) {
      for (const c of spec.containers) {
        const latest = existing.get(c.name)?.latest;
        if (!latest) await this.startOrBackoff(pod, c, undefined, sandbox);
        else if (latest.state === 'exited' && shouldRestart(policy, latest.exitCode ?? 0)) await this.startOrBackoff(pod, c, latest, sandbox);
      }
      const after = this.containers();
      const mains = spec.containers.map((c) => after.get(c.name)?.latest);
      if (mains.every((m) => m?.state === 'exited' && !shouldRestart(policy, m.exitCode ?? 0))) {
        this.terminal = mains.every((m) => m?.exitCode === 0) ? 'Succeeded' : 'Failed';
      }
    }
    if (this.terminal) {
      await this.stopAll(pod, 'terminal');
      // No container of a terminal pod runs again: the node stops holding its volumes (the kubelet unmounts them too).
      await this.deps.volumesDone?.(this.uid);
    }
    await this.publish(pod);
  }

  /** The pod's IP while this node knows the pod is not ready (the service proxy skips it ahead of the EndpointSlice). */
  unreadyIp(): string | undefined {
    return this.podIP !== undefined && !this.readyNow ? this.podIP : undefined;
  }

  private dnsOf(pod: KObject): { dns?: ResolvConf } {
    const dns = this.deps.dns?.(pod);
    return dns ? { dns } : {};
  }

  /**
   * A volume is not ready (claim unbound, not attached here yet, backing
   * storage gone): the container waits in ContainerCreating with the reason
   * as its message, the pod gets FailedMount (again when the reason changes,
   * at most every 30 s otherwise) and VolumesReady=False, and the worker
   * looks again in 2 s or when an attachment of this node changes.
   */
  private volumeNotReady(pod: KObject, c: Container, err: VolumeError): void {
    this.waiting.set(c.name, { reason: 'ContainerCreating', message: err.message });
    this.volumes = { ready: false, reason: err.reason, message: err.message };
    const now = this.deps.clock.monotonic();
    if (!this.mountNoted || this.mountNoted.message !== err.message || now - this.mountNoted.at >= 30_000) {
      this.mountNoted = { message: err.message, at: now };
      this.deps.recorder.record(pod, 'Warning', 'FailedMount', err.message);
    }
    this.later(2000);
  }

  private async startOrBackoff(pod: KObject, c: Container, latest: ContainerInfo | undefined, sandbox: SandboxInfo): Promise<void> {
    if (this.finished) return; // halted (agent shutdown): nothing new starts
    if (this.fencedNow(pod, c)) return;
    const key = `${this.uid}/${c.name}`;
    if (latest?.state === 'exited') {
      const finished = latest.finishedAt?.getTime() ?? this.deps.clock.now();
      const until = this.deps.backoff.backoffUntil(key, finished);
      if (until !== undefined) {
        const podRef = podDescription({ name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: this.uid });
        this.waiting.set(c.name, { reason: CRASH_LOOP_BACK_OFF_REASON, message: crashLoopBackOffMessage(this.deps.backoff.delayFor(key) ?? until - finished, c.name, podRef) });
        if (this.backoffNoted.get(c.name) !== until) {
          this.backoffNoted.set(c.name, until);
          this.deps.recorder.record(pod, 'Warning', BACK_OFF_REASON, backOffEventMessage(c.name, podRef), fieldPath(pod, c.name));
        }
        this.later(Math.max(0, until - this.deps.clock.now()));
        return;
      }
      this.deps.backoff.next(key, finished);
    }
    const attempt = latest ? latest.attempt + 1 : 0;
    let cfg;
    try {
      cfg = await this.deps.configure(pod, c, attempt, sandbox);
    } catch (err) {
      if (err instanceof VolumeError) return this.volumeNotReady(pod, c, err);
      const reason = err instanceof ContainerStartError ? err.reason : 'CreateContainerConfigError';
      const message = err instanceof Error ? err.message : String(err);
      this.waiting.set(c.name, { reason, message });
      this.deps.recorder.record(pod, 'Warning', 'Failed', `Error: ${message}`, fieldPath(pod, c.name));
      this.later(2000);
      return;
    }
    // The node may have fenced while the container was being configured.
    if (this.fencedNow(pod, c)) return;
    this.waiting.delete(c.name);
    if (usesClaims(pod)) {
      this.volumes = { ready: true };
      this.mountNoted = undefined;
    }
    const info = await this.deps.runtime.startContainer(sandbox.id, cfg);
    this.startedSeen.set(info.id, this.deps.clock.monotonic());
    this.deps.recorder.record(pod, 'Normal', 'Created', `Created container: ${c.name}`, fieldPath(pod, c.name));
    if (info.state === 'exited' && info.reason === 'StartError') {
      this.deps.recorder.record(pod, 'Warning', 'Failed', `Error: ${info.message ?? 'failed to start container'}`, fieldPath(pod, c.name));
      return;
    }
    this.deps.recorder.record(pod, 'Normal', 'Started', `Started container ${c.name}`, fieldPath(pod, c.name));
    this.probes.set(
      info.id,
      this.deps.probes(pod, c, info, sandbox.ip, {
        onChange: () => this.kick(),
        onKill: (kind, grace, message) => this.killForProbe(pod, c, info, grace, message),
      }),
    );
  }

  /**
   * True (and the container waits with NodeFenced) when `c` belongs to a
   * fenced pod and the node is fenced. No wake-up is planned: the agent kicks
   * every worker when the node unfences.
   */
  private fencedNow(pod: KObject, c: Container): boolean {
    const fence = this.deps.fence;
    if (!fence?.fenced || !isFencedPod(pod)) {
      this.fenceNoted.delete(c.name);
      return false;
    }
    const node = (pod.spec as PodSpec).nodeName ?? 'this node';
    this.waiting.set(c.name, { reason: NODE_FENCED_REASON, message: `node ${node} is fenced: ${fence.reason}; the container starts once the node has renewed its lease and confirmed its pods` });
    if (!this.fenceNoted.has(c.name)) {
      this.fenceNoted.add(c.name);
      this.deps.recorder.record(pod, 'Warning', NODE_FENCED_REASON, `Container ${c.name} not started: node ${node} is fenced (${fence.reason})`, fieldPath(pod, c.name));
    }
    return true;
  }

  private killForProbe(pod: KObject, c: Container, info: ContainerInfo, graceSeconds: number | undefined, message: string): void {
    if (this.killing.has(info.id)) return;
    this.killing.add(info.id);
    this.probes.get(info.id)?.stop();
    const spec = pod.spec as PodSpec;
    const grace = Math.max((graceSeconds ?? spec.terminationGracePeriodSeconds ?? 30) * 1000, MIN_GRACE_MS);
    this.deps.recorder.record(pod, 'Normal', 'Killing', message, fieldPath(pod, c.name));
    this.stopContainer(pod, c, info, grace, false)
      .catch((err: unknown) => this.deps.log.warn({ pod: this.name(), container: c.name, err: String(err) }, 'kill after probe failure failed'))
      .finally(() => {
        this.killing.delete(info.id);
        this.kick();
      });
  }

  /** Called by the agent for every container exit the runtime reports. */
  containerExited(info: ContainerInfo): void {
    // A main container (or a sidecar) that exits makes the pod unready now: the node's service proxy
    // stops sending it connections before the restart and the status write that follow.
    const spec = this.pod?.spec as PodSpec | undefined;
    if (spec?.containers.some((c) => c.name === info.name) || spec?.initContainers?.some((c) => c.name === info.name && c.restartPolicy === 'Always')) this.readyNow = false;
    this.probes.get(info.id)?.stop();
    this.probes.delete(info.id);
    this.startedSeen.delete(info.id);
    this.kick();
  }

  private async stopContainer(pod: KObject, c: Container, info: ContainerInfo, graceMs: number, preStop: boolean): Promise<void> {
    const deadline = this.deps.clock.now() + graceMs;
    if (preStop && c.lifecycle?.preStop && this.podIP !== undefined) {
      try {
        await this.deps.runHandler(pod, c, c.lifecycle.preStop, info, this.podIP, graceMs);
      } catch (err) {
        this.deps.recorder.record(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${err instanceof Error ? err.message : String(err)}`, fieldPath(pod, c.name));
      }
    }
    // A preStop hook that used up the grace period gets kubelet's 2 s minimum for the TERM.
    const left = Math.max(deadline - this.deps.clock.now(), preStop && c.lifecycle?.preStop ? MIN_GRACE_MS : 0);
    await this.deps.runtime.stopContainer(info.id, left);
  }

  private async stopAll(pod: KObject, why: 'terminal' | 'delete'): Promise<void> {
    const spec = pod.spec as PodSpec;
    const graceMs = why === 'delete' ? podGraceMs(pod) : (spec.terminationGracePeriodSeconds ?? 30) * 1000;
    const deadline = this.deps.clock.now() + graceMs;
    // A container being shut down is not killed again by a failing liveness probe.
    for (const p of this.probes.values()) p.stop();
    const existing = this.containers();
    const running = (cs: Container[]): [Container, ContainerInfo][] =>
      cs.flatMap((c) => {
        const l = existing.get(c.name)?.latest;
        return l && l.state === 'running' ? [[c, l] as [Container, ContainerInfo]] : [];
      });
    const kill = async ([c, info]: [Container, ContainerInfo]): Promise<void> => {
      this.probes.get(info.id)?.stop();
      this.deps.recorder.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, fieldPath(pod, c.name));
      await this.stopContainer(pod, c, info, Math.max(0, deadline - this.deps.clock.now()), true);
    };
    await Promise.all(running(spec.containers).map(kill));
    await Promise.all(running((spec.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always')).map(kill));
    for (const sc of running((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')).reverse()) await kill(sc);
    for (const p of this.probes.values()) p.stop();
    this.probes.clear();
    if (this.sandbox) {
      await this.deps.runtime.removePodSandbox(this.sandbox.id);
      this.sandbox = undefined;
    }
  }

  private async terminate(pod: KObject): Promise<void> {
    if (!this.terminated) {
      await this.stopAll(pod, 'delete');
      this.terminated = true;
      if (!this.terminal) {
        const mains = (pod.spec as PodSpec).containers.map((c) => this.containers().get(c.name)?.latest);
        this.terminal = mains.every((m) => m?.state === 'exited' && m.exitCode === 0) ? 'Succeeded' : 'Failed';
      }
    }
    if (!this.gone) {
      await this.publish(pod);
      if (!this.deletionFinished) {
        await this.deps.finishDeletion(pod);
        this.deletionFinished = true;
      }
      return; // the informer's delete event brings us back with gone = true
    }
    this.finished = true;
    this.timer?.cancel();
    this.timer = undefined;
    const spec = pod.spec as PodSpec;
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) this.deps.backoff.reset(`${this.uid}/${c.name}`);
    await this.deps.cleanup(this.uid);
    this.resolveDone();
  }

  /**
   * A container counts as ready only once it has stayed up READY_SETTLE_MS:
   * one that dies at once (a bad command, a missing file) never shows Ready,
   * so it never counts as available to a rollout. Timed from when this worker
   * saw the start return (not the container's own start stamp), so the exit
   * notice has that long to arrive. The kubelet gets the same effect from its
   * 1 s PLEG relist; this costs a new pod 25 ms, not 1 s. Until then a
   * wake-up is planned for the moment it settles.
   */
  private settled(c: ContainerInfo | undefined): boolean {
    // Containers this worker did not start (adopted after an agent restart) have long settled.
    const seen = c ? this.startedSeen.get(c.id) : undefined;
    if (seen === undefined) return true;
    const left = seen + READY_SETTLE_MS - this.deps.clock.monotonic();
    if (left <= 0) {
      // Settled only if it really still runs: a process that died at once may not have been reported yet.
      if (!this.deps.runtime.isAlive(c!.id)) return false;
      this.startedSeen.delete(c!.id);
      return true;
    }
    this.later(left);
    return false;
  }

  private async publish(pod: KObject): Promise<void> {
    const spec = pod.spec as PodSpec;
    const existing = this.containers();
    const view = (c: Container): ContainerView => {
      const e = existing.get(c.name) ?? {};
      const probe = e.latest ? this.probes.get(e.latest.id) : undefined;
      const running = e.latest?.state === 'running';
      const v: ContainerView = { spec: c, ready: running && (probe?.ready ?? true) && this.settled(e.latest), started: running && (probe?.started ?? true) };
      if (e.latest) v.latest = e.latest;
      if (e.previous) v.previous = e.previous;
      const w = this.waiting.get(c.name);
      if (w) v.waiting = w;
      return v;
    };
    const initViews = (spec.initContainers ?? []).map(view);
    const initDone = (spec.initContainers ?? []).every((c, i) => {
      const v = initViews[i]!;
      if (c.restartPolicy === 'Always') return v.started;
      return v.latest?.state === 'exited' && v.latest.exitCode === 0;
    });
    const input: Parameters<typeof computePodStatus>[0] = {
      spec,
      prev: (pod.status ?? {}) as PodStatusJson,
      runtimeName: this.deps.runtime.name,
      hostIP: this.deps.hostIP,
      sandboxReady: this.sandbox !== undefined,
      initDone,
      init: initViews,
      main: spec.containers.map(view),
      nowIso: new Date(this.deps.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    if (this.podIP) input.podIP = this.podIP;
    if (this.terminal) input.terminal = this.terminal;
    if (this.volumes) input.volumes = this.volumes;
    const status = computePodStatus(input);
    this.readyNow = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    const key = JSON.stringify({ ...status, conditions: status.conditions?.map((c) => ({ ...c, lastTransitionTime: undefined })) });
    // Published already, unless someone else changed it since (the node
    // lifecycle controller marks pods not ready when the node goes silent).
    if (key === this.lastPublished && apiAgrees(pod, status)) return;
    await this.deps.publish(pod, status);
    this.lastPublished = key;
  }
}

/** Whether the pod object already shows the phase and kubelet conditions of `status`. */
function apiAgrees(pod: KObject, status: PodStatusJson): boolean {
  const api = (pod.status ?? {}) as PodStatusJson;
  if (api.phase !== status.phase) return false;
  const have = new Map((api.conditions ?? []).map((c) => [c.type, c.status]));
  return (status.conditions ?? []).every((c) => have.get(c.type) === c.status);
}

export function shouldRestart(policy: string, exitCode: number): boolean {
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

export function podGraceMs(pod: KObject): number {
  const g = pod.metadata.deletionGracePeriodSeconds ?? (pod.spec as PodSpec).terminationGracePeriodSeconds ?? 30;
  return g * 1000;
}

function usesClaims(pod: KObject): boolean {
  return ((pod.spec as PodSpec).volumes ?? []).some((v) => v.persistentVolumeClaim || v.ephemeral);
}
