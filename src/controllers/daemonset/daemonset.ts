// The apps/v1 DaemonSet fields this controller reads, as typed views over the
// generic KObject (cached objects are read-only: copy before changing), and
// the update strategy's numbers (util.SurgeCount, util.UnavailableCount,
// util.AllowsSurge). A missing field reads as the API would default it.

import { scaledValueOrZero } from '../../machinery/intstr.js';
import type { KObject } from '../../api/object.js';
import type { LabelSelectorJson } from '../../machinery/labels/selector.js';
import type { PodTemplate } from '../../controller/pod-template.js';

export type DaemonSet = KObject;

export interface DaemonSetSpec {
  selector?: LabelSelectorJson;
  template?: PodTemplate;
  updateStrategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled?: number;
  numberMisscheduled?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: unknown[];
}

export function specOf(ds: DaemonSet): DaemonSetSpec {
  return (ds.spec ?? {}) as DaemonSetSpec;
}

export function statusOf(ds: DaemonSet): DaemonSetStatus {
  return (ds.status ?? {}) as DaemonSetStatus;
}

export function minReadySeconds(ds: DaemonSet): number {
  return specOf(ds).minReadySeconds ?? 0;
}

export function isRollingUpdate(ds: DaemonSet): boolean {
  return (specOf(ds).updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** util.SurgeCount: 0 unless RollingUpdate with maxSurge; percentages round up. */
export function surgeCount(ds: DaemonSet, numberToSchedule: number): number {
  if (!isRollingUpdate(ds)) return 0;
  return scaledValueOrZero(specOf(ds).updateStrategy?.rollingUpdate?.maxSurge, numberToSchedule, true);
}

/** util.UnavailableCount: 0 unless RollingUpdate; percentages round up. */
export function unavailableCount(ds: DaemonSet, numberToSchedule: number): number {
  if (!isRollingUpdate(ds)) return 0;
  return scaledValueOrZero(specOf(ds).updateStrategy?.rollingUpdate?.maxUnavailable, numberToSchedule, true);
}

/** util.AllowsSurge: more than one pod may run on a node during an update. */
export function allowsSurge(ds: DaemonSet): boolean {
  return surgeCount(ds, 1) > 0;
}
