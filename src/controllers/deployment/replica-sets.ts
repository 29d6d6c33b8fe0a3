// Reading a Deployment's ReplicaSets (deploymentutil and controller_utils):
// which one is new (its template equals the Deployment's, ignoring the
// pod-template-hash label), which are old, the orders Kubernetes sorts them
// in, and the sums the rollout arithmetic works on. Pure functions over
// cached objects; nothing here writes.

import { revisionOf } from './annotations.js';
import { desiredReplicasAnnotation } from './annotations.js';
import { desiredReplicas } from './fenceposts.js';
import { POD_TEMPLATE_HASH, rsReplicas, rsSpec, rsStatus, specOf, type Deployment, type ReplicaSet } from './types.js';

/** JSON with null, undefined, {} and [] dropped: what the API would omit (omitempty). */
function normalized(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(normalized);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const n = normalized((v as Record<string, unknown>)[k]);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === null ? undefined : v;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalized(a)) === JSON.stringify(normalized(b));
}

function withoutHash(template: unknown): unknown {
  const t = structuredClone((template ?? {}) as { metadata?: { labels?: Record<string, string> } });
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH];
  return t;
}

/** EqualIgnoreHash */
export function equalIgnoreHash(t1: unknown, t2: unknown): boolean {
  return semanticEqual(withoutHash(t1), withoutHash(t2));
}

function created(rs: ReplicaSet): number {
  const t = Date.parse(rs.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** ReplicaSetsByCreationTimestamp: oldest first, name as the tie breaker. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
}

/** ReplicaSetsByRevision: lowest revision first, then by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreation(a, b);
  return ra - rb;
}

/** ReplicaSetsBySizeOlder: largest first, older first among equals. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(a, b);
}

/** ReplicaSetsBySizeNewer: largest first, newer first among equals. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(b, a);
}

/** FilterActiveReplicaSets: those that have (or ought to have) pods. */
export function activeReplicaSets(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && rsReplicas(rs) > 0);
}

type Counted = readonly (ReplicaSet | undefined)[];

/** GetReplicaCountForReplicaSets: the sum of spec.replicas. */
export function specReplicas(rss: Counted): number {
  return rss.reduce((n, rs) => n + (rs ? rsReplicas(rs) : 0), 0);
}

/** GetActualReplicaCountForReplicaSets: the sum of status.replicas. */
export function actualReplicas(rss: Counted): number {
  return rss.reduce((n, rs) => n + (rs ? (rsStatus(rs).replicas ?? 0) : 0), 0);
}

export function readyReplicas(rss: Counted): number {
  return rss.reduce((n, rs) => n + (rs ? (rsStatus(rs).readyReplicas ?? 0) : 0), 0);
}

export function availableReplicas(rss: Counted): number {
  return rss.reduce((n, rs) => n + (rs ? (rsStatus(rs).availableReplicas ?? 0) : 0), 0);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  const template = specOf(d).template;
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rsSpec(rs).template, template));
}

/** FindOldReplicaSets' second result: every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
}

/**
 * FindActiveOrLatest: the only active ReplicaSet, or the newest one when
 * none is active; undefined when several are active (then the Deployment
 * scales proportionally).
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  return active.length === 1 ? active[0] : undefined;
}

/** IsSaturated: the new ReplicaSet holds every desired replica, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = desiredReplicas(d);
  return rsReplicas(rs) === want && desiredReplicasAnnotation(rs) === want && (rsStatus(rs).availableReplicas ?? 0) === want;
}
