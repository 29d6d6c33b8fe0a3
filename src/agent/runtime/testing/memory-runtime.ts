// An in-memory Runtime for unit tests of the pod worker: containers "run"
// until the test ends them with `exit(id, code)`; stopContainer ends them
// with 143 (or 137 when `ignoreTerm` is set and the grace runs out on the
// injected clock). It keeps the Runtime contract (ids never reused, exits
// reported once through onExit) so the worker's logic is tested in
// milliseconds; end-to-end tests use the real process runtime. Fencing
// deadlines are recorded (`fenceDeadlines`), not enforced: a test plays the
// supervisor with `fenceKill(id)`.

import type { Clock } from '../../../lib/clock/clock.js';
import { FENCED_MESSAGE, FENCED_REASON, type ContainerConfig, type ContainerInfo, type ExecResult, type Runtime, type SandboxConfig, type SandboxInfo } from '../runtime.js';

export class MemoryRuntime implements Runtime {
  readonly name = 'memory';
  readonly sandboxes = new Map<string, SandboxInfo>();
  readonly containers = new Map<string, ContainerInfo>();
  readonly started: ContainerConfig[] = [];
  readonly ignoreTerm = new Set<string>();
  /** every deadline handed to setFenceDeadline, in order */
  readonly fenceDeadlines: bigint[] = [];
  private readonly listeners: ((c: ContainerInfo) => void)[] = [];
  private readonly stopWaiters = new Map<string, () => void>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  async recover(): Promise<void> {}

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxInfo> {
    const s: SandboxInfo = { id: `sb-${++this.seq}`, podUid: cfg.podUid, ip: `10.42.0.${this.seq}`, createdAt: new Date(this.clock.now()) };
    this.sandboxes.set(s.id, s);
    return s;
  }

  async removePodSandbox(id: string): Promise<void> {
    for (const c of this.containers.values()) if (c.sandboxId === id && c.state === 'running') this.exit(c.id, 137);
    this.sandboxes.delete(id);
  }

  listPodSandboxes(): SandboxInfo[] {
    return [...this.sandboxes.values()];
  }

  async startContainer(sandboxId: string, cfg: ContainerConfig): Promise<ContainerInfo> {
    const sb = this.sandboxes.get(sandboxId)!;
    const c: ContainerInfo = { id: `c-${++this.seq}`, sandboxId, podUid: sb.podUid, name: cfg.name, attempt: cfg.attempt, image: cfg.image, state: 'running', createdAt: new Date(this.clock.now()), startedAt: new Date(this.clock.now()), logPath: cfg.logPath, labels: cfg.labels };
    this.containers.set(c.id, c);
    this.started.push(cfg);
    return { ...c };
  }

  /** The container's process ended with `code`. */
  exit(id: string, code: number, reason?: string, message?: string): void {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return;
    c.state = 'exited';
    c.exitCode = code;
    c.reason = reason ?? (code === 0 ? 'Completed' : 'Error');
    if (message) c.message = message;
    c.finishedAt = new Date(this.clock.now());
    this.stopWaiters.get(id)?.();
    for (const l of this.listeners) l({ ...c });
  }

  /** What a supervisor does at the fencing deadline: SIGKILL, recorded as fenced. */
  fenceKill(id: string): void {
    this.exit(id, 137, FENCED_REASON, FENCED_MESSAGE);
  }

  async setFenceDeadline(monotonicNs: bigint): Promise<void> {
    this.fenceDeadlines.push(monotonicNs);
  }

  running(name: string): ContainerInfo | undefined {
    return [...this.containers.values()].find((c) => c.name === name && c.state === 'running');
  }

  async stopContainer(id: string, graceMs: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return;
    if (!this.ignoreTerm.has(c.name) || graceMs === 0) {
      this.exit(id, graceMs === 0 ? 137 : 143);
      return;
    }
    await new Promise<void>((resolve) => {
      this.stopWaiters.set(id, resolve);
      this.clock.setTimeout(() => this.exit(id, 137), graceMs);
    });
  }

  async removeContainer(id: string): Promise<void> {
    this.containers.delete(id);
  }

  listContainers(): ContainerInfo[] {
    return [...this.containers.values()].map((c) => ({ ...c }));
  }

  containerStatus(id: string): ContainerInfo | undefined {
    const c = this.containers.get(id);
    return c ? { ...c } : undefined;
  }

  isAlive(id: string): boolean {
    return this.containers.get(id)?.state === 'running';
  }

  async exec(): Promise<ExecResult> {
    return { exitCode: 0, output: '', timedOut: false };
  }

  onExit(listener: (c: ContainerInfo) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {}
}
