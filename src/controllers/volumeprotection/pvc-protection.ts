// PVC protection (kube-controller-manager's pvc-protection, 1.32): a claim
// being deleted keeps its `kubernetes.io/pvc-protection` finalizer while a
// pod scheduled to a node references it — so deleting a claim never pulls
// the volume (and, with reclaim Delete, its data) from under a running pod.
// "Not used" is confirmed by a fresh LIST of the namespace's pods before the
// finalizer goes, as Kubernetes does: the cache may lag a new pod.
//
// Claims of ephemeral volumes (`<pod>-<volume>`) count only while their pod
// is not shut down, as in Kubernetes.

import type { KObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import type { Informer } from '../../client/informer.js';
import { PODS, PVCS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { BY_NAMESPACE } from '../../controller/informers.js';
import { isPodTerminal } from '../../controller/pod-state.js';
import { FINALIZER_PVC_PROTECTION } from '../../api/storage.js';

interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName?: string };
  ephemeral?: unknown;
}

/** The claim names a pod's volumes reference (ephemeral ones as `<pod>-<volume>`). */
export function claimNamesOf(pod: KObject, includeEphemeral = true): string[] {
  const out: string[] = [];
  for (const v of ((pod.spec as { volumes?: PodVolume[] } | undefined)?.volumes ?? [])) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral && includeEphemeral) out.push(`${pod.metadata.name ?? ''}-${v.name}`);
  }
  return out;
}

/** Whether the claim was made for the pod's ephemeral volume: the pod is its controller (Kubernetes' VolumeIsForPod). */
export function claimIsForPod(claim: KObject, pod: KObject): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'Pod' && r.uid === pod.metadata.uid);
}

/** Whether `pod` uses `claim` through a persistentVolumeClaim volume, or an ephemeral volume the claim was made for. */
export function referencesClaim(pod: KObject, claim: KObject): boolean {
  const name = claim.metadata.name ?? '';
  for (const v of ((pod.spec as { volumes?: PodVolume[] } | undefined)?.volumes ?? [])) {
    if (v.persistentVolumeClaim?.claimName === name) return true;
    if (v.ephemeral && `${pod.metadata.name ?? ''}-${v.name}` === name && claimIsForPod(claim, pod)) return true;
  }
  return false;
}

export function podUsesClaim(pod: KObject, claim: KObject): boolean {
  if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) return false;
  const shutDown = isPodTerminal(pod);
  for (const v of ((pod.spec as { volumes?: PodVolume[] } | undefined)?.volumes ?? [])) {
    if (v.persistentVolumeClaim?.claimName === claim.metadata.name) return true;
    if (v.ephemeral && !shutDown && `${pod.metadata.name ?? ''}-${v.name}` === claim.metadata.name && claimIsForPod(claim, pod)) return true;
  }
  return false;
}

export class PvcProtectionController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly claims: Informer;
  private readonly pods: Informer;

  constructor(ctx: ControllerContext) {
    super('pvc-protection-controller', ctx);
    this.ctx = ctx;
    this.claims = ctx.informers.for(PVCS);
    this.pods = ctx.informers.for(PODS);
    const claim = (c: KObject): void => {
      if (c.metadata.deletionTimestamp) this.controller.enqueue(objectKey(c));
    };
    this.claims.on({ add: claim, update: claim });
    // A pod going away may free a claim being deleted.
    const pod = (p: KObject): void => {
      for (const name of claimNamesOf(p)) {
        const c = this.claims.get(`${p.metadata.namespace ?? ''}/${name}`);
        if (c) claim(c);
      }
    };
    this.pods.on({ update: pod, delete: pod });
  }

  protected reconcile(k: string): Promise<void> {
    return this.sync(k);
  }

  private async sync(key: string): Promise<void> {
    const c = this.claims.get(key);
    if (!c?.metadata.deletionTimestamp || !(c.metadata.finalizers ?? []).includes(FINALIZER_PVC_PROTECTION)) return;
    const ns = c.metadata.namespace ?? '';
    const name = c.metadata.name ?? '';
    if (this.pods.byIndex(BY_NAMESPACE, ns).some((p) => podUsesClaim(p, c))) return;
    const live = await this.ctx.client.list(PODS, { namespace: ns });
    if (live.items.some((p) => podUsesClaim(p, c))) return;
    try {
      await this.ctx.client.patch(PVCS, ns, name, 'merge', { metadata: { resourceVersion: c.metadata.resourceVersion, finalizers: (c.metadata.finalizers ?? []).filter((f) => f !== FINALIZER_PVC_PROTECTION) } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
