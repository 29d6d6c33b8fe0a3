// The apps/v1 Deployment and ReplicaSet fields this controller reads, as
// typed views over the generic KObject (objects from the informer cache are
// read-only: copy before changing). Defaults match the API's, so a missing
// field reads as Kubernetes would default it.

import type { KObject } from '../../api/object.js';
import type { LabelSelectorJson } from '../../machinery/labels/selector.js';
import type { PodTemplate } from '../../controller/pod-template.js';

export type Deployment = KObject;
export type ReplicaSet = KObject;

export interface Condition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelectorJson;
  template?: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelectorJson;
  template?: PodTemplate;
}

export interface ReplicaSetStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';

export function specOf(d: Deployment): DeploymentSpec {
  return (d.spec ?? {}) as DeploymentSpec;
}

export function statusOf(d: Deployment): DeploymentStatus {
  return (d.status ?? {}) as DeploymentStatus;
}

export function rsSpec(rs: ReplicaSet): ReplicaSetSpec {
  return (rs.spec ?? {}) as ReplicaSetSpec;
}

export function rsStatus(rs: ReplicaSet): ReplicaSetStatus {
  return (rs.status ?? {}) as ReplicaSetStatus;
}

/** *(rs.Spec.Replicas) */
export function rsReplicas(rs: ReplicaSet): number {
  return rsSpec(rs).replicas ?? 1;
}

/** A deep copy of `rs` with spec.replicas set. */
export function withReplicas(rs: ReplicaSet, n: number): ReplicaSet {
  const copy = structuredClone(rs);
  copy.spec = { ...(copy.spec as object), replicas: n };
  return copy;
}
