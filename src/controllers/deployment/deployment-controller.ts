// The Deployment controller (kube-controller-manager's, pkg/controller/
// deployment): rolls a Deployment's pod template out through ReplicaSets
// named `<deployment>-<pod-template-hash>` and keeps its status.
//
// - It claims ReplicaSets by selector (adopting orphans, releasing owned
//   ones that stop matching); pods belong to ReplicaSets, never to it.
// - One sync, in Kubernetes' order: a selector that selects everything is
//   refused (SelectingAll); a Deployment being deleted only gets status;
//   pause/resume set the Progressing condition; a paused Deployment or a
//   scaling event only scales (proportionally during a rollout); otherwise
//   the strategy takes one step (rolling.ts, recreate.ts).
// - The progress deadline is checked on the injected clock: a rollout that
//   makes no progress is looked at again exactly when its deadline passes.
// - It never creates pods, so it needs no expectations: ReplicaSet names are
//   deterministic (a stale cache meets AlreadyExists, not a duplicate).

import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../../client/resources.js';
import type { ReconcileResult } from '../../controller/controller.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { claimObjects } from '../../controller/claim.js';
import { resolveControllerRef } from '../../controller/owners.js';
import { controllerOf } from '../../controller/controller-ref.js';
import { BY_CONTROLLER, BY_NAMESPACE } from '../../controller/informers.js';
import { isPodTerminal } from '../../controller/pod-state.js';
import { ApiError } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels/selector.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { RolloutContext } from './rollout-context.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, isScalingEvent, syncScaling, syncStatusOnly } from './scaling.js';
import { specOf, statusOf, type Deployment } from './types.js';
import { deepEqual } from '../../machinery/deep-equal.js';

export class DeploymentController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly dInformer: Informer;
  private readonly rsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('deployment-controller', ctx);
    this.ctx = ctx;
    this.recorder = ctx.recorder(this.name);
    this.dInformer = ctx.informers.for(DEPLOYMENTS);
    this.rsInformer = ctx.informers.for(REPLICASETS);
    this.podInformer = ctx.informers.for(PODS);
    const enqueue = (d: KObject): void => this.controller.enqueue(objectKey(d));
    this.dInformer.on({ add: enqueue, update: enqueue, delete: enqueue });
    this.rsInformer.on({
      add: (rs) => this.replicaSetAdded(rs),
      update: (rs, old) => this.replicaSetUpdated(rs, old),
      delete: (rs) => this.enqueueOwner(rs),
    });
    this.podInformer.on({
      // Recreate waits for old pods to be gone or finished; nothing else about pods matters here.
      update: (pod, old) => {
        if (isPodTerminal(pod) && !isPodTerminal(old)) this.podStopped(pod);
      },
      delete: (pod) => this.podStopped(pod),
    });
  }

  protected reconcile(k: string): Promise<ReconcileResult | void> {
    return this.sync(k);
  }

  /** The Deployment controlling `obj`, if it still exists with that uid. */
  private ownerOf(obj: KObject): Deployment | undefined {
    return resolveControllerRef(this.dInformer, obj, 'Deployment') as Deployment | undefined;
  }

  private enqueueOwner(rs: KObject): void {
    const d = this.ownerOf(rs);
    if (d) this.controller.enqueue(objectKey(d));
  }

  /** getDeploymentsForReplicaSet: Deployments whose (non-empty) selector matches an orphan. */
  private enqueueMatching(rs: KObject): void {
    for (const d of this.dInformer.byIndex(BY_NAMESPACE, rs.metadata.namespace ?? '')) {
      const sel = selectorOrUndefined(d);
      if (sel && !sel.empty && sel.matches(rs.metadata.labels ?? {})) this.controller.enqueue(objectKey(d));
    }
  }

  private replicaSetAdded(rs: KObject): void {
    if (rs.metadata.deletionTimestamp) return this.enqueueOwner(rs);
    if (controllerOf(rs)) return this.enqueueOwner(rs);
    this.enqueueMatching(rs);
  }

  private replicaSetUpdated(rs: KObject, old: KObject): void {
    if (rs.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const ref = controllerOf(rs);
    const oldRef = controllerOf(old);
    const refChanged = ref?.uid !== oldRef?.uid;
    if (refChanged && oldRef) this.enqueueOwner(old);
    if (ref) return this.enqueueOwner(rs);
    const labelsChanged = !deepEqual(rs.metadata.labels ?? {}, old.metadata.labels ?? {});
    if (labelsChanged || refChanged) this.enqueueMatching(rs);
  }

  private podStopped(pod: KObject): void {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.rsInformer.get(`${pod.metadata.namespace}/${ref.name}`);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.ownerOf(rs);
    if (d && specOf(d).strategy?.type === 'Recreate') this.controller.enqueue(objectKey(d));
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const cached = this.dInformer.get(key);
    if (!cached) return;
    const log = this.ctx.log.child({ controller: this.name, key });
    const selector = specOf(cached).selector;
    if (selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
      // An empty selector would claim every ReplicaSet of the namespace.
      this.recorder.record(cached, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((statusOf(cached).observedGeneration ?? 0) < (cached.metadata.generation ?? 0)) {
        await this.ctx.client.update(DEPLOYMENTS, { ...structuredClone(cached), status: { ...statusOf(cached), observedGeneration: cached.metadata.generation } }, 'status');
      }
      return;
    }
    const rsList = await this.claimReplicaSets(cached);
    const c = new RolloutContext(
      { client: this.ctx.client, recorder: this.recorder, clock: this.ctx.clock, log, cachedReplicaSet: (k) => this.rsInformer.get(k) },
      { deployment: cached, rsList },
    );
    if (cached.metadata.deletionTimestamp) {
      await syncStatusOnly(c);
      return;
    }
    await checkPausedConditions(c, this.ctx.clock.now());
    if (specOf(c.d).paused) {
      await syncScaling(c);
      return;
    }
    if (await isScalingEvent(c)) {
      await syncScaling(c);
      return;
    }
    const type = specOf(c.d).strategy?.type ?? 'RollingUpdate';
    switch (type) {
      case 'Recreate':
        await rolloutRecreate(c, this.podMap(c.d, rsList));
        break;
      case 'RollingUpdate':
        await rolloutRolling(c);
        break;
      default:
        throw new Error(`unexpected deployment strategy type: ${type}`);
    }
    if (c.requeueAfter !== undefined) return { requeueAfter: c.requeueAfter };
  }

  /** getReplicaSetsForDeployment: adopts matching orphans, releases owned ReplicaSets that stopped matching. */
  private async claimReplicaSets(d: Deployment): Promise<KObject[]> {
    const selector = selectorOrUndefined(d);
    if (!selector) throw new Error(`deployment ${objectKey(d)} has invalid label selector`);
    const owned = await claimObjects({
      client: this.ctx.client,
      owner: d,
      ownerResource: DEPLOYMENTS,
      childResource: REPLICASETS,
      candidates: this.rsInformer.byIndex(BY_NAMESPACE, d.metadata.namespace ?? ''),
      matches: (rs) => selector.matches(rs.metadata.labels ?? {}),
    });
    // The rollout changes what it holds: copies, never the cache's objects.
    return owned.map((rs) => structuredClone(rs));
  }

  /** getPodMapForDeployment: pods matching the selector, by the uid of the claimed ReplicaSet controlling them. */
  private podMap(d: Deployment, rsList: KObject[]): PodMap {
    const selector = selectorOrUndefined(d);
    const map: PodMap = new Map();
    for (const rs of rsList) {
      const uid = rs.metadata.uid ?? '';
      map.set(uid, this.podInformer.byIndex(BY_CONTROLLER, uid).filter((p) => selector?.matches(p.metadata.labels ?? {}) ?? false));
    }
    return map;
  }
}

function selectorOrUndefined(d: Deployment): LabelSelector | undefined {
  try {
    return selectorFromLabelSelector(specOf(d).selector);
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}
