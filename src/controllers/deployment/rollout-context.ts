// One sync of one Deployment: the working copy of the Deployment (replaced
// by what each write returns, so later writes carry the newest
// resourceVersion), its claimed ReplicaSets, and the writes every strategy
// shares (sync.go): find or create the new ReplicaSet and keep revisions in
// order, scale a ReplicaSet with the ScalingReplicaSet event, write status,
// delete history past revisionHistoryLimit. A failed write throws: the key
// is retried with backoff, and a 409 (stale cache) is normal.

import type { ApiClient } from '../../client/api-client.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { DEPLOYMENTS, REPLICASETS } from '../../client/resources.js';
import { controllerOf, controllerRef } from '../../controller/controller-ref.js';
import { computeHash } from '../../controller/hash.js';
import type { Clock } from '../../lib/clock/clock.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { maxRevision, REVISION, replicasAnnotationsNeedUpdate, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { getCondition, newCondition, PROGRESSING, REASON, setCondition } from './conditions.js';
import { desiredReplicas, maxSurge } from './fenceposts.js';
import { newRSNewReplicas } from './proportion.js';
import { byRevision, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets } from './replica-sets.js';
import { calculateStatus, hasProgressDeadline, msUntilProgressCheck, rolloutStatus, sameStatus } from './status.js';
import {
  POD_TEMPLATE_HASH, rsReplicas, rsSpec, rsStatus, specOf, statusOf, withReplicas,
  type Deployment, type DeploymentStatus, type ReplicaSet,
} from './types.js';

export interface RolloutDeps {
  client: ApiClient;
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
  /** the informer's ReplicaSet, by namespace/name */
  cachedReplicaSet(key: string): ReplicaSet | undefined;
}

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

export class RolloutContext {
  /** the Deployment as last written (or read): a private copy */
  d: Deployment;
  /** the Deployment's ReplicaSets, each replaced by what a write of it returned */
  readonly rsList: ReplicaSet[];
  /** when to look again (the progress deadline), if a sync says so */
  requeueAfter: number | undefined;

  constructor(
    private readonly deps: RolloutDeps,
    o: { deployment: Deployment; rsList: ReplicaSet[] },
  ) {
    this.d = structuredClone(o.deployment);
    this.rsList = o.rsList;
  }

  private get ns(): string {
    return this.d.metadata.namespace ?? '';
  }

  /** getAllReplicaSetsAndSyncRevision */
  async replicaSets(createIfNotExisted: boolean): Promise<ReplicaSets> {
    const oldRSs = findOldReplicaSets(this.d, this.rsList);
    const newRS = await this.newReplicaSet(oldRSs, createIfNotExisted);
    return { newRS, oldRSs };
  }

  /**
   * getNewReplicaSet: the ReplicaSet running the Deployment's template, its
   * revision raised above every old one; created (named
   * `<deployment>-<hash>`) when missing and `create` is set.
   */
  private async newReplicaSet(oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const existing = findNewReplicaSet(this.d, this.rsList);
    const newRevision = maxRevision(oldRSs, this.deps.log) + 1;
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(this.d, copy, newRevision, true);
      const minReady = specOf(this.d).minReadySeconds ?? 0;
      if (annotationsChanged || (rsSpec(copy).minReadySeconds ?? 0) !== minReady) {
        copy.spec = { ...(copy.spec as object), minReadySeconds: minReady };
        // The Deployment's revision follows on the next sync, from the updated ReplicaSet.
        const updated = await this.deps.client.update(REPLICASETS, copy);
        this.replace(updated);
        return updated;
      }
      const status = structuredClone(statusOf(this.d));
      let statusChanged = false;
      if (hasProgressDeadline(this.d) && !getCondition(status, PROGRESSING)) {
        setCondition(status, newCondition(this.deps.clock.now(), PROGRESSING, 'True', REASON.foundNewRS, `Found new replica set "${copy.metadata.name}"`));
        statusChanged = true;
      }
      await this.writeStatus(status, { revision: copy.metadata.annotations?.[REVISION], force: statusChanged });
      return copy;
    }
    if (!create) return undefined;
    return this.createNewReplicaSet(oldRSs, newRevision);
  }

  private async createNewReplicaSet(oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const spec = specOf(this.d);
    const template = structuredClone(spec.template ?? {});
    const hash = computeHash(spec.template ?? {}, statusOf(this.d).collisionCount);
    const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    template.metadata = { ...(template.metadata ?? {}), labels };
    const selector = structuredClone(spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const name = `${this.d.metadata.name}-${hash}`;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: this.ns, ownerReferences: [controllerRef(this.d, 'apps/v1', 'Deployment')], labels: { ...labels } },
      spec: { replicas: 0, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newRSNewReplicas(this.d, [...oldRSs, rs], rs);
    (rs.spec as { replicas: number }).replicas = replicas;
    setNewReplicaSetAnnotations(this.d, rs, newRevision, false);

    let createdRS: ReplicaSet;
    let alreadyExists = false;
    try {
      createdRS = await this.deps.client.create(REPLICASETS, this.ns, rs);
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'AlreadyExists') {
        alreadyExists = true;
        const found = this.deps.cachedReplicaSet(`${this.ns}/${name}`);
        if (!found) throw err;
        // Ours, with our template: a slow cache. Anything else is a hash collision.
        if (controllerOf(found)?.uid === this.d.metadata.uid && equalIgnoreHash(specOf(this.d).template, rsSpec(found).template)) {
          createdRS = found;
        } else {
          const status = structuredClone(statusOf(this.d));
          const before = status.collisionCount ?? 0;
          status.collisionCount = before + 1;
          await this.writeStatus(status, { force: true });
          this.deps.log.info({ deployment: this.d.metadata.name, oldCollisionCount: before, newCollisionCount: before + 1 }, 'hash collision; bumping collisionCount');
          throw err;
        }
      } else {
        const msg = `Failed to create new replica set "${name}": ${err instanceof Error ? err.message : String(err)}`;
        if (hasProgressDeadline(this.d)) {
          const status = structuredClone(statusOf(this.d));
          setCondition(status, newCondition(this.deps.clock.now(), PROGRESSING, 'False', REASON.failedRSCreate, msg));
          await this.writeStatus(status, { force: true }).catch((e: unknown) => this.deps.log.debug({ err: String(e) }, 'status after a failed create'));
        }
        this.deps.recorder.record(this.d, 'Warning', REASON.failedRSCreate, msg);
        throw err;
      }
    }
    if (!alreadyExists && replicas > 0) {
      this.deps.recorder.record(this.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${createdRS.metadata.name} from 0 to ${replicas}`);
    }
    const status = structuredClone(statusOf(this.d));
    if (!alreadyExists && hasProgressDeadline(this.d)) {
      setCondition(status, newCondition(this.deps.clock.now(), PROGRESSING, 'True', REASON.newReplicaSet, `Created new replica set "${createdRS.metadata.name}"`));
    }
    await this.writeStatus(status, { revision: String(newRevision) });
    if (!this.rsList.some((x) => x.metadata.uid === createdRS.metadata.uid)) this.rsList.push(createdRS);
    return createdRS;
  }

  /**
   * Writes `status` (when it differs, or `force`) and the revision
   * annotation (when given and different) in one /status write, as
   * Kubernetes does: the Deployment status strategy keeps annotation changes
   * and never bumps the generation.
   */
  async writeStatus(status: DeploymentStatus, o: { revision?: string | undefined; force?: boolean } = {}): Promise<void> {
    const revisionChanged = o.revision !== undefined && this.d.metadata.annotations?.[REVISION] !== o.revision;
    if (!o.force && !revisionChanged && sameStatus(status, statusOf(this.d))) return;
    const next = structuredClone(this.d);
    next.status = status;
    if (revisionChanged) next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION]: o.revision! };
    this.d = await this.deps.client.update(DEPLOYMENTS, next, 'status');
  }

  /** scaleReplicaSetAndRecordEvent */
  async scaleAndRecord(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (rsReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scale(rs, newScale, rsReplicas(rs) < newScale ? 'up' : 'down');
  }

  /** scaleReplicaSet: spec.replicas and the replicas annotations in one update; the event only for a size change. */
  async scale(rs: ReplicaSet, newScale: number, op: 'up' | 'down' | ''): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const want = desiredReplicas(this.d);
    const max = want + maxSurge(this.d);
    const sizeChanged = rsReplicas(rs) !== newScale;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, want, max)) return { scaled: false, rs };
    const oldScale = rsReplicas(rs);
    const copy = withReplicas(rs, newScale);
    setReplicasAnnotations(copy, want, max);
    const updated = await this.deps.client.update(REPLICASETS, copy);
    this.replace(updated);
    if (sizeChanged) {
      this.deps.recorder.record(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
    }
    return { scaled: sizeChanged, rs: updated };
  }

  private replace(rs: ReplicaSet): void {
    const i = this.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rsList[i] = rs;
  }

  /** cleanupDeployment: deletes the oldest idle ReplicaSets past revisionHistoryLimit. */
  async cleanup(oldRSs: readonly ReplicaSet[]): Promise<void> {
    const limit = specOf(this.d).revisionHistoryLimit;
    if (limit === undefined || limit === 2147483647) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      const st = rsStatus(rs);
      // Only a ReplicaSet that is idle and whose controller has seen it so.
      if ((st.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) continue;
      this.deps.log.debug({ deployment: this.d.metadata.name, replicaSet: rs.metadata.name }, 'cleaning up old replica set');
      try {
        await this.deps.client.delete(REPLICASETS, this.ns, rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid ?? '' } });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
  }

  /** syncDeploymentStatus */
  async syncStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    await this.writeStatus(calculateStatus(allRSs, newRS, this.d, this.deps.clock.now()));
  }

  /** syncRolloutStatus: status with progress, and a look again at the progress deadline. */
  async syncRolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = this.deps.clock.now();
    const status = rolloutStatus(allRSs, newRS, this.d, now);
    this.requeueAfter = sameStatus(status, statusOf(this.d)) ? msUntilProgressCheck(this.d, status, now) : undefined;
    await this.writeStatus(status);
  }
}
