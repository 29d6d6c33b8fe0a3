// The PDB's DisruptionAllowed condition (component-helpers'
// poddisruptionbudget package, shared by the controller and the eviction
// subresource): True/SufficientPods while disruptions are allowed,
// False/InsufficientPods otherwise, False/SyncFailed when the controller could
// not compute the budget. Setting a condition keeps lastTransitionTime unless
// the status flips (meta.SetStatusCondition).
//
// This module imports only types so the API server's eviction handler can use
// it too (Kubernetes keeps it in k8s.io/component-helpers for that reason).

import { setCondition } from '../conditions.js';
import type { PdbCondition, PdbStatus } from './pdb.js';

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

/** meta.SetStatusCondition: replaces the condition of the same type, keeping lastTransitionTime when the status is unchanged. */
export function setStatusCondition(status: PdbStatus, c: Omit<PdbCondition, 'lastTransitionTime'>, nowMs: number): void {
  status.conditions = setCondition(status.conditions ?? [], c, nowMs);
}

/** pdbhelper.UpdateDisruptionAllowedCondition */
export function updateDisruptionAllowedCondition(status: PdbStatus, nowMs: number): void {
  const allowed = status.disruptionsAllowed > 0;
  setStatusCondition(
    status,
    {
      type: DISRUPTION_ALLOWED,
      status: allowed ? 'True' : 'False',
      ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}),
      reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS,
      message: '',
    },
    nowMs,
  );
}

/** pdbhelper.ConditionsAreUpToDate */
export function conditionsAreUpToDate(status: PdbStatus, generation: number): boolean {
  const c = (status.conditions ?? []).find((x) => x.type === DISRUPTION_ALLOWED);
  if (!c || status.observedGeneration !== generation) return false;
  return status.disruptionsAllowed > 0 ? c.status === 'True' && c.reason === SUFFICIENT_PODS : c.status === 'False' && c.reason === INSUFFICIENT_PODS;
}
