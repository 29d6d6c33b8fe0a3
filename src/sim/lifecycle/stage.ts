// A stage, the unit of simulated lifecycle: "which pods (selector), after
// what delay, become what (next)". Stages are data read from YAML by
// parse.ts; this file only names their validated shape.
//
// Invariants (parse.ts enforces them, the engine relies on them):
// - `name` is a DNS-1123 label, unique within a profile;
// - `probability` ∈ [0, 1]; a fixed delay has ms ≥ 0 and jitterMs ≥ 0;
// - `next` either deletes the pod (optionally with an event) or describes a
//   status; never both, never neither;
// - a terminal next phase never comes with running/waiting containers, and
//   Succeeded never with a non-zero exit code.

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
export type PodPhase = (typeof POD_PHASES)[number];

export const NEXT_PHASES = ['Running', 'Succeeded', 'Failed'] as const;
export type NextPhase = (typeof NEXT_PHASES)[number];

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export const CONTAINER_STATES = ['running', 'terminated', 'waiting'] as const;
export type ContainerStateKind = (typeof CONTAINER_STATES)[number];

export const EVENT_TYPES = ['Normal', 'Warning'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Every given field must hold for the stage to apply; an empty selector matches every pod. */
export interface Selector {
  /** status.phase in the list; a pod without status.phase counts as Pending */
  phase?: PodPhase[];
  /** metadata.deletionTimestamp set (true) or not (false) */
  deleting?: boolean;
  /** the Ready condition is True (true) or not (false) */
  ready?: boolean;
  /** every spec container has a status in state running (true), or some has not (false) */
  containersRunning?: boolean;
  /** spec.restartPolicy (default Always) in the list */
  restartPolicy?: RestartPolicy[];
  /** the kind of the controller ownerReference in the list (a pod without one never matches) */
  ownerKinds?: string[];
  matchLabels?: Record<string, string>;
  /** exact value match */
  matchAnnotations?: Record<string, string>;
}

export type Delay =
  /** ms + draw · jitterMs */
  | { kind: 'fixed'; ms: number; jitterMs: number }
  /** crash-loop back-off by the pod's highest container restartCount (delay.ts) */
  | { kind: 'backoff' };

/** An event the runtime records when the stage is carried out; the message may hold {{pod}}, {{namespace}}, {{uid}}, {{container}}, {{node}}. */
export interface EventTemplate {
  type: EventType;
  reason: string;
  message: string;
}

/** The pod is deleted (grace 0, uid precondition). */
export interface DeleteNext {
  delete: true;
  event?: EventTemplate;
}

/** The pod gets a new, complete status; see next-status.ts for how each field is derived. */
export interface StatusNext {
  delete?: undefined;
  /** omitted: derived from the containers' states and the restart policy, as the kubelet's getPhase */
  phase?: NextPhase;
  /** every container's state; omitted: terminated for a terminal phase, running for Running or restart, else unchanged */
  containers?: ContainerStateKind;
  /** for terminated containers; default 0 */
  exitCode?: number;
  /** reason of a terminated (default Completed / Error by exit code) or waiting (default CrashLoopBackOff after a run, else ContainerCreating) state */
  reason?: string;
  /** every container starts a new instance: restartCount + 1, lastState = the previous instance, terminated */
  restart?: boolean;
  event?: EventTemplate;
}

export type Next = DeleteNext | StatusNext;

export interface Stage {
  name: string;
  resource: 'Pod';
  selector: Selector;
  probability: number;
  delay: Delay;
  next: Next;
  /** the file the stage came from, for messages */
  source: string;
}
