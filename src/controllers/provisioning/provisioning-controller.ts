// The provisioning controller, as Kubernetes' external-provisioner library
// runs one per provisioner (sig-storage-lib-external-provisioner): it serves
// one Provisioner (volumes/provisioner.ts) and owns the API side of its
// volumes.
//
// Claims: an unbound claim the PV binder annotated with
// `volume.kubernetes.io/storage-provisioner: <name>`, whose class names this
// provisioner, gets a PV `pvc-<claim uid>` pre-bound to it (claimRef with the
// uid), with the class's reclaim policy, the claim's access modes, size and
// volume mode, and `pv.kubernetes.io/provisioned-by`. The binder then binds
// both. A crash between making the directory and creating the PV is
// harmless: the name is the claim's uid, so the retry reuses both.
//
// Reclaim: a volume of this provisioner whose policy is Delete is deleted —
// data first, then the finalizer, then the PV — only once its claim is gone
// (re-read from the API by uid, never judged from the cache alone): a
// Released PV, or one deleted by the user while not bound (Kubernetes'
// HonorPVReclaimPolicy). A Retain volume being deleted only loses the
// finalizer; its data stays.

import type { KObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import type { Informer } from '../../client/informer.js';
import { PVCS, PVS, STORAGECLASSES, VOLUMEATTACHMENTS } from '../../client/resources.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { ApiError } from '../../machinery/errors.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { ANN_BETA_STORAGE_PROVISIONER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, ATTR_PATH, FINALIZER_PROVISIONER, backingPathOf } from '../../api/storage.js';
import type { Provisioner } from '../../volumes/provisioner.js';
import { HOSTNAME_LABEL } from '../../volumes/local-provisioner.js';

interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: { storage?: string } };
  storageClassName?: string;
  volumeMode?: string;
  volumeName?: string;
}

interface ClassShape {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  mountOptions?: string[];
  volumeBindingMode?: string;
}

interface VolumeSpec {
  persistentVolumeReclaimPolicy?: string;
  claimRef?: { namespace?: string; name?: string; uid?: string };
  csi?: { driver?: string; volumeHandle?: string };
}

function hasFinalizer(pv: KObject): boolean {
  return (pv.metadata.finalizers ?? []).includes(FINALIZER_PROVISIONER);
}

const CLAIM = 'c/';
const VOLUME = 'v/';

export class ProvisioningController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly classes: Informer;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, private readonly provisioner: Provisioner) {
    super(`provisioner-${provisioner.name.replace(/[^a-z0-9]+/g, '-')}`, ctx);
    this.ctx = ctx;
    // Events come from the provisioner, as the external provisioner's do (source component = its name).
    this.recorder = ctx.recorder(provisioner.name);
    this.claims = ctx.informers.for(PVCS);
    this.volumes = ctx.informers.for(PVS);
    this.classes = ctx.informers.for(STORAGECLASSES);
    const claim = (o: KObject): void => this.controller.enqueue(CLAIM + objectKey(o));
    const volume = (o: KObject): void => this.controller.enqueue(VOLUME + (o.metadata.name ?? ''));
    this.claims.on({ add: claim, update: claim });
    this.volumes.on({ add: volume, update: volume });
    // A class appearing (or fixed) may unblock claims waiting for it.
    const classChanged = (): void => {
      for (const c of this.claims.items.values()) if (!(c.spec as ClaimSpec | undefined)?.volumeName) claim(c);
    };
    this.classes.on({ add: classChanged, update: classChanged });
    // A volume still attached is not deleted; its detach lets the deletion go on.
    ctx.informers.for(VOLUMEATTACHMENTS).on({ delete: (va) => this.controller.enqueue(VOLUME + ((va.spec as { source?: { persistentVolumeName?: string } } | undefined)?.source?.persistentVolumeName ?? '')) });
  }

  protected reconcile(k: string): Promise<void> {
    return (k.startsWith(CLAIM) ? this.syncClaim(k.slice(CLAIM.length)) : this.syncVolume(k.slice(VOLUME.length)));
  }

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim || claim.metadata.deletionTimestamp) return;
    const spec = (claim.spec ?? {}) as ClaimSpec;
    if (spec.volumeName) return;
    const ann = claim.metadata.annotations ?? {};
    if ((ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER]) !== this.provisioner.name) return;
    const className = spec.storageClassName ?? '';
    const sc = this.classes.get(className) as (KObject & ClassShape) | undefined;
    if (!sc) {
      this.recorder.record(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (sc.provisioner !== this.provisioner.name) return;
    const pvName = `pvc-${claim.metadata.uid ?? ''}`;
    if (this.volumes.get(pvName)) return; // provisioned; the binder binds it
    const selectedNode = ann[ANN_SELECTED_NODE];
    const req = { pvName, claim, parameters: sc.parameters ?? {}, ...(selectedNode ? { selectedNode } : {}) };
    const accepted = this.provisioner.accepts(req);
    if (!accepted.ok) {
      // Another instance's claim (hale/local on another node) is not ours to comment on.
      if (accepted.mine || !selectedNode) this.recorder.record(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${accepted.why}`);
      return;
    }
    this.recorder.record(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
    let made;
    try {
      made = await this.provisioner.provision(req);
    } catch (err) {
      this.recorder.record(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    const pv = this.volumeFor(claim, sc, pvName, made);
    try {
      await this.ctx.client.create(PVS, '', pv);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) {
        this.recorder.record(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    }
    this.recorder.record(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  }

  private volumeFor(claim: KObject, sc: ClassShape & KObject, pvName: string, made: { path: string; node?: string }): KObject {
    const spec = (claim.spec ?? {}) as ClaimSpec;
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: pvName,
        annotations: { [ANN_PROVISIONED_BY]: this.provisioner.name },
        finalizers: [FINALIZER_PROVISIONER],
      },
      spec: {
        capacity: { storage: spec.resources?.requests?.storage ?? '0' },
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name ?? '',
        volumeMode: spec.volumeMode ?? 'Filesystem',
        ...(sc.mountOptions ? { mountOptions: sc.mountOptions } : {}),
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace ?? 'default', name: claim.metadata.name ?? '', uid: claim.metadata.uid ?? '', resourceVersion: claim.metadata.resourceVersion ?? '' },
        csi: { driver: this.provisioner.driver, volumeHandle: pvName, volumeAttributes: { [ATTR_PATH]: made.path } },
        ...(made.node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [made.node] }] }] } } } : {}),
      },
    };
  }

  private async syncVolume(name: string): Promise<void> {
    const cached = this.volumes.get(name);
    if (!cached || !this.mine(cached)) return;
    if (!this.mayDelete(cached)) {
      const spec = (cached.spec ?? {}) as VolumeSpec;
      if (spec.persistentVolumeReclaimPolicy !== 'Delete' && cached.metadata.deletionTimestamp && hasFinalizer(cached)) await this.dropFinalizer(cached);
      return;
    }
    // Decided on the cache; confirmed on fresh reads (csi-provisioner and the in-tree controller re-read too).
    const pv = await this.fresh(PVS, '', name);
    if (!pv || pv.metadata.uid !== cached.metadata.uid || !this.mine(pv) || !this.mayDelete(pv)) return;
    const spec = (pv.spec ?? {}) as VolumeSpec;
    if ((spec.claimRef?.uid ?? '') !== ((cached.spec as VolumeSpec).claimRef?.uid ?? '')) return;
    if (await this.claimStillHolds(pv)) return;
    const attached = (await this.ctx.client.list(VOLUMEATTACHMENTS)).items.find((va) => (va.spec as { source?: { persistentVolumeName?: string } } | undefined)?.source?.persistentVolumeName === name);
    if (attached) {
      const msg = `persistentvolume ${name} is still attached to node ${(attached.spec as { nodeName?: string }).nodeName ?? ''}`;
      this.recorder.record(pv, 'Warning', 'VolumeFailedDelete', msg);
      throw new Error(msg); // retried with backoff
    }
    const path = backingPathOf(pv as never);
    const ref = spec.claimRef;
    if (path && ref?.name) {
      try {
        await this.provisioner.delete(pv, path, `${ref.namespace ?? ''}-${ref.name}-${name}`);
      } catch (err) {
        this.recorder.record(pv, 'Warning', 'VolumeFailedDelete', err instanceof Error ? err.message : String(err));
        throw err;
      }
    }
    if (hasFinalizer(pv)) await this.dropFinalizer(pv);
    if (!pv.metadata.deletionTimestamp) {
      try {
        await this.ctx.client.delete(PVS, '', name, { preconditions: { uid: pv.metadata.uid ?? '' } });
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
  }

  /** A volume this instance made: its annotation, its node (hale/local), and a CSI volume of its driver named after the PV. */
  private mine(pv: KObject): boolean {
    const csi = ((pv.spec ?? {}) as VolumeSpec).csi;
    return pv.metadata.annotations?.[ANN_PROVISIONED_BY] === this.provisioner.name && csi?.driver === this.provisioner.driver && csi.volumeHandle === pv.metadata.name && this.provisioner.owns(pv);
  }

  /** Reclaim Delete, and Released (or deleted by the user while not Bound: HonorPVReclaimPolicy). */
  private mayDelete(pv: KObject): boolean {
    const phase = (pv.status as { phase?: string } | undefined)?.phase;
    return ((pv.spec ?? {}) as VolumeSpec).persistentVolumeReclaimPolicy === 'Delete' && (phase === 'Released' || (!!pv.metadata.deletionTimestamp && phase !== 'Bound'));
  }

  /** The volume's claim exists (same uid) and is not bound to another volume: its data must stay. */
  private async claimStillHolds(pv: KObject): Promise<boolean> {
    const ref = ((pv.spec ?? {}) as VolumeSpec).claimRef;
    if (!ref?.name) return false;
    const c = await this.fresh(PVCS, ref.namespace ?? 'default', ref.name);
    if (!c || (ref.uid && c.metadata.uid !== ref.uid)) return false;
    const boundTo = (c.spec as { volumeName?: string } | undefined)?.volumeName;
    return !boundTo || boundTo === pv.metadata.name;
  }

  private async fresh(r: typeof PVS, namespace: string, name: string): Promise<KObject | undefined> {
    try {
      return await this.ctx.client.get(r, namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  private async dropFinalizer(pv: KObject): Promise<void> {
    const rest = (pv.metadata.finalizers ?? []).filter((f) => f !== FINALIZER_PROVISIONER);
    try {
      await this.ctx.client.patch(PVS, '', pv.metadata.name ?? '', 'merge', { metadata: { finalizers: rest, resourceVersion: pv.metadata.resourceVersion } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
