// A StatefulSet's revisions (getPatch, ApplyRevision, getStatefulSetRevisions):
// a revision's data is `{spec: {template: {…, $patch: replace}}}`, the
// strategic merge patch that restores that template — what `kubectl rollout
// undo` applies — and it carries the set's annotations (so CHANGE-CAUSE shows
// in `kubectl rollout history`).
//
// The update revision is the set's current template: the newest revision if
// it is equal, an older equal revision re-numbered as the newest (a
// rollback), or a new revision. The current revision is the one
// status.currentRevision names, or the update revision when there is none.

import type { KObject, OwnerReference } from '../../api/object.js';
import { ControllerHistory, equalRevision, findEqualRevisions, newRevision, revisionData, revisionNumber, sortRevisions } from '../../controller/history/controller-history.js';
import { specOf } from './identity.js';

export function revisionPatch(set: KObject): { spec: { template: Record<string, unknown> } } {
  const template = structuredClone((specOf(set).template ?? {}) as Record<string, unknown>);
  template.$patch = 'replace';
  return { spec: { template } };
}

/** The set with the template of `rev` (ApplyRevision: the patch replaces spec.template). */
export function applyRevision(set: KObject, rev: KObject): KObject {
  const out = structuredClone(set);
  const data = revisionData(rev) as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = data?.spec?.template;
  if (template) {
    const { $patch: _directive, ...rest } = template;
    (out.spec as Record<string, unknown>).template = structuredClone(rest);
  }
  return out;
}

export interface SetRevisions {
  current: KObject;
  update: KObject;
  collisionCount: number;
}

/** getStatefulSetRevisions: may create a revision, or re-number an old one (rollback). */
export async function resolveRevisions(o: { set: KObject; owner: OwnerReference; revisions: readonly KObject[]; history: ControllerHistory }): Promise<SetRevisions> {
  const { set } = o;
  const revisions = sortRevisions(o.revisions);
  const status = (set.status ?? {}) as { collisionCount?: number; currentRevision?: string };
  let collisionCount = status.collisionCount ?? 0;
  const last = revisions[revisions.length - 1];
  const next = last ? revisionNumber(last) + 1 : 1;
  const annotations = set.metadata.annotations;
  const candidate = newRevision({ parent: set, owner: o.owner, templateLabels: specOf(set).template?.metadata?.labels ?? {}, data: revisionPatch(set), revision: next, collisionCount });
  if (annotations && Object.keys(annotations).length > 0) candidate.metadata.annotations = { ...annotations };

  const equal = findEqualRevisions(revisions, candidate);
  const lastEqual = equal[equal.length - 1];
  let update: KObject;
  if (lastEqual && equalRevision(last, lastEqual)) {
    // Nothing changed since the newest revision.
    update = last!;
  } else if (lastEqual) {
    // Back to an older template: that revision becomes the newest.
    update = await o.history.setRevisionNumber(lastEqual, next);
  } else {
    const made = await o.history.create(set, candidate, collisionCount);
    update = made.revision;
    collisionCount = made.collisionCount;
  }
  const current = revisions.find((r) => r.metadata.name === status.currentRevision) ?? update;
  return { current, update, collisionCount };
}
