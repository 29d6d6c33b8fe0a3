// A merge or strategic-merge patch that names metadata.resourceVersion is an
// optimistic lock, as in Kubernetes: the patch applies only to that revision
// (409 Conflict otherwise). kubectl's `apply` and `patch` send one when the
// user's object carries it; a kubelet-like client sends one on status patches.

/** The resourceVersion a patch pins, or undefined (none, empty, or not an object patch). */
export function pinnedRvOfPatch(patch: unknown): string | undefined {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return undefined;
  const m = (patch as { metadata?: { resourceVersion?: unknown } }).metadata;
  return typeof m?.resourceVersion === 'string' && m.resourceVersion !== '' ? m.resourceVersion : undefined;
}
