// The runtime seam, shaped like CRI (runtime.v1) so the process, cri and sim
// runtimes are three implementations of one interface: a pod sandbox first
// (network namespace + IP), then containers in it; status by id; one stream
// of exit events (no polling).
//
// Invariants every runtime keeps:
// - a container id is never reused; `attempt` counts restarts of one
//   container name within one sandbox and survives an agent restart;
// - `listContainers()` after a restart of the agent returns the containers
//   that still run (adopted, not restarted) and the last exited instance of
//   each name, so restart counts and `--previous` logs survive;
// - an exit is reported once through `onExit`, including exits that happened
//   while nobody listened (reported by `recover()`);
// - a container started with `fence` never runs past the last fencing
//   deadline it was given, whether or not the agent is alive.

export interface SandboxConfig {
  podUid: string;
  namespace: string;
  name: string;
  /** the pod's hostname (its name, or spec.hostname) */
  hostname: string;
  hostNetwork: boolean;
  /** the pod's /etc/resolv.conf (CRI's DNSConfig); absent: the node's own */
  dns?: { nameservers: string[]; searches: string[]; options: string[] };
}

export interface SandboxInfo {
  id: string;
  podUid: string;
  /** the pod IP; the node's IP for hostNetwork pods */
  ip: string;
  netnsPath?: string;
  createdAt: Date;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
  /** the host path is a file, not a directory */
  file?: boolean;
}

export interface ContainerResources {
  memoryLimitBytes?: number;
  /** cpu limit in millicores (quota over a 100 ms period) */
  cpuLimitMillis?: number;
  /** cpu request in millicores (shares) */
  cpuRequestMillis?: number;
  pidsLimit?: number;
}

export interface ContainerConfig {
  name: string;
  attempt: number;
  image: string;
  argv: string[];
  env: [string, string][];
  workingDir?: string;
  mounts: Mount[];
  runAsUser?: number;
  runAsGroup?: number;
  supplementalGroups?: number[];
  resources: ContainerResources;
  logPath: string;
  /** opaque to the runtime; returned as-is (the agent keeps its bookkeeping here) */
  labels: Record<string, string>;
  /** kill the container at the node's fencing deadline (stateful pods) */
  fence?: boolean;
}

export type ContainerState = 'created' | 'running' | 'exited';

export interface ContainerInfo {
  id: string;
  sandboxId: string;
  podUid: string;
  name: string;
  attempt: number;
  image: string;
  state: ContainerState;
  pid?: number;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** Completed | Error | OOMKilled | StartError | ContainerStatusUnknown | Fenced (killed at the node's fencing deadline) */
  reason?: string;
  message?: string;
  logPath: string;
  labels: Record<string, string>;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

export interface Runtime {
  readonly name: string;
  /** Re-reads state left by a previous agent: sandboxes, running and exited containers. */
  recover(): Promise<void>;
  runPodSandbox(cfg: SandboxConfig): Promise<SandboxInfo>;
  /** Stops every container of the sandbox (SIGKILL) and frees its network. Idempotent. */
  removePodSandbox(id: string): Promise<void>;
  listPodSandboxes(): SandboxInfo[];
  /** Creates and starts; rejects with ContainerStartError when the process could not be started. */
  startContainer(sandboxId: string, cfg: ContainerConfig): Promise<ContainerInfo>;
  /** SIGTERM to the container, SIGKILL after `graceMs`; resolves once it exited. */
  stopContainer(id: string, graceMs: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(): ContainerInfo[];
  containerStatus(id: string): ContainerInfo | undefined;
  /**
   * Whether the container's process runs right now, asked of the system
   * directly rather than waiting for the exit notice (which can lag a
   * process that died at once); false for an unknown or exited container.
   */
  isAlive(id: string): boolean;
  /** Runs a command inside a running container (exec probes, preStop hooks). */
  exec(id: string, argv: string[], timeoutMs: number): Promise<ExecResult>;
  onExit(listener: (c: ContainerInfo) => void): void;
  /**
   * The node's fencing deadline (absolute CLOCK_MONOTONIC ns): handed to the
   * supervisor of every running container started with `fence`, which kills
   * the container at that instant on its own; a fenced container started
   * later starts with it (one started before any deadline was set starts
   * with an expired one). Runtimes without supervisors record it.
   */
  setFenceDeadline(monotonicNs: bigint): Promise<void>;
  /** Stops watching; leaves containers running (static stability). */
  close(): Promise<void>;
}

/** ContainerInfo.reason of a container its supervisor killed at the node's fencing deadline */
export const FENCED_REASON = 'Fenced';
export const FENCED_MESSAGE = "The container was killed at the node's fencing deadline: the node could not renew its lease in time";

/** The container could not be started: reported as waiting reason + message, or terminated StartError. */
export class ContainerStartError extends Error {
  constructor(
    readonly reason: 'CreateContainerConfigError' | 'CreateContainerError' | 'RunContainerError' | 'StartError',
    message: string,
  ) {
    super(message);
    this.name = 'ContainerStartError';
  }
}
