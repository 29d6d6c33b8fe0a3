// pods/eviction (policy/v1 Eviction): a delete that honours
// PodDisruptionBudgets, deciding from the budget's *status* as kube-apiserver
// does (pkg/registry/core/pod/storage/eviction.go); the disruption
// controller keeps that status true to the pods.
//
// - A pod that is terminal, Pending or already being deleted has caused (or
//   causes) no disruption: it is deleted directly (with a resourceVersion
//   precondition for a Pending pod, which could become Ready meanwhile).
// - More than one matching PDB: 500, as Kubernetes refuses to choose.
// - A Ready pod spends one disruption: `disruptionsAllowed` is checked and
//   decremented, and the pod recorded in `status.disruptedPods`, in one
//   compare-and-swap on the PDB status, re-read and retried on conflict, so
//   two concurrent evictions can never spend the same disruption. 0 allowed
//   (or a status behind the PDB's generation) → 429 TooManyRequests with a
//   DisruptionBudget cause.
// - An unready pod spends nothing: it may go when the policy is AlwaysAllow,
//   or (IfHealthyBudget, the default) when the budget is currently met;
//   the delete then carries the resourceVersion the decision saw, and a pod
//   that changed meanwhile is refused with 429.
// - Before the delete the pod gets DisruptionTarget=True
//   (EvictionByEvictionAPI); dryRun writes nothing at all.

import type { KObject } from '../../api/object.js';
import { findResource, type ResourceInfo } from '../../api/resources.js';
import { DISRUPTION_ALLOWED, INSUFFICIENT_PODS, setStatusCondition } from '../../machinery/pdb/condition.js';
import { pdbSpecOf, pdbStatusOf, rfc3339, type PdbStatus } from '../../machinery/pdb/pdb.js';
import type { Clock } from '../../lib/clock/clock.js';
import { ApiError, conflict } from '../../machinery/errors.js';
import { selectorFromLabelSelector } from '../../machinery/labels/selector.js';
import { systemContext, type RequestContext } from '../registry/context.js';
import { listObjects } from '../registry/list.js';
import type { DeleteOptions, Registry } from '../registry/registry.js';
import { deepCopy } from '../../machinery/deep-copy.js';

/** retries of a conflicting pod read-and-delete or PDB decrement (EvictionsRetry has 20 steps) */
const EVICTION_RETRIES = 20;
/** MaxDisruptedPodSize: evictions the controller has not yet confirmed, per PDB */
const MAX_DISRUPTED_POD_SIZE = 2000;

const PDB_RESOURCE = findResource('policy', 'v1', 'poddisruptionbudgets')!;

export interface EvictOptions {
  registry: Registry;
  pods: ResourceInfo;
  namespace: string;
  name: string;
  deleteOptions: DeleteOptions;
  ctx: RequestContext;
  /** the time written into disruptedPods (default: the registry's clock, which also stamps deletionTimestamp) */
  clock?: Clock;
}

function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409;
}

function phaseOf(pod: KObject): string {
  return ((pod.status ?? {}) as { phase?: string }).phase ?? '';
}

function isReady(pod: KObject): boolean {
  const conds = ((pod.status ?? {}) as { conditions?: { type: string; status: string }[] }).conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** canIgnorePDB: the pod is done, not yet running, or already going. */
function canIgnorePDB(pod: KObject): boolean {
  const p = phaseOf(pod);
  return p === 'Succeeded' || p === 'Failed' || p === 'Pending' || Boolean(pod.metadata.deletionTimestamp);
}

/** shouldEnforceResourceVersion: a non-terminal pod not being deleted could become Ready under us. */
function shouldEnforceResourceVersion(pod: KObject): boolean {
  const p = phaseOf(pod);
  return !(p === 'Succeeded' || p === 'Failed' || pod.metadata.deletionTimestamp);
}

function withResourceVersion(opts: DeleteOptions, rv: string | undefined): DeleteOptions {
  return { ...opts, preconditions: { ...(opts.preconditions ?? {}), ...(rv ? { resourceVersion: rv } : {}) } };
}

function budgetError(message: string): ApiError {
  return new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ reason: 'DisruptionBudget', message }] });
}

/** createTooManyRequestsError: the budget's status is not (yet) trustworthy. */
function stillProcessing(pdbName: string): ApiError {
  return budgetError(`The disruption budget ${pdbName} is still being processed by the server.`);
}

function forbiddenPdb(name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `poddisruptionbudget.policy ${JSON.stringify(name)} is forbidden: ${why}`, { name, group: 'policy', kind: 'poddisruptionbudget' });
}

async function all(registry: Registry, r: ResourceInfo, ns: string): Promise<KObject[]> {
  const page = await listObjects({ store: registry.store, cache: registry.cache, resource: r, req: { namespace: ns, filter: () => true, limit: 0, continueToken: '', resourceVersion: '', resourceVersionMatch: '' } });
  return page.entries.map((e) => e.obj);
}

/** getPodDisruptionBudgets: an empty selector matches every pod, a missing or invalid one none. */
async function budgetsFor(registry: Registry, pod: KObject): Promise<KObject[]> {
  return (await all(registry, PDB_RESOURCE, pod.metadata.namespace ?? '')).filter((pdb) => {
    try {
      return selectorFromLabelSelector(pdbSpecOf(pdb).selector).matches(pod.metadata.labels ?? {});
    } catch (err) {
      if (err instanceof ApiError && err.code === 400) return false;
      throw err;
    }
  });
}

/**
 * addConditionAndDeletePod: DisruptionTarget=True on the latest pod (checked
 * against the delete's preconditions), then the delete; a resourceVersion
 * precondition follows the pod past the condition write.
 */
async function addConditionAndDelete(o: EvictOptions, opts: DeleteOptions, now: number): Promise<void> {
  let del = opts;
  if (!o.ctx.dryRun) {
    const res = await o.registry.update(
      o.pods,
      o.namespace,
      o.name,
      (latest) => {
        const pre = opts.preconditions;
        const q = { resource: 'Pod', group: '', name: o.name };
        if (pre?.uid && pre.uid !== latest.metadata.uid) {
          throw conflict(q, `the UID in the precondition (${pre.uid}) does not match the UID in record (${latest.metadata.uid ?? ''}). The object might have been deleted and then recreated`);
        }
        if (pre?.resourceVersion && pre.resourceVersion !== latest.metadata.resourceVersion) {
          throw conflict(q, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${latest.metadata.resourceVersion ?? ''}). The object might have been modified`);
        }
        const status = (latest.status ?? {}) as { conditions?: Record<string, unknown>[] };
        const conditions = status.conditions ?? [];
        const old = conditions.find((c) => c.type === 'DisruptionTarget');
        const cond = {
          type: 'DisruptionTarget',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: old && old.status === 'True' && typeof old.lastTransitionTime === 'string' ? old.lastTransitionTime : rfc3339(now),
          reason: 'EvictionByEvictionAPI',
          message: 'Eviction API: evicting',
        };
        latest.status = { ...status, conditions: old ? conditions.map((c) => (c === old ? cond : c)) : [...conditions, cond] };
        return latest;
      },
      { ctx: o.ctx, subresource: 'status' },
    );
    if (opts.preconditions?.resourceVersion) del = withResourceVersion(opts, res.obj.metadata.resourceVersion);
  }
  await o.registry.delete(o.pods, o.namespace, o.name, del, o.ctx);
}

/**
 * checkAndDecrement: spends one disruption of `pdb` on `podName` in a
 * compare-and-swap on the status it was read at (a 409 means: re-read, retry).
 */
async function checkAndDecrement(o: EvictOptions, pdb: KObject, podName: string, now: number): Promise<void> {
  const name = pdb.metadata.name ?? '';
  const status: PdbStatus = deepCopy(pdbStatusOf(pdb));
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) throw stillProcessing(name);
  if (status.disruptionsAllowed < 0) throw forbiddenPdb(name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) throw forbiddenPdb(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (status.disruptionsAllowed === 0) throw budgetError(`The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`);
  status.disruptionsAllowed--;
  if (status.disruptionsAllowed === 0) {
    setStatusCondition(status, { type: DISRUPTION_ALLOWED, status: 'False', ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}), reason: INSUFFICIENT_PODS, message: '' }, now);
  }
  if (o.ctx.dryRun) return;
  status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: rfc3339(now) };
  // The API server's own write (Kubernetes uses its loopback client): the evicting user need not be allowed to write PDB status.
  await o.registry.update(PDB_RESOURCE, pdb.metadata.namespace ?? '', name, (cur) => ({ ...cur, status }), {
    ctx: systemContext('system:apiserver'),
    subresource: 'status',
    pinnedRv: pdb.metadata.resourceVersion ?? '',
  });
}

export async function evictPod(o: EvictOptions): Promise<void> {
  const { registry, pods, namespace, name } = o;
  const clock = o.clock ?? registry.clock;
  const original = o.deleteOptions;
  const clientPinnedRv = Boolean(original.preconditions?.resourceVersion);

  // A pod that can go regardless of budgets goes now (conflicts retried unless the client pinned a version).
  let pod: KObject | undefined;
  for (let attempt = 0; ; attempt++) {
    pod = await registry.get(pods, namespace, name);
    if (!canIgnorePDB(pod)) break;
    const opts = shouldEnforceResourceVersion(pod) && !clientPinnedRv ? withResourceVersion(original, pod.metadata.resourceVersion) : original;
    try {
      await addConditionAndDelete(o, opts, clock.now());
      return;
    } catch (err) {
      if (!isConflict(err) || clientPinnedRv || attempt + 1 >= EVICTION_RETRIES) throw err;
    }
  }

  const pdbs = await budgetsFor(registry, pod);
  if (pdbs.length > 1) {
    throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  let pdb = pdbs[0];
  if (!pdb) {
    await addConditionAndDelete(o, original, clock.now());
    return;
  }
  const pdbName = pdb.metadata.name ?? '';

  // An unready pod does not count towards the budget: it may go without spending a disruption.
  let unhealthyMayGo = false;
  if (!isReady(pod)) {
    const status = pdbStatusOf(pdb);
    if (pdbSpecOf(pdb).unhealthyPodEvictionPolicy === 'AlwaysAllow') unhealthyMayGo = true;
    else if (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0) unhealthyMayGo = true;
  }

  if (!unhealthyMayGo) {
    for (let attempt = 0; ; attempt++) {
      try {
        await checkAndDecrement(o, pdb, name, clock.now());
        break;
      } catch (err) {
        if (!isConflict(err) || attempt + 1 >= EVICTION_RETRIES) throw err;
        pdb = await registry.get(PDB_RESOURCE, namespace, pdbName);
      }
    }
  }

  // The decision saw this version of the pod: an unready pod that became Ready since must not go unbudgeted.
  const opts = unhealthyMayGo ? withResourceVersion(original, pod.metadata.resourceVersion) : original;
  try {
    await addConditionAndDelete(o, opts, clock.now());
  } catch (err) {
    if (isConflict(err) && unhealthyMayGo && !clientPinnedRv) throw stillProcessing(pdbName);
    throw err;
  }
}
