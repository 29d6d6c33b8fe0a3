// The policy/v1 PodDisruptionBudget as the disruption controller and the
// eviction subresource read and write it (JSON field names; status fields in
// the order Kubernetes serialises them).

import type { KObject } from '../../api/object.js';
import type { LabelSelectorJson } from '../labels/selector.js';
import type { Condition } from '../conditions.js';

export { rfc3339 } from '../conditions.js';

export interface PdbSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: LabelSelectorJson | null;
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

/** metav1.Condition */
export type PdbCondition = Condition;

export interface PdbStatus {
  observedGeneration?: number;
  /** pod name → when the eviction API admitted its eviction (RFC 3339) */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}

export function pdbSpecOf(pdb: KObject): PdbSpec {
  return (pdb.spec ?? {}) as PdbSpec;
}

export function pdbStatusOf(pdb: KObject): PdbStatus {
  const s = (pdb.status ?? {}) as Partial<PdbStatus>;
  return { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...s };
}
