// The seam between hale's node autoscaler and whatever makes machines: one
// small interface, three implementations (local: `hale agent` processes on
// this machine; sim: simulated nodes; exec: a user's command for real
// infrastructure), one contract suite (contract.ts) they all pass.
//
// Invariants: a provider never touches the API objects the autoscaler owns
// (Nodes are deleted by the autoscaler, not here); `create` returns once the
// machine is on its way, and the machine then registers a Node named
// `req.name` carrying `req.labels` and `req.taints` by itself; `delete`
// returns only when nothing of the machine can run any more (so a deleted
// machine's pods can never run next to their replacements), and deleting a
// machine the provider does not know succeeds.

export interface MachineTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface MachineRequest {
  /** the Node name the machine registers as (a DNS-1123 label) */
  name: string;
  /** the NodePool it belongs to */
  pool: string;
  /** labels the Node registers with; always includes autoscaling.hale.dev/nodepool=<pool> */
  labels: Record<string, string>;
  /** taints the Node registers with */
  taints: MachineTaint[];
  /** what the node offers (ResourceList quantities: cpu, memory, pods, ephemeral-storage); sim nodes are made with it, others may ignore it */
  capacity: Record<string, string>;
}

export interface NodeProvider {
  /** `local` | `sim` | `exec` */
  readonly type: string;
  /** Starts the machine; resolves when the provider accepted it (not when its Node registered). Rejects with a message that says what failed. */
  create(req: MachineRequest): Promise<void>;
  /** Stops and removes the machine and everything running on it; idempotent. */
  delete(name: string): Promise<void>;
  /** The machines this provider runs (created, not deleted), or undefined when it cannot know (exec). */
  list(): Promise<string[] | undefined>;
  /** Releases what the provider itself holds (child processes it supervises, sockets); machines stay unless the provider cannot outlive its owner. */
  close(): Promise<void>;
}

/** Makes the provider of a pool's `spec.provider`; an Error when this server cannot offer that type (the pool's ProviderReady condition carries its message). */
export type ProviderFactory = (pool: string, spec: { type: string; exec?: { create: string[]; delete: string[]; timeoutMs: number } }) => NodeProvider;
