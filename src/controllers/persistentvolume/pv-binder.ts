// The PersistentVolume binder (kube-controller-manager's
// persistentvolume-binder, 1.32 pv_controller.go), one queue for claims
// ("c/ns/name") and volumes ("v/name").
//
// Claim sync: an unbound claim binds to a pre-bound or the best matching
// volume (claim-match.ts): the volume's claimRef first, then its phase, then
// the claim's volumeName and annotations, then its phase — each an update
// with the object's resourceVersion, so two claims racing for one volume
// cannot both win, and a crash at any step is finished by the next sync (a
// volume whose claimRef names a claim that is not bound to it is pre-bound
// to that claim). No volume: a class with a provisioner gets the claim
// annotated for it (`volume.kubernetes.io/storage-provisioner`), unless its
// binding waits for the first consumer and no node was chosen yet.
//
// Volume sync: no claimRef → Available; its claim gone (confirmed by a fresh
// read, by uid) → Released, then the reclaim policy: Retain keeps it, Delete
// of a provisioned volume is the provisioner's, Delete of a static volume and
// Recycle have no plugin here and make it Failed with Kubernetes' events.
// Nothing here ever deletes data.

import type { KObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import type { Informer } from '../../client/informer.js';
import { PVCS, PVS, STORAGECLASSES } from '../../client/resources.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { ApiError } from '../../machinery/errors.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER } from '../../api/storage.js';
import { findMatchingVolume, preBoundTo, volumeMismatch, type ClaimRef } from '../../volumes/claim-match.js';

const CLAIM = 'c/';
const BY_VOLUME_NAME = 'volumeName';
const BY_CLAIM_REF = 'claimRef';
const VOLUME = 'v/';

interface ClaimSpec {
  volumeName?: string;
  storageClassName?: string;
}

interface VolumeSpec {
  claimRef?: ClaimRef & { kind?: string; apiVersion?: string; resourceVersion?: string };
  persistentVolumeReclaimPolicy?: string;
  accessModes?: string[];
  capacity?: Record<string, string>;
}

function phaseOf(o: KObject): string | undefined {
  return (o.status as { phase?: string } | undefined)?.phase;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export class PersistentVolumeBinder extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly classes: Informer;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('persistentvolume-binder', ctx);
    this.ctx = ctx;
    this.recorder = ctx.recorder('persistentvolume-controller');
    this.claims = ctx.informers.for(PVCS);
    this.claims.addIndex(BY_VOLUME_NAME, (c) => {
      const v = (c.spec as ClaimSpec | undefined)?.volumeName;
      return v ? [v] : [];
    });
    this.volumes = ctx.informers.for(PVS);
    this.volumes.addIndex(BY_CLAIM_REF, (pv) => {
      const ref = (pv.spec as VolumeSpec | undefined)?.claimRef;
      return ref?.name ? [`${ref.namespace ?? ''}/${ref.name}`] : [];
    });
    this.classes = ctx.informers.for(STORAGECLASSES);
    const claim = (o: KObject): void => this.controller.enqueue(CLAIM + objectKey(o));
    const volume = (o: KObject): void => this.controller.enqueue(VOLUME + (o.metadata.name ?? ''));
    // A claim that changed may settle the volumes that name it: one provisioned
    // for it while it got bound to another is Released at once (Kubernetes
    // finds it at its next 15 s resync).
    const claimAndItsVolumes = (c: KObject): void => {
      claim(c);
      for (const pv of this.volumes.byIndex(BY_CLAIM_REF, objectKey(c))) volume(pv);
    };
    this.claims.on({
      add: claimAndItsVolumes,
      update: claimAndItsVolumes,
      // The claim's volume becomes Released.
      delete: (c) => {
        const v = (c.spec as ClaimSpec | undefined)?.volumeName;
        if (v) this.controller.enqueue(VOLUME + v);
        for (const pv of this.volumes.items.values()) if (preBoundTo(pv, c)) volume(pv);
      },
    });
    // Claims that name the volume (pre-bound by the user) bind once it exists.
    const naming = (pv: KObject): void => {
      for (const c of this.claims.byIndex(BY_VOLUME_NAME, pv.metadata.name ?? '')) claim(c);
    };
    this.volumes.on({
      add: (pv) => {
        volume(pv);
        naming(pv);
        this.enqueueUnboundClaims();
      },
      update: (pv) => {
        volume(pv);
        naming(pv);
        const ref = (pv.spec as VolumeSpec | undefined)?.claimRef;
        if (ref?.name) this.controller.enqueue(`${CLAIM}${ref.namespace ?? ''}/${ref.name}`);
        else this.enqueueUnboundClaims();
      },
      // A bound claim whose volume is gone is Lost.
      delete: (pv) => {
        const ref = (pv.spec as VolumeSpec | undefined)?.claimRef;
        if (ref?.name) this.controller.enqueue(`${CLAIM}${ref.namespace ?? ''}/${ref.name}`);
      },
    });
    this.classes.on({ add: () => this.enqueueUnboundClaims(), update: () => this.enqueueUnboundClaims() });
  }

  protected reconcile(k: string): Promise<void> {
    return (k.startsWith(CLAIM) ? this.syncClaim(k.slice(CLAIM.length)) : this.syncVolume(k.slice(VOLUME.length)));
  }

  private enqueueUnboundClaims(): void {
    for (const c of this.claims.items.values()) if (!(c.spec as ClaimSpec | undefined)?.volumeName) this.controller.enqueue(CLAIM + objectKey(c));
  }

  // ---- claims ----

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim || claim.metadata.deletionTimestamp) return;
    const spec = (claim.spec ?? {}) as ClaimSpec;
    if (!spec.volumeName) return this.syncUnboundClaim(claim);
    const pv = this.volumes.get(spec.volumeName) ?? (await this.freshVolume(spec.volumeName));
    if (!pv) {
      if (claim.metadata.annotations?.[ANN_BIND_COMPLETED] && phaseOf(claim) !== 'Lost') {
        await this.setClaimPhase(claim, 'Lost');
        this.recorder.record(claim, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      }
      return; // pre-bound by the user to a volume that does not exist yet
    }
    const ref = (pv.spec as VolumeSpec | undefined)?.claimRef;
    if (!ref?.name) {
      // The user pre-bound the claim to an unbound volume: it must be able to serve the claim.
      const mismatch = volumeMismatch(pv, claim);
      if (mismatch) {
        if (phaseOf(claim) !== 'Pending') await this.setClaimPhase(claim, 'Pending');
        this.recorder.record(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${pv.metadata.name ?? ''}": ${mismatch}`);
        return;
      }
      return this.bind(pv, claim);
    }
    if (preBoundTo(pv, claim) && (!ref.uid || ref.uid === claim.metadata.uid)) return this.bind(pv, claim); // finish or confirm
    // The volume belongs to another claim.
    if (claim.metadata.annotations?.[ANN_BIND_COMPLETED]) {
      if (phaseOf(claim) !== 'Lost') {
        await this.setClaimPhase(claim, 'Lost');
        this.recorder.record(claim, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
      }
    } else if (phaseOf(claim) !== 'Pending') await this.setClaimPhase(claim, 'Pending');
  }

  private async syncUnboundClaim(claim: KObject): Promise<void> {
    const spec = (claim.spec ?? {}) as ClaimSpec;
    const className = spec.storageClassName ?? '';
    const sc = className ? this.classes.get(className) : undefined;
    const waitsForConsumer = (sc as { volumeBindingMode?: string } | undefined)?.volumeBindingMode === 'WaitForFirstConsumer';
    const delayBinding = waitsForConsumer && !claim.metadata.annotations?.[ANN_SELECTED_NODE];
    const pv = findMatchingVolume(claim, this.volumes.items.values(), delayBinding);
    if (pv) return this.bind(pv, claim);
    if (phaseOf(claim) !== 'Pending') await this.setClaimPhase(claim, 'Pending');
    if (delayBinding) {
      this.recorder.record(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    const provisioner = (sc as { provisioner?: string } | undefined)?.provisioner;
    if (!className) {
      this.recorder.record(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    if (!sc) {
      this.recorder.record(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (!provisioner || provisioner === 'kubernetes.io/no-provisioner') {
      this.recorder.record(claim, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner ?? ''}`);
      return;
    }
    const ann = claim.metadata.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
      await this.ctx.client.patch(PVCS, claim.metadata.namespace ?? '', claim.metadata.name ?? '', 'merge', {
        metadata: { resourceVersion: claim.metadata.resourceVersion, annotations: { [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner } },
      });
    }
    this.recorder.record(
      claim,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  /** Binds volume and claim, each step only if not done yet; safe to repeat after a crash or a conflict. */
  private async bind(pv: KObject, claim: KObject): Promise<void> {
    const ns = claim.metadata.namespace ?? '';
    let volume = pv;
    const vs = (volume.spec ?? {}) as VolumeSpec;
    if (!vs.claimRef?.uid || vs.claimRef.uid !== claim.metadata.uid) {
      const byController = !vs.claimRef?.name;
      volume = await this.ctx.client.update(PVS, {
        ...volume,
        metadata: { ...volume.metadata, annotations: { ...(volume.metadata.annotations ?? {}), ...(byController ? { [ANN_BOUND_BY_CONTROLLER]: 'yes' } : {}) } },
        spec: { ...vs, claimRef: { kind: 'PersistentVolumeClaim', namespace: ns, name: claim.metadata.name ?? '', uid: claim.metadata.uid ?? '', apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion ?? '' } },
      });
    }
    if (phaseOf(volume) !== 'Bound') volume = await this.setVolumePhase(volume, 'Bound');
    let c = claim;
    const cs = (c.spec ?? {}) as ClaimSpec;
    const ann = c.metadata.annotations ?? {};
    if (cs.volumeName !== volume.metadata.name || ann[ANN_BIND_COMPLETED] !== 'yes') {
      const byController = !cs.volumeName;
      c = await this.ctx.client.update(PVCS, {
        ...c,
        metadata: { ...c.metadata, annotations: { ...ann, [ANN_BIND_COMPLETED]: 'yes', ...(byController ? { [ANN_BOUND_BY_CONTROLLER]: 'yes' } : {}) } },
        spec: { ...(c.spec as object), volumeName: volume.metadata.name },
      });
    }
    const st = (c.status ?? {}) as { phase?: string; accessModes?: string[]; capacity?: Record<string, string> };
    const pvSpec = (volume.spec ?? {}) as VolumeSpec;
    if (st.phase !== 'Bound' || JSON.stringify(st.accessModes) !== JSON.stringify(pvSpec.accessModes) || JSON.stringify(st.capacity) !== JSON.stringify(pvSpec.capacity)) {
      await this.ctx.client.update(PVCS, { ...c, status: { ...st, phase: 'Bound', accessModes: pvSpec.accessModes ?? [], capacity: pvSpec.capacity ?? {} } }, 'status');
    }
  }

  private async setClaimPhase(claim: KObject, phase: string): Promise<void> {
    await this.ctx.client.update(PVCS, { ...claim, status: { ...((claim.status ?? {}) as object), phase } }, 'status');
  }

  private setVolumePhase(pv: KObject, phase: string, message?: string): Promise<KObject> {
    const st: Record<string, unknown> = { ...((pv.status ?? {}) as Record<string, unknown>), phase, lastPhaseTransitionTime: rfc3339(this.ctx.clock.now()) };
    if (message) st.message = message;
    else delete st.message;
    return this.ctx.client.update(PVS, { ...pv, status: st }, 'status');
  }

  // ---- volumes ----

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv) return;
    const spec = (pv.spec ?? {}) as VolumeSpec;
    const ref = spec.claimRef;
    if (!ref?.name) {
      if (phaseOf(pv) !== 'Available') await this.setVolumePhase(pv, 'Available');
      return;
    }
    const claimKey = `${ref.namespace ?? ''}/${ref.name}`;
    let claim = this.claims.get(claimKey);
    if (!claim || (ref.uid && claim.metadata.uid !== ref.uid)) claim = await this.freshClaim(ref.namespace ?? '', ref.name);
    if (claim && ref.uid && claim.metadata.uid !== ref.uid) claim = undefined;
    if (!claim) {
      if (!ref.uid) {
        // Pre-bound by name to a claim that does not exist yet.
        if (phaseOf(pv) !== 'Available') await this.setVolumePhase(pv, 'Available');
        return;
      }
      return this.reclaim(pv);
    }
    const cs = (claim.spec ?? {}) as ClaimSpec;
    if (!cs.volumeName) {
      this.controller.enqueue(CLAIM + claimKey); // the claim sync completes the binding
      return;
    }
    if (cs.volumeName === name) {
      if (phaseOf(pv) !== 'Bound') await this.setVolumePhase(pv, 'Bound');
      return;
    }
    // The claim is bound to another volume.
    if (pv.metadata.annotations?.[ANN_PROVISIONED_BY] && spec.persistentVolumeReclaimPolicy === 'Delete') {
      // Provisioned for this claim, which got another volume: not needed, Released for its provisioner to delete.
      if (phaseOf(pv) !== 'Released' && phaseOf(pv) !== 'Failed') await this.setVolumePhase(pv, 'Released');
      return;
    }
    await this.unbind(pv);
  }

  /**
   * Kubernetes' unbindVolume: a binding the controller made goes entirely
   * (claimRef and annotation); one the user made keeps its claim name but
   * loses the uid, so the volume waits, pre-bound, for that claim again.
   */
  private async unbind(pv: KObject): Promise<void> {
    const spec = (pv.spec ?? {}) as VolumeSpec;
    const ann = { ...(pv.metadata.annotations ?? {}) };
    let nextSpec: VolumeSpec;
    if (ann[ANN_BOUND_BY_CONTROLLER]) {
      delete ann[ANN_BOUND_BY_CONTROLLER];
      const { claimRef: _drop, ...rest } = spec;
      void _drop;
      nextSpec = rest;
    } else {
      const { uid: _uid, ...ref } = spec.claimRef ?? {};
      void _uid;
      nextSpec = { ...spec, claimRef: ref };
    }
    const next = await this.ctx.client.update(PVS, { ...pv, metadata: { ...pv.metadata, annotations: ann }, spec: nextSpec });
    await this.setVolumePhase(next, 'Available');
  }

  private async freshVolume(name: string): Promise<KObject | undefined> {
    try {
      return await this.ctx.client.get(PVS, '', name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  private async freshClaim(namespace: string, name: string): Promise<KObject | undefined> {
    try {
      return await this.ctx.client.get(PVCS, namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  private async reclaim(pv: KObject): Promise<void> {
    const policy = (pv.spec as VolumeSpec).persistentVolumeReclaimPolicy ?? 'Retain';
    const phase = phaseOf(pv);
    if (phase === 'Failed') return;
    if (phase !== 'Released') pv = await this.setVolumePhase(pv, 'Released');
    if (policy === 'Retain') return;
    if (policy === 'Delete') {
      if (pv.metadata.annotations?.[ANN_PROVISIONED_BY]) return; // the provisioner deletes it
      const message = `Error getting deleter volume plugin for volume "${pv.metadata.name ?? ''}": no deletable volume plugin matched`;
      await this.setVolumePhase(pv, 'Failed', message);
      this.recorder.record(pv, 'Warning', 'VolumeFailedDelete', message);
      return;
    }
    const message = 'No recycler plugin found for the volume!';
    await this.setVolumePhase(pv, 'Failed', message);
    this.recorder.record(pv, 'Warning', 'VolumeFailedRecycle', message);
  }
}
