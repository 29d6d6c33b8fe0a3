// A ReplicaSet's status from the pods it owns (calculateStatus): replicas,
// fullyLabeledReplicas, readyReplicas, availableReplicas (ready for
// minReadySeconds), observedGeneration, and the ReplicaFailure condition,
// set while creating or deleting pods fails and removed once it succeeds.

import type { KObject } from '../../api/object.js';
import { isPodAvailable, isPodReady } from '../../controller/pod-state.js';

export interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface ManageFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

export interface ReplicaCounts {
  replicas: number;
  fullyLabeled: number;
  ready: number;
  available: number;
}

/** The counts of the pods a sync claimed (pod-tally.ts keeps the same counts from events). */
export function countPods(rs: KObject, pods: readonly KObject[], now: number): ReplicaCounts {
  const spec = rs.spec as { minReadySeconds?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  const templateLabels = Object.entries(spec.template?.metadata?.labels ?? {});
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fully++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, spec.minReadySeconds ?? 0, now)) available++;
    }
  }
  return { replicas: pods.length, fullyLabeled: fully, ready, available };
}

export function calculateStatus(o: { rs: KObject; counts: ReplicaCounts; failure: ManageFailure | undefined; now: number }): ReplicaSetStatus {
  const old = (o.rs.status ?? {}) as ReplicaSetStatus;
  let conditions = (old.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const existing = (old.conditions ?? []).find((c) => c.type === 'ReplicaFailure');
  if (o.failure) {
    conditions = [
      ...conditions,
      existing ?? { type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(o.now).toISOString().replace(/\.\d+Z$/, 'Z'), reason: o.failure.reason, message: o.failure.message },
    ];
  }
  const status: ReplicaSetStatus = {
    replicas: o.counts.replicas,
    fullyLabeledReplicas: o.counts.fullyLabeled,
    readyReplicas: o.counts.ready,
    availableReplicas: o.counts.available,
    observedGeneration: o.rs.metadata.generation ?? 0,
  };
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

/** Equal the way the API stores them (zero counts are omitted there). */
export function sameStatus(a: ReplicaSetStatus, b: ReplicaSetStatus): boolean {
  const norm = (s: ReplicaSetStatus): string =>
    JSON.stringify([s.replicas ?? 0, s.fullyLabeledReplicas ?? 0, s.readyReplicas ?? 0, s.availableReplicas ?? 0, s.observedGeneration ?? 0, s.conditions ?? []]);
  return norm(a) === norm(b);
}
