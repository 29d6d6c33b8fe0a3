// checkBindings of kube-scheduler 1.32's volume binder: after PreBind wrote
// a volume's claimRef (static binding) or a claim's selected-node
// annotation (provisioning), is every claim the pod waits for fully bound
// yet, still in progress, or has the attempt failed and must be retried?
// Pure: reads API objects (the informers' latest, never the scheduler's
// assumed copies) through a VolumeLookup.
//
//   bound    every claim has spec.volumeName and pv.kubernetes.io/bind-completed
//   waiting  the PV controller / provisioner is not done (or the cache has
//            not caught up with our own write yet)
//   failed   the node is gone, a volume no longer accepts the node, a
//            volume's claimRef was reset, or the provisioner gave up (it
//            removes or changes the selected-node annotation)

import type { KObject } from '../../api/object.js';
import { ANN_SELECTED_NODE } from '../../api/storage.js';
import type { Labels } from '../../machinery/labels/requirement.js';
import { isClaimFullyBound, type VolumeLookup } from './pod-volumes.js';
import { volumeAcceptsNode, type ClaimRef } from './pv-match.js';

/** What PreBind wrote and now waits on: the objects as the API server returned them. */
export interface WrittenVolumes {
  readonly node: string;
  readonly staticBindings: readonly { readonly pv: KObject; readonly claim: KObject }[];
  readonly provisions: readonly KObject[];
}

export type BindCheck = { state: 'bound' } | { state: 'waiting' } | { state: 'failed'; error: string };

/** The API object is older than the one we wrote (resourceVersions are the store's increasing revisions). */
export function olderThan(seen: KObject, written: KObject): boolean {
  const a = Number(seen.metadata.resourceVersion);
  const b = Number(written.metadata.resourceVersion);
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

const claimKey = (c: KObject): string => `${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`;

export function checkBindings(w: WrittenVolumes, node: { labels: Labels } | undefined, api: VolumeLookup): BindCheck {
  const failed = (error: string): BindCheck => ({ state: 'failed', error });
  if (!node) return failed(`failed to get node "${w.node}": node "${w.node}" not found`);

  for (const b of w.staticBindings) {
    const pvName = b.pv.metadata.name ?? '';
    const pv = api.volume(pvName);
    if (!pv) return failed(`failed to check binding: could not find v1.PersistentVolume "${pvName}"`);
    const claim = api.claim(b.claim.metadata.namespace ?? '', b.claim.metadata.name ?? '');
    if (!claim) return failed(`failed to check binding: could not find v1.PersistentVolumeClaim "${claimKey(b.claim)}"`);
    if (olderThan(pv, b.pv)) return { state: 'waiting' };
    if (!volumeAcceptsNode(pv, node.labels)) return failed(`pv "${pvName}" node affinity doesn't match node "${w.node}": no matching NodeSelectorTerms`);
    const ref = (pv.spec as { claimRef?: ClaimRef | null } | undefined)?.claimRef;
    if (!ref || !ref.uid) return failed(`ClaimRef got reset for pv "${pvName}"`);
    if (!isClaimFullyBound(claim)) return { state: 'waiting' };
  }

  for (const written of w.provisions) {
    const claim = api.claim(written.metadata.namespace ?? '', written.metadata.name ?? '');
    if (!claim) return failed(`failed to check provisioning pvc: could not find v1.PersistentVolumeClaim "${claimKey(written)}"`);
    if (olderThan(claim, written)) return { state: 'waiting' };
    const annotations = claim.metadata.annotations;
    if (!annotations) return failed(`selectedNode annotation reset for PVC "${claim.metadata.name ?? ''}"`);
    if (annotations[ANN_SELECTED_NODE] !== w.node) return failed(`provisioning failed for PVC "${claim.metadata.name ?? ''}"`);
    const volumeName = (claim.spec as { volumeName?: string } | undefined)?.volumeName;
    if (volumeName) {
      const pv = api.volume(volumeName);
      // Not in the cache yet (or deleted: the claim will be unbound eventually): look again later.
      if (!pv) return { state: 'waiting' };
      if (!volumeAcceptsNode(pv, node.labels)) return failed(`pv "${volumeName}" node affinity doesn't match node "${w.node}": no matching NodeSelectorTerms`);
    }
    if (!isClaimFullyBound(claim)) return { state: 'waiting' };
  }
  return { state: 'bound' };
}
