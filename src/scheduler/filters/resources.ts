// NodeResourcesFit (filter part): the pod's effective requests (containers,
// sidecars, the largest init step, overhead) must fit in what the node's
// allocatable leaves after the requests of the pods already on it, and the
// node's "pods" allocatable must leave room for one more pod. Every shortage
// is its own reason, in Kubernetes' order: `Too many pods`, `Insufficient cpu`,
// `Insufficient memory`, `Insufficient ephemeral-storage`, then
// `Insufficient <extended resource>` (sorted by name; Go's map order is random).
// 1.32 reports all of them as Unschedulable (preemption might help).

import { reject, type FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { Resource } from '../resources.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';

const NONE: string[] = [];

/** fitsRequest: the reasons `pod` does not fit `node`, empty when it fits. */
export function insufficientResources(req: Readonly<Resource>, node: NodeInfo): string[] {
  const alloc = node.allocatable;
  const used = node.requested;
  const tooMany = node.podCount + 1 > alloc.allowedPodNumber;
  // The common case, asked per node per pod scheduled: everything fits, nothing allocated.
  if (
    !tooMany &&
    req.scalar.size === 0 &&
    req.milliCPU <= alloc.milliCPU - used.milliCPU &&
    req.memory <= alloc.memory - used.memory &&
    req.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage
  ) return NONE;
  const out: string[] = [];
  if (tooMany) out.push('Too many pods');
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return out;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) out.push('Insufficient cpu');
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) out.push('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) out.push('Insufficient ephemeral-storage');
  if (req.scalar.size > 0) for (const name of [...req.scalar.keys()].sort()) {
    const want = req.scalar.get(name) ?? 0;
    if (want === 0) continue;
    if (want > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: NODE_RESOURCES_FIT,
  prepare(cycle) {
    const req = cycle.pod.requests;
    return {
      kind: 'filter',
      check(node) {
        const reasons = insufficientResources(req, node);
        return reasons.length > 0 ? reject(NODE_RESOURCES_FIT, 'Unschedulable', ...reasons) : undefined;
      },
    };
  },
};
