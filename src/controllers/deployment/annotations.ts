// The annotations that carry a Deployment's history on its ReplicaSets
// (deploymentutil): `deployment.kubernetes.io/revision` (the rollout
// sequence; the new ReplicaSet always holds the highest), `revision-history`
// (earlier revisions a ReplicaSet served, when a rollback revived it),
// `desired-replicas` and `max-replicas` (spec.replicas and replicas+maxSurge
// when the ReplicaSet was last scaled: they tell a scaling event from a
// rollout and give the proportions of a proportional scale). Every other
// Deployment annotation (kubernetes.io/change-cause, …) is copied onto the
// new ReplicaSet, which is where `kubectl rollout history` reads it.

import type { Logger } from '../../lib/log/log.js';
import { desiredReplicas, maxSurge } from './fenceposts.js';
import type { Deployment, ReplicaSet } from './types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';

/** revision-history is capped at this many characters (the oldest entries go first) */
export const MAX_REV_HISTORY_CHARS = 2000;

const SKIP = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, DEPRECATED_ROLLBACK_TO]);

/** The revision of an object; 0 without the annotation, undefined when it is not a number. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata.annotations?.[REVISION];
  if (v === undefined) return 0;
  return /^[0-9]+$/.test(v) ? Number.parseInt(v, 10) : undefined;
}

export function maxRevision(rss: readonly ReplicaSet[], log?: Logger): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v === undefined) log?.debug({ replicaSet: rs.metadata.name }, 'unparsable revision; skipped');
    else if (v > max) max = v;
  }
  return max;
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^-?[0-9]+$/.test(v) ? Number.parseInt(v, 10) : undefined;
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS);
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS);
}

/** Sets desired-replicas and max-replicas on `rs` (mutates it); true when either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations (but the
 * skipped ones) onto `rs`, raises its revision to `newRevision` when lower
 * (remembering the old one in revision-history: a rollback), and, for a
 * ReplicaSet about to be created, sets the replicas annotations. Mutates
 * `rs`; true when anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldText = a[REVISION];
  let oldRevision = 0;
  if (oldText !== undefined && oldText !== '') {
    if (!/^[0-9]+$/.test(oldText)) return false;
    oldRevision = Number.parseInt(oldText, 10);
  }
  if (oldRevision < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = a[REVISION_HISTORY] ?? '';
      if (history === '') a[REVISION_HISTORY] = oldText;
      else {
        const parts = history.split(',');
        let total = history.length + oldText.length + 1;
        let start = 0;
        while (total > MAX_REV_HISTORY_CHARS && start < parts.length) {
          total -= parts[start]!.length + 1;
          start++;
        }
        if (total <= MAX_REV_HISTORY_CHARS) a[REVISION_HISTORY] = [...parts.slice(start), oldText].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}
