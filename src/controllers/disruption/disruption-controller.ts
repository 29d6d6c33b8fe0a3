// The disruption controller (kube-controller-manager's pkg/controller/disruption):
// keeps the status of every PodDisruptionBudget true to the pods it selects,
// so the eviction subresource can decide from the status alone.
//
// - Keys are PDBs. A pod change enqueues every PDB whose selector matches the
//   pod (before and after the change); a pod matched by several PDBs gets a
//   MultiplePodDisruptionBudgets warning, as in Kubernetes.
// - sync computes expectedPods / desiredHealthy (budget.ts, with the scale of
//   the pods' controllers from the informers for percentages and
//   maxUnavailable: expected-scale.ts), currentHealthy, disruptionsAllowed,
//   drops disruptedPods entries the eviction API wrote once the pod is seen
//   terminating or DeletionTimeout (2 min) has passed, and writes status with
//   the DisruptionAllowed condition — only when something changed, always as
//   a compare-and-swap on the cached resourceVersion.
// - A failure other than a conflict "fails safe": disruptionsAllowed becomes
//   0 with DisruptionAllowed=False/SyncFailed, so no eviction is admitted on
//   a budget the controller could not compute.
// - A second queue of pod keys resets a DisruptionTarget condition the
//   eviction API left on a pod that was never deleted (stale-condition.ts).

import type { KObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';
import { DEPLOYMENTS, PDBS, PODS, REPLICASETS, STATEFULSETS } from '../../client/resources.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { Controller, type ReconcileResult } from '../../controller/controller.js';
import { BY_NAMESPACE } from '../../controller/informers.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';
import { buildDisruptedPodMap, countHealthyPods, disruptionsAllowed, expectedAndDesired } from './budget.js';
import { conditionsAreUpToDate, DISRUPTION_ALLOWED, setStatusCondition, SYNC_FAILED, updateDisruptionAllowedCondition } from '../../machinery/pdb/condition.js';
import { expectedScale, type ScaleLookup } from './expected-scale.js';
import { labelSelectorString } from './selector-string.js';
import { DISRUPTION_TARGET, msUntilStale, podConditions } from './stale-condition.js';
import { pdbSpecOf, pdbStatusOf, rfc3339, type PdbStatus } from '../../machinery/pdb/pdb.js';
import { deepEqual } from '../../machinery/deep-equal.js';

/** Kubernetes' disruption controller records its events as this component. */
const EVENT_COMPONENT = 'controllermanager';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sameDisruptedPods(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a?.[k] === b[k]);
}

export class DisruptionController implements RunnableController {
  readonly name = 'disruption-controller';
  private readonly ctx: ControllerContext;
  private readonly log: Logger;
  private readonly controller: Controller;
  private readonly staleController: Controller;
  private readonly recorder: EventRecorder;
  private readonly pdbs: Informer;
  private readonly pods: Informer;
  private readonly lookup: ScaleLookup;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
    this.log = ctx.log.child({ controller: this.name });
    this.controller = new Controller({ name: this.name, reconcile: (k) => this.sync(k), clock: ctx.clock, log: ctx.log });
    this.staleController = new Controller({ name: `${this.name}-stale-pod-disruption`, reconcile: (k) => this.syncStalePodDisruption(k), clock: ctx.clock, log: ctx.log, workers: 1 });
    this.recorder = ctx.recorder(EVENT_COMPONENT);
    this.pdbs = ctx.informers.for(PDBS);
    this.pods = ctx.informers.for(PODS);
    const rs = ctx.informers.for(REPLICASETS);
    const deployments = ctx.informers.for(DEPLOYMENTS);
    const statefulSets = ctx.informers.for(STATEFULSETS);
    this.lookup = {
      replicaSet: (ns, name) => rs.get(`${ns}/${name}`),
      deployment: (ns, name) => deployments.get(`${ns}/${name}`),
      statefulSet: (ns, name) => statefulSets.get(`${ns}/${name}`),
    };
    const enqueuePdb = (pdb: KObject): void => this.controller.enqueue(objectKey(pdb));
    this.pdbs.on({ add: enqueuePdb, update: enqueuePdb, delete: enqueuePdb });
    this.pods.on({
      add: (pod) => this.podChanged(pod),
      update: (pod, old) => {
        this.podChanged(pod);
        if (!deepEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {})) this.enqueueMatching(old);
      },
      delete: (pod) => this.enqueueMatching(pod),
    });
  }

  start(): void {
    this.controller.start();
    this.staleController.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.controller.stop(), this.staleController.stop()]);
  }

  async idle(): Promise<void> {
    await Promise.all([this.controller.idle(), this.staleController.idle()]);
  }

  private podChanged(pod: KObject): void {
    this.enqueueMatching(pod);
    const ms = msUntilStale(pod, this.ctx.clock.now());
    if (ms !== undefined) this.staleController.queue.addAfter(objectKey(pod), ms);
  }

  /** The PDBs of the pod's namespace whose selector matches it (an empty selector matches every pod, a missing one none). */
  private pdbsFor(pod: KObject): KObject[] {
    const out: KObject[] = [];
    for (const pdb of this.pdbs.byIndex(BY_NAMESPACE, pod.metadata.namespace ?? '')) {
      try {
        if (selectorFromLabelSelector(pdbSpecOf(pdb).selector).matches(pod.metadata.labels ?? {})) out.push(pdb);
      } catch (err) {
        // An invalid selector matches nothing (GetPodPodDisruptionBudgets skips it).
        this.log.debug({ pdb: objectKey(pdb), err: message(err) }, 'invalid selector');
      }
    }
    return out.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }

  private enqueueMatching(pod: KObject): void {
    const matching = this.pdbsFor(pod);
    if (matching.length > 1) {
      const msg = `Pod ${JSON.stringify(pod.metadata.namespace ?? '')}/${JSON.stringify(pod.metadata.name ?? '')} matches multiple PodDisruptionBudgets.  Chose ${JSON.stringify(matching[0]!.metadata.name ?? '')} arbitrarily.`;
      this.log.info({ pod: objectKey(pod) }, msg);
      this.recorder.record(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg);
    }
    // Kubernetes enqueues only the first; every matching budget is enqueued here so none goes stale.
    for (const pdb of matching) this.controller.enqueue(objectKey(pdb));
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return;
    try {
      return await this.trySync(pdb);
    } catch (err) {
      // A conflict only means the cache was behind: retry without failing safe.
      if (err instanceof ApiError && err.code === 409) throw err;
      this.log.error({ key, err: message(err) }, 'failed to sync PDB');
      await this.failSafe(pdb, err);
    }
  }

  private podsOf(pdb: KObject): KObject[] {
    try {
      const sel = selectorFromLabelSelector(pdbSpecOf(pdb).selector);
      return this.pods.byIndex(BY_NAMESPACE, pdb.metadata.namespace ?? '').filter((p) => sel.matches(p.metadata.labels ?? {}));
    } catch (err) {
      this.recorder.record(pdb, 'Warning', 'NoPods', `Failed to get pods: ${message(err)}`);
      throw err;
    }
  }

  private async trySync(pdb: KObject): Promise<ReconcileResult | void> {
    const spec = pdbSpecOf(pdb);
    const pods = this.podsOf(pdb);
    if (pods.length === 0) this.recorder.record(pdb, 'Normal', 'NoPods', 'No matching pods found');

    let unmanaged: string[] = [];
    let counts: { expected: number; desired: number };
    try {
      counts = expectedAndDesired(spec, pods.length, () => {
        const s = expectedScale(pods, this.lookup);
        unmanaged = s.unmanaged;
        return s.expected;
      });
    } catch (err) {
      this.recorder.record(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${message(err)}`);
      throw err;
    }
    if (unmanaged.length > 0) {
      this.log.debug({ pdb: objectKey(pdb), pods: unmanaged }, 'found unmanaged pods associated with this PDB');
      this.recorder.record(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${labelSelectorString(spec.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }

    const now = this.ctx.clock.now();
    const disrupted = buildDisruptedPodMap(pods, pdbStatusOf(pdb).disruptedPods, now);
    for (const pod of disrupted.expired) {
      this.log.info({ pod: objectKey(pod), pdb: objectKey(pdb) }, 'pod was expected to be deleted but it was not; updating PDB');
      // Kubernetes prints the PDB's namespace twice here (not its name); kept as users see it.
      this.recorder.record(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace ?? ''}/${pdb.metadata.namespace ?? ''} to be deleted but it wasn't`);
    }
    const healthy = countHealthyPods(pods, disrupted.kept, now);
    await this.writeStatus(pdb, { healthy, ...counts, disruptedPods: disrupted.kept }, now);
    // Look again just after the earliest disruptedPods entry expires (+1 ms: an entry expires strictly after the timeout).
    if (disrupted.recheckAt !== undefined) return { requeueAfter: Math.max(0, disrupted.recheckAt - now) + 1 };
  }

  /** updatePdbStatus: writes only when a field, the observed generation or the condition is out of date. */
  private async writeStatus(pdb: KObject, c: { healthy: number; desired: number; expected: number; disruptedPods: Record<string, string> }, now: number): Promise<void> {
    const old = pdbStatusOf(pdb);
    const generation = pdb.metadata.generation ?? 1;
    const allowed = disruptionsAllowed(c.healthy, c.desired, c.expected);
    if (
      old.currentHealthy === c.healthy &&
      old.desiredHealthy === c.desired &&
      old.expectedPods === c.expected &&
      old.disruptionsAllowed === allowed &&
      sameDisruptedPods(old.disruptedPods, c.disruptedPods) &&
      old.observedGeneration === generation &&
      conditionsAreUpToDate(old, generation)
    ) {
      return;
    }
    const status: PdbStatus = {
      observedGeneration: generation,
      ...(Object.keys(c.disruptedPods).length > 0 ? { disruptedPods: c.disruptedPods } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: c.healthy,
      desiredHealthy: c.desired,
      expectedPods: c.expected,
      ...(old.conditions ? { conditions: old.conditions } : {}),
    };
    updateDisruptionAllowedCondition(status, now);
    await this.ctx.client.update(PDBS, { ...pdb, status }, 'status');
  }

  /** Allows no disruption while the budget cannot be computed (the "fail open" guard of the design). */
  private async failSafe(pdb: KObject, err: unknown): Promise<void> {
    const status = structuredClone(pdbStatusOf(pdb));
    status.disruptionsAllowed = 0;
    setStatusCondition(
      status,
      { type: DISRUPTION_ALLOWED, status: 'False', ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}), reason: SYNC_FAILED, message: message(err) },
      this.ctx.clock.now(),
    );
    await this.ctx.client.update(PDBS, { ...pdb, status }, 'status');
  }

  /** syncStalePodDisruption: DisruptionTarget=True on a pod never deleted becomes False after two minutes. */
  private async syncStalePodDisruption(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.get(key);
    if (!pod) return;
    const now = this.ctx.clock.now();
    const ms = msUntilStale(pod, now);
    if (ms === undefined) return;
    if (ms > 0) return { requeueAfter: ms };
    const fresh = structuredClone(pod);
    const conditions = podConditions(fresh).map((c) => (c.type === DISRUPTION_TARGET ? { type: DISRUPTION_TARGET, status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(now) } : c));
    fresh.status = { ...(fresh.status as object), conditions };
    await this.ctx.client.update(PODS, fresh, 'status');
    this.log.info({ pod: key }, 'reset stale DisruptionTarget condition to False');
  }
}
