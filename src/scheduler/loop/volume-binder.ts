// The scheduler's volume binder (kube-scheduler 1.32's SchedulerVolumeBinder
// with its PV/PVC assume caches): reads claims, volumes and classes from the
// loop's informers, and once a node is chosen for a pod whose
// WaitForFirstConsumer claims are unbound, makes Kubernetes' PreBind writes:
//
//   static volume  PV update: spec.claimRef = the claim (kind, namespace,
//                  name, uid, apiVersion, resourceVersion) and
//                  pv.kubernetes.io/bound-by-controller=yes — the PV
//                  controller then binds the claim to it
//   provisioning   PVC update: volume.kubernetes.io/selected-node=<node> —
//                  the PV controller then names the class's provisioner
//                  (volume.kubernetes.io/storage-provisioner) and it makes
//                  a volume there
//
// Each written object is "assumed": lookups see it until the informer shows
// that version (or a newer one), so the next pod cannot pick the same volume
// in between. Writes carry the cached resourceVersion; a conflict fails the
// attempt (the loop reports it and retries), as in Kubernetes.

import type { KObject } from '../../api/object.js';
import { ANN_SELECTED_NODE } from '../../api/storage.js';
import type { ApiClient } from '../../client/api-client.js';
import type { Informer } from '../../client/informer.js';
import { PVCS, PVS } from '../../client/resources.js';
import type { FilterPlugin } from '../framework.js';
import { HALE_VOLUME_OPTIONS, volumeBindingFilter } from '../filters/volume-binding.js';
import { volumeRestrictionsFilter } from '../filters/volume-restrictions.js';
import type { NodeInfo } from '../node-info.js';
import { checkBindings, olderThan, type BindCheck, type WrittenVolumes } from '../volumes/bind-check.js';
import { arePodVolumesBound, findPodVolumes, getPodVolumeClaims, type VolumeLookup } from '../volumes/pod-volumes.js';
import { bindVolumeToClaim } from '../volumes/pv-match.js';

export interface VolumeBinderOptions {
  client: ApiClient;
  claims: Informer;
  volumes: Informer;
  classes: Informer;
}

export class VolumeBinder {
  private readonly opts: VolumeBinderOptions;
  private readonly assumedVolumes = new Map<string, KObject>();
  private readonly assumedClaims = new Map<string, KObject>();
  /** the informers' view, what the PV controller and provisioners see */
  readonly api: VolumeLookup;
  /** the informers' view with our own not-yet-seen writes on top (the assume caches) */
  readonly lookup: VolumeLookup;

  constructor(opts: VolumeBinderOptions) {
    this.opts = opts;
    this.api = {
      claim: (ns, name) => opts.claims.get(`${ns}/${name}`),
      volume: (name) => opts.volumes.get(name),
      volumes: () => opts.volumes.items.values(),
      storageClass: (name) => opts.classes.get(name),
    };
    this.lookup = {
      claim: (ns, name) => this.current(this.assumedClaims, `${ns}/${name}`, opts.claims.get(`${ns}/${name}`)),
      volume: (name) => this.current(this.assumedVolumes, name, opts.volumes.get(name)),
      volumes: () => this.allVolumes(),
      storageClass: (name) => opts.classes.get(name),
    };
  }

  /** The volume filters in Kubernetes' order: VolumeRestrictions, then VolumeBinding. */
  filters(): FilterPlugin[] {
    return [volumeRestrictionsFilter(this.lookup), volumeBindingFilter(this.lookup, HALE_VOLUME_OPTIONS)];
  }

  /** AssumePodVolumes' shortcut: nothing to bind, the pod may be bound to its node right away. */
  allBound(pod: KObject): boolean {
    return arePodVolumesBound(pod, this.lookup);
  }

  /**
   * Reserve + the API half of PreBind for `node`: writes what findPodVolumes
   * decided and returns what to wait on. Throws the API error of a write
   * that failed (the objects written before it stay written, as in Kubernetes).
   */
  async bindPodVolumes(pod: KObject, node: NodeInfo): Promise<WrittenVolumes> {
    const { reasons, volumes } = findPodVolumes(getPodVolumeClaims(pod, this.lookup), node, this.lookup, HALE_VOLUME_OPTIONS);
    if (reasons.length > 0) throw new Error(`volumes no longer fit node "${node.name}": ${reasons.join(', ')}`);
    const staticBindings: { pv: KObject; claim: KObject }[] = [];
    for (const b of volumes.staticBindings) {
      const { pv, dirty } = bindVolumeToClaim(b.pv, b.claim);
      const written = dirty ? await this.opts.client.update(PVS, pv) : b.pv;
      this.assumedVolumes.set(written.metadata.name ?? '', written);
      staticBindings.push({ pv: written, claim: b.claim });
    }
    const provisions: KObject[] = [];
    for (const claim of volumes.dynamicProvisions) {
      let written = claim;
      if (claim.metadata.annotations?.[ANN_SELECTED_NODE] !== node.name) {
        const updated: KObject = { ...claim, metadata: { ...claim.metadata, annotations: { ...(claim.metadata.annotations ?? {}), [ANN_SELECTED_NODE]: node.name } } };
        written = await this.opts.client.update(PVCS, updated);
      }
      this.assumedClaims.set(`${written.metadata.namespace ?? ''}/${written.metadata.name ?? ''}`, written);
      provisions.push(written);
    }
    return { node: node.name, staticBindings, provisions };
  }

  /** checkBindings against the API objects; `node` is the chosen node's object (undefined: gone). */
  check(written: WrittenVolumes, node: KObject | undefined): BindCheck {
    const labels = node ? (node.metadata.labels ?? {}) : undefined;
    return checkBindings(written, labels ? { labels } : undefined, this.api);
  }

  /** RevertAssumedPodVolumes: lookups go back to the informers' objects. */
  revert(written: WrittenVolumes): void {
    for (const b of written.staticBindings) this.assumedVolumes.delete(b.pv.metadata.name ?? '');
    for (const c of written.provisions) this.assumedClaims.delete(`${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`);
  }

  /** The assumed copy while the informer's is older; the informer's otherwise (dropping the assumed one). */
  private current(assumed: Map<string, KObject>, key: string, seen: KObject | undefined): KObject | undefined {
    const mine = assumed.get(key);
    if (!mine) return seen;
    if (seen && olderThan(seen, mine)) return mine;
    // Caught up, or deleted since (only existing objects are ever assumed).
    assumed.delete(key);
    return seen;
  }

  private *allVolumes(): Iterable<KObject> {
    const seen = new Set<string>();
    for (const pv of this.opts.volumes.items.values()) {
      const name = pv.metadata.name ?? '';
      seen.add(name);
      const cur = this.current(this.assumedVolumes, name, pv);
      if (cur) yield cur;
    }
    for (const name of [...this.assumedVolumes.keys()]) if (!seen.has(name)) this.assumedVolumes.delete(name);
  }
}
