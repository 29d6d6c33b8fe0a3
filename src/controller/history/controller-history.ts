// ControllerRevision history (pkg/controller/history), shared by the
// StatefulSet and DaemonSet controllers: an immutable snapshot (`data`, the
// patch that restores the parent's template) per distinct template, named
// `<parent>-<hash>` and labelled `controller.kubernetes.io/hash: <hash>`,
// owned by the parent as controller, numbered by `revision` (the newest is
// the highest; `kubectl rollout history|undo` reads them).
//
// Invariants:
// - Two revisions with the same hash label are equal (the hash covers the data
//   and the parent's collisionCount); without labels the data is compared.
// - A name already taken by a revision with different data is a hash
//   collision: `create` bumps the collision count and tries the next name, and
//   returns the count the parent must store in status.collisionCount.
// - Revisions are written, never edited, except their `revision` number
//   (a rollback to an old template re-numbers the old revision as the newest).

import type { KObject, OwnerReference } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import type { Informer } from '../../client/informer.js';
import { CONTROLLERREVISIONS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import type { LabelSelector } from '../../machinery/labels/selector.js';
import { adoptPatch, claim, releasePatch } from '../controller-ref.js';
import { computeHash } from '../hash.js';
import { BY_CONTROLLER, BY_NAMESPACE } from '../informers.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** names are at most 253 characters: the prefix is cut so `<prefix>-<hash>` fits (ControllerRevisionName) */
const MAX_PREFIX = 223;

export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > MAX_PREFIX ? prefix.slice(0, MAX_PREFIX) : prefix}-${hash}`;
}

/** The hash of a revision's data, with the parent's collision count as probe (HashControllerRevision). */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  return computeHash(data, collisionCount);
}

export function revisionNumber(rev: KObject): number {
  const n = (rev as { revision?: unknown }).revision;
  return typeof n === 'number' ? n : 0;
}

export function revisionData(rev: KObject): unknown {
  return (rev as { data?: unknown }).data;
}

export function revisionHash(rev: KObject): string | undefined {
  return rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}

/** A new (unsaved) revision of `parent` (NewControllerRevision); `create` names and labels it. */
export function newRevision(o: { parent: KObject; owner: OwnerReference; templateLabels?: Record<string, string>; data: unknown; revision: number; collisionCount?: number }): KObject {
  const hash = hashRevisionData(o.data, o.collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(o.parent.metadata.name ?? '', hash),
      namespace: o.parent.metadata.namespace ?? '',
      labels: { ...(o.templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [o.owner],
    },
    data: structuredClone(o.data),
    revision: o.revision,
  };
}

/** Oldest first: by revision number, then creation time, then name (SortControllerRevisions). */
export function sortRevisions(revs: readonly KObject[]): KObject[] {
  return [...revs].sort((a, b) => {
    const d = revisionNumber(a) - revisionNumber(b);
    if (d !== 0) return d;
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
}

/** EqualRevision: same hash label when both have one, else the same data. */
export function equalRevision(a: KObject | undefined, b: KObject | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = revisionHash(a);
  const hb = revisionHash(b);
  if (ha !== undefined && hb !== undefined) return ha === hb;
  return sameData(revisionData(a), revisionData(b));
}

/** The revisions of `revs` equal to `needle`, in the order given. */
export function findEqualRevisions(revs: readonly KObject[], needle: KObject): KObject[] {
  return revs.filter((r) => equalRevision(r, needle));
}

/** The number a new revision gets: one more than the highest (NextRevision). */
export function nextRevisionNumber(revs: readonly KObject[]): number {
  return revs.reduce((m, r) => Math.max(m, revisionNumber(r)), 0) + 1;
}

function sameData(a: unknown, b: unknown): boolean {
  // Canonical form (sorted keys), so field order never matters.
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

/** The history of one kind of parent over the API and the ControllerRevision informer. */
export class ControllerHistory {
  private readonly client: ApiClient;
  private readonly informer: Informer;

  constructor(o: { client: ApiClient; informer: Informer }) {
    this.client = o.client;
    this.informer = o.informer;
  }

  /**
   * The revisions `parent` controls, after adopting orphans its selector
   * matches (when `canAdopt` agrees: a fresh read says the parent still
   * lives) and releasing owned ones it no longer matches.
   */
  async list(parent: KObject, o: { selector: LabelSelector; owner: OwnerReference; canAdopt: () => Promise<boolean> }): Promise<KObject[]> {
    const uid = parent.metadata.uid ?? '';
    const candidates = new Map<string, KObject>();
    for (const r of this.informer.byIndex(BY_CONTROLLER, uid)) candidates.set(r.metadata.name ?? '', r);
    for (const r of this.informer.byIndex(BY_NAMESPACE, parent.metadata.namespace ?? '')) {
      if (!r.metadata.ownerReferences?.some((x) => x.controller === true)) candidates.set(r.metadata.name ?? '', r);
    }
    const owned: KObject[] = [];
    let adopt: boolean | undefined;
    for (const rev of candidates.values()) {
      const c = claim(parent, rev, o.selector.matches(rev.metadata.labels ?? {}));
      if (c === 'owned') owned.push(rev);
      else if (c === 'adopt') {
        adopt ??= await o.canAdopt();
        if (!adopt) continue;
        const got = await this.patchQuietly(rev, adoptPatch(rev, o.owner));
        if (got) owned.push(got);
      } else if (c === 'release') await this.patchQuietly(rev, releasePatch(rev, uid));
    }
    return owned;
  }

  /**
   * Creates `rev` (from `newRevision`) under the name its hash gives; on a
   * name taken by different data, bumps the collision count and retries. An
   * existing revision with the same data is returned as is.
   */
  async create(parent: KObject, rev: KObject, collisionCount = 0): Promise<{ revision: KObject; collisionCount: number }> {
    let count = collisionCount;
    for (;;) {
      const hash = hashRevisionData(revisionData(rev), count);
      const body: KObject = structuredClone(rev);
      body.metadata.name = revisionName(parent.metadata.name ?? '', hash);
      body.metadata.namespace = parent.metadata.namespace ?? '';
      body.metadata.labels = { ...(body.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
      try {
        return { revision: await this.client.create(CONTROLLERREVISIONS, body.metadata.namespace, body), collisionCount: count };
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
      const existing = await this.client.get(CONTROLLERREVISIONS, body.metadata.namespace, body.metadata.name);
      if (sameData(revisionData(existing), revisionData(body))) return { revision: existing, collisionCount: count };
      count++;
    }
  }

  /** Sets a revision's number (a rollback makes an old revision the newest); a no-op when it already has it. */
  async setRevisionNumber(rev: KObject, n: number): Promise<KObject> {
    if (revisionNumber(rev) === n) return rev;
    return this.client.patch(CONTROLLERREVISIONS, rev.metadata.namespace ?? '', rev.metadata.name ?? '', 'merge', { revision: n });
  }

  async delete(rev: KObject): Promise<void> {
    try {
      await this.client.delete(CONTROLLERREVISIONS, rev.metadata.namespace ?? '', rev.metadata.name ?? '', { preconditions: { uid: rev.metadata.uid ?? '' } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  /**
   * Deletes the oldest revisions that are not `live` until at most `limit`
   * non-live ones remain (truncateHistory): live revisions (the current and
   * update revisions, or those pods still run) are never deleted.
   */
  async truncate(revs: readonly KObject[], o: { limit: number; live: (rev: KObject) => boolean }): Promise<void> {
    const history = sortRevisions(revs).filter((r) => !o.live(r));
    const excess = history.length - Math.max(0, o.limit);
    for (let i = 0; i < excess; i++) await this.delete(history[i]!);
  }

  private async patchQuietly(rev: KObject, patch: object): Promise<KObject | undefined> {
    try {
      return await this.client.patch(CONTROLLERREVISIONS, rev.metadata.namespace ?? '', rev.metadata.name ?? '', 'strategic', patch);
    } catch (err) {
      // Gone or changed under us (the uid precondition): the next sync sees the truth.
      if (err instanceof ApiError && (err.code === 404 || err.code === 422)) return undefined;
      throw err;
    }
  }
}
