// A DaemonSet's ControllerRevisions (update.go constructHistory, snapshot,
// dedupCurHistories, cleanupHistory), on the shared ControllerHistory
// (src/controller/history) for claiming, re-numbering and deleting.
//
// - A revision's `data` is the strategic merge patch that restores the
//   template: {"spec":{"template":{"$patch":"replace",…}}}, keys sorted as
//   Go's encoder writes them; `kubectl rollout undo` applies it as is, and a
//   revision is the current one when its data equals the DaemonSet's patch.
// - The current revision is named `<ds>-<hash>`, hash = ComputeHash(template,
//   status.collisionCount), labelled with the template's labels plus
//   `controller-revision-hash: <hash>` (the value new pods carry), annotated
//   with the DaemonSet's annotations (change-cause for `rollout history`),
//   numbered one above the highest old revision; re-applying an old template
//   re-numbers that revision instead of making a new one.
// - A name taken by a different template is a hash collision: the
//   DaemonSet's status.collisionCount goes up and the sync is retried.
// - Old revisions beyond revisionHistoryLimit go, oldest first, except those
//   a pod still runs.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import type { Informer } from '../../client/informer.js';
import { CONTROLLERREVISIONS, DAEMONSETS, PODS } from '../../client/resources.js';
import { controllerRef } from '../../controller/controller-ref.js';
import { computeHash } from '../../controller/hash.js';
import { ControllerHistory, revisionData, revisionName, revisionNumber, sortRevisions } from '../../controller/history/controller-history.js';
import { ApiError } from '../../machinery/errors.js';
import type { LabelSelector } from '../../machinery/labels/selector.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './daemon-pod.js';
import { specOf, statusOf, type DaemonSet } from './daemonset.js';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

/** getPatch: the patch that puts this DaemonSet's template back. */
export function daemonSetPatch(ds: DaemonSet): Record<string, unknown> {
  return sortKeys({ spec: { template: { ...(specOf(ds).template ?? {}), $patch: 'replace' } } }) as Record<string, unknown>;
}

/** Match: the revision holds exactly this DaemonSet's template. */
export function matchesRevision(ds: DaemonSet, rev: KObject): boolean {
  return JSON.stringify(sortKeys(revisionData(rev))) === JSON.stringify(daemonSetPatch(ds));
}

export class StaleCollisionCountError extends Error {}

export class DaemonSetHistory {
  private readonly client: ApiClient;
  private readonly history: ControllerHistory;

  constructor(o: { client: ApiClient; informer: Informer }) {
    this.client = o.client;
    this.history = new ControllerHistory(o);
  }

  /**
   * The current revision (made if missing) and the old ones. `ownedPods`
   * gives the DaemonSet's pods, relabelled when duplicate current revisions
   * are merged into one.
   */
  async construct(ds: DaemonSet, o: { selector: LabelSelector; canAdopt: () => Promise<boolean>; ownedPods: () => Promise<KObject[]> }): Promise<{ cur: KObject; old: KObject[] }> {
    const owner = controllerRef(ds, 'apps/v1', 'DaemonSet');
    const current: KObject[] = [];
    const old: KObject[] = [];
    for (let rev of await this.history.list(ds, { selector: o.selector, owner, canAdopt: o.canAdopt })) {
      // Revisions from elsewhere may lack the hash label; their name is unique, so it serves as the hash.
      if (rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === undefined) {
        rev = await this.client.patch(CONTROLLERREVISIONS, rev.metadata.namespace ?? '', rev.metadata.name ?? '', 'merge', { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: rev.metadata.name } } });
      }
      (matchesRevision(ds, rev) ? current : old).push(rev);
    }
    const next = old.reduce((m, r) => Math.max(m, revisionNumber(r)), 0) + 1;
    if (current.length === 0) return { cur: await this.snapshot(ds, next), old };
    const cur = await this.dedup(ds, current, o.ownedPods);
    if (revisionNumber(cur) < next) await this.history.setRevisionNumber(cur, next);
    return { cur, old };
  }

  /** cleanupHistory: old revisions beyond the limit go, oldest first, unless a pod still runs them. */
  async cleanup(ds: DaemonSet, old: readonly KObject[], pods: readonly KObject[]): Promise<void> {
    let toKill = old.length - (specOf(ds).revisionHistoryLimit ?? 10);
    if (toKill <= 0) return;
    const liveHashes = new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).filter((h): h is string => !!h));
    for (const rev of sortRevisions(old)) {
      if (toKill <= 0) break;
      if (liveHashes.has(rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '')) continue;
      await this.history.delete(rev);
      toKill--;
    }
  }

  /** dedupCurHistories: keep the highest-numbered, move pods onto its hash, delete the rest. */
  private async dedup(ds: DaemonSet, current: KObject[], ownedPods: () => Promise<KObject[]>): Promise<KObject> {
    if (current.length === 1) return current[0]!;
    let keep = current[0]!;
    for (const r of current) if (revisionNumber(r) >= revisionNumber(keep)) keep = r;
    const keepHash = keep.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
    for (const pod of await ownedPods()) {
      if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === keepHash) continue;
      await this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'merge', { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: keepHash } } });
    }
    for (const r of current) if (r !== keep) await this.history.delete(r);
    return keep;
  }

  /** snapshot: the revision of the current template; a name collision bumps status.collisionCount and throws (retry). */
  private async snapshot(ds: DaemonSet, revision: number): Promise<KObject> {
    const ns = ds.metadata.namespace ?? '';
    const template = specOf(ds).template ?? {};
    const collisionCount = statusOf(ds).collisionCount;
    const hash = computeHash(template, collisionCount);
    const rev: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: revisionName(ds.metadata.name ?? '', hash),
        namespace: ns,
        labels: { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
        ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(ds, 'apps/v1', 'DaemonSet')],
      },
      data: daemonSetPatch(ds),
      revision,
    };
    try {
      return await this.client.create(CONTROLLERREVISIONS, ns, rev);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      const existing = await this.client.get(CONTROLLERREVISIONS, ns, rev.metadata.name ?? '');
      if (matchesRevision(ds, existing)) return existing;
      // A different template under our name: a hash collision. Bump the count, unless ours was stale.
      const fresh = await this.client.get(DAEMONSETS, ns, ds.metadata.name ?? '');
      const freshCount = statusOf(fresh).collisionCount;
      if (freshCount !== collisionCount) {
        throw new StaleCollisionCountError(`found a stale collision count (${collisionCount ?? 0}, expected ${freshCount ?? 0}) of DaemonSet "${ds.metadata.name}" while processing; will retry until it is updated`);
      }
      await this.client.update(DAEMONSETS, { ...fresh, status: { ...statusOf(fresh), collisionCount: (freshCount ?? 0) + 1 } }, 'status');
      throw err;
    }
  }
}
