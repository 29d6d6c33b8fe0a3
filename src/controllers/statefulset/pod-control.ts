// The StatefulSet controller's writes (stateful_pod_control.go): a pod is
// created only after its claims exist; an identity or storage drift is fixed
// by an update; every pod write is reported as an event on the set with
// Kubernetes' wording ("create Pod web-0 in StatefulSet web successful",
// "delete Pod web-1 in StatefulSet web failed error: …"), claims as
// "create Claim data-web-0 Pod web-0 in StatefulSet web success".
//
// Claims are read from the PVC informer's cache; a claim being deleted
// blocks its pod (it would otherwise start on a volume that is going away).

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import { PODS, PVCS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { claimsFor, identityMatches, ordinalOf, storageMatches, updateIdentity, updateStorage } from './identity.js';
import { claimIsStale, claimOwnersFor, claimOwnersUpToDate, hasUnexpectedController, retentionPolicy } from './retention.js';

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class StatefulPodControl {
  constructor(
    private readonly o: { client: ApiClient; pvcs: Informer; recorder: EventRecorder },
  ) {}

  private podEvent(verb: 'create' | 'update' | 'delete', set: KObject, pod: KObject, err?: unknown): void {
    const Verb = verb[0]!.toUpperCase() + verb.slice(1);
    if (err === undefined) this.o.recorder.record(set, 'Normal', `Successful${Verb}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    else this.o.recorder.record(set, 'Warning', `Failed${Verb}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
  }

  private claimEvent(set: KObject, pod: KObject, claim: KObject, err?: unknown): void {
    if (err === undefined) this.o.recorder.record(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    else this.o.recorder.record(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
  }

  private cachedClaim(namespace: string, name: string): KObject | undefined {
    return this.o.pvcs.get(`${namespace}/${name}`);
  }

  /** createPersistentVolumeClaims: every missing claim; throws (after trying all) if one could not be made or is being deleted. */
  async createMissingClaims(set: KObject, pod: KObject): Promise<void> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const ns = claim.metadata.namespace ?? '';
      const existing = this.cachedClaim(ns, claim.metadata.name ?? '');
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      try {
        await this.o.client.create(PVCS, ns, claim);
        this.claimEvent(set, pod, claim);
      } catch (err) {
        errors.push(`failed to create PVC ${claim.metadata.name}: ${errorText(err)}`);
        if (!(err instanceof ApiError && err.code === 409)) this.claimEvent(set, pod, claim, err);
      }
    }
    if (errors.length === 1) throw new Error(errors[0]);
    if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  }

  /** CreateStatefulPod: claims first, then the pod, then the claims' retention owners (which need the pod's uid). */
  async createPod(set: KObject, pod: KObject): Promise<void> {
    try {
      await this.createMissingClaims(set, pod);
    } catch (err) {
      this.podEvent('create', set, pod, err);
      throw err;
    }
    let created: KObject;
    try {
      created = await this.o.client.create(PODS, pod.metadata.namespace ?? '', pod);
    } catch (err) {
      // AlreadyExists: the cache is behind (or the old pod is still there); no event, retry later.
      if (!(err instanceof ApiError && err.code === 409)) this.podEvent('create', set, pod, err);
      throw err;
    }
    try {
      await this.updateClaimsForRetention(set, created);
    } catch (err) {
      this.podEvent('update', set, created, err);
      throw err;
    }
    this.podEvent('create', set, created);
  }

  /**
   * UpdateStatefulPod: fix identity labels and claim volumes (creating missing
   * claims) and the claims' retention owners if they drifted; the pod is then
   * written (and an update event recorded), as Kubernetes does.
   */
  async updatePod(set: KObject, cached: KObject): Promise<void> {
    const pod = structuredClone(cached);
    let consistent = true;
    if (!identityMatches(set, pod)) {
      updateIdentity(set, pod);
      consistent = false;
    }
    try {
      if (!storageMatches(set, pod)) {
        updateStorage(set, pod);
        consistent = false;
        await this.createMissingClaims(set, pod);
      }
      if (!this.claimsMatchRetention(set, pod)) {
        await this.updateClaimsForRetention(set, pod);
        consistent = false;
      }
    } catch (err) {
      this.podEvent('update', set, pod, err);
      throw err;
    }
    if (consistent) return;
    try {
      await this.o.client.update(PODS, pod);
    } catch (err) {
      this.podEvent('update', set, pod, err);
      throw err;
    }
    this.podEvent('update', set, pod);
  }

  /** DeleteStatefulPod; the uid precondition keeps a stale cache from deleting a newer pod of the same name. */
  async deletePod(set: KObject, pod: KObject): Promise<void> {
    try {
      await this.o.client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
    } catch (err) {
      // Already gone (the cache was behind): nothing was deleted, nothing to report.
      if (err instanceof ApiError && err.code === 404) return;
      this.podEvent('delete', set, pod, err);
      throw err;
    }
    this.podEvent('delete', set, pod);
  }

  /** ClaimsMatchRetentionPolicy, from the cache (a missing claim matches: it is picked up later). */
  claimsMatchRetention(set: KObject, pod: KObject): boolean {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const c = this.cachedClaim(claim.metadata.namespace ?? '', claim.metadata.name ?? '');
      if (c && !claimOwnersUpToDate(c, set, pod)) return false;
    }
    return true;
  }

  /** UpdatePodClaimForRetentionPolicy: rewrite the ownerReferences of each claim that needs it. */
  async updateClaimsForRetention(set: KObject, pod: KObject): Promise<void> {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const c = this.cachedClaim(claim.metadata.namespace ?? '', claim.metadata.name ?? '');
      if (!c) continue; // not in the cache yet: the next sync sees it
      if (hasUnexpectedController(c, set, pod)) {
        this.o.recorder.record(set, 'Warning', 'ConflictingController', `PersistentVolumeClaim ${c.metadata.name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`);
      }
      if (claimOwnersUpToDate(c, set, pod)) continue;
      const next = structuredClone(c);
      const owners = claimOwnersFor(c, set, pod);
      if (owners.length > 0) next.metadata.ownerReferences = owners;
      else delete next.metadata.ownerReferences;
      try {
        await this.o.client.update(PVCS, next);
      } catch (err) {
        throw new Error(`could not update claim ${c.metadata.name} for delete policy ownerRefs: ${errorText(err)}`, { cause: err });
      }
    }
  }

  /** PodClaimIsStale: with whenScaled Delete, a claim still owned by an earlier pod of this name blocks the new pod. */
  claimIsStale(set: KObject, pod: KObject): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const c = this.cachedClaim(claim.metadata.namespace ?? '', claim.metadata.name ?? '');
      if (c && claimIsStale(c, pod)) return true;
    }
    return false;
  }
}
