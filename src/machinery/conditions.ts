// metav1.Condition and meta.SetStatusCondition, shared by every status that
// carries standard conditions (PodDisruptionBudget, NodePool): replacing a
// condition of the same type keeps its lastTransitionTime unless its status
// changes; a new type is appended.

/** metav1.Condition */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** metav1.Now() as it serialises: RFC 3339, whole seconds. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** meta.SetStatusCondition on a list: returns the new list (the given one is not changed). */
export function setCondition(list: readonly Condition[], c: Omit<Condition, 'lastTransitionTime'>, nowMs: number): Condition[] {
  const old = list.find((x) => x.type === c.type);
  const lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : rfc3339(nowMs);
  const next: Condition = { type: c.type, status: c.status, ...(c.observedGeneration ? { observedGeneration: c.observedGeneration } : {}), lastTransitionTime, reason: c.reason, message: c.message };
  return old ? list.map((x) => (x === old ? next : x)) : [...list, next];
}
