// Claiming (pkg/controller's ClaimPods / ClaimReplicaSets): of the candidate
// objects, a controller keeps those it owns that still match, adopts matching
// orphans — only after a fresh read shows the owner still exists with the
// same uid and is not being deleted (a stale cache must never adopt for a
// dead owner) — and releases owned objects that stopped matching. A patch
// that finds its object gone (404) or replaced by another of the same name
// (the uid in the patch: 409/422) is no error: the next sync sees why.

import type { KObject } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';
import { groupVersion } from '../api/resources.js';
import type { ApiClient } from '../client/api-client.js';
import { ApiError } from '../machinery/errors.js';
import { adoptPatch, claim, controllerRef, releasePatch } from './controller-ref.js';

/** A once-per-sync check (RecheckDeletionTimestamp) that `owner` may adopt: memoised, shareable between claims. */
export function adoptionCheck(client: ApiClient, ownerResource: ResourceInfo, owner: KObject): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () =>
    (answer ??= (async () => {
      try {
        const fresh = await client.get(ownerResource, owner.metadata.namespace ?? '', owner.metadata.name ?? '');
        return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return false;
        throw err;
      }
    })());
}

export interface ClaimOptions {
  client: ApiClient;
  owner: KObject;
  ownerResource: ResourceInfo;
  childResource: ResourceInfo;
  candidates: Iterable<KObject>;
  matches: (obj: KObject) => boolean;
  /** defaults to a fresh adoptionCheck of `owner` */
  canAdopt?: () => Promise<boolean>;
}

/** The candidates the owner ends up controlling (owned ones as cached, adopted ones as patched). */
export async function claimObjects(o: ClaimOptions): Promise<KObject[]> {
  const canAdopt = o.canAdopt ?? adoptionCheck(o.client, o.ownerResource, o.owner);
  const ref = controllerRef(o.owner, groupVersion(o.ownerResource), o.ownerResource.kind);
  const owned: KObject[] = [];
  for (const obj of o.candidates) {
    const c = claim(o.owner, obj, o.matches(obj));
    if (c === 'owned') owned.push(obj);
    else if (c === 'adopt') {
      if (!(await canAdopt())) continue;
      const adopted = await patchQuietly(o, obj, adoptPatch(obj, ref));
      if (adopted) owned.push(adopted);
    } else if (c === 'release') await patchQuietly(o, obj, releasePatch(obj, o.owner.metadata.uid ?? ''));
  }
  return owned;
}

async function patchQuietly(o: ClaimOptions, obj: KObject, patch: object): Promise<KObject | undefined> {
  try {
    return await o.client.patch(o.childResource, obj.metadata.namespace ?? '', obj.metadata.name ?? '', 'strategic', patch);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 404 || err.code === 409 || err.code === 422)) return undefined;
    throw err;
  }
}
