// The attach/detach controller (kube-controller-manager's attachdetach, with
// the external-attacher's half folded in): one VolumeAttachment per volume
// and node that needs it, `status.attached: true` once made. The node agent
// mounts a persistent volume only while its node's attachment says attached,
// so this controller decides who may write.
//
// Per volume (the key is the PV name), detach first, then attach:
//
// - Needed: a pod bound to a node, not Succeeded/Failed, still in the API
//   (a pod being deleted still needs its volume until its node removes it),
//   uses a claim bound to the volume.
// - Detach an attachment no pod needs only when its node says it stopped
//   using the volume (not in `status.volumesInUse`, the agent's report,
//   re-read fresh before deleting) or the node is out of service (fenced or
//   declared dead: node.kubernetes.io/out-of-service). Never on a timer, and
//   never for a node that vanished without either (an administrator deletes
//   the attachment after making sure the machine is off).
// - Attach: a single-node volume (no ReadWriteMany/ReadOnlyMany) attached
//   anywhere else is not attached again: each pod waiting for it gets
//   Kubernetes' FailedAttachVolume "Multi-Attach error" event and the
//   controller looks again when the other attachment goes.

import type { KObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import type { Informer } from '../../client/informer.js';
import { NODES, PODS, PVCS, PVS, VOLUMEATTACHMENTS } from '../../client/resources.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { ApiError } from '../../machinery/errors.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { isPodTerminal, nodeNameOf } from '../../controller/pod-state.js';
import { OUT_OF_SERVICE_TAINT } from '../../api/fencing.js';
import { attacherOf, attachmentName, singleNode, uniqueVolumeName, type PVShape } from '../../api/storage.js';
import { claimNamesOf, referencesClaim } from '../volumeprotection/pvc-protection.js';
import { multiAttachMessage } from './multi-attach.js';

const BY_CLAIM = 'claim';
/** On a VolumeAttachment: the volume's name in the node's volumesInUse. */
export const ANNOTATION_UNIQUE_NAME = 'hale.dev/volume-unique-name';
const BY_VOLUME = 'volume';
const BY_NODE = 'node';

interface AttachmentSpec {
  attacher?: string;
  nodeName?: string;
  source?: { persistentVolumeName?: string };
}

function vaSpec(va: KObject): AttachmentSpec {
  return (va.spec ?? {}) as AttachmentSpec;
}

function outOfService(node: KObject): boolean {
  return ((node.spec as { taints?: { key: string }[] } | undefined)?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT);
}

function volumesInUse(node: KObject): string[] {
  return ((node.status as { volumesInUse?: string[] } | undefined)?.volumesInUse) ?? [];
}

export class AttachDetachController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly attachments: Informer;
  private readonly recorder: EventRecorder;
  /** pod uid → the Multi-Attach message last recorded for it */
  private readonly reported = new Map<string, string>();

  constructor(ctx: ControllerContext) {
    super('attachdetach-controller', ctx);
    this.ctx = ctx;
    this.recorder = ctx.recorder(this.name);
    this.pods = ctx.informers.for(PODS);
    this.nodes = ctx.informers.for(NODES);
    this.claims = ctx.informers.for(PVCS);
    this.volumes = ctx.informers.for(PVS);
    this.attachments = ctx.informers.for(VOLUMEATTACHMENTS);
    this.pods.addIndex(BY_CLAIM, (p) => claimNamesOf(p).map((c) => `${p.metadata.namespace ?? ''}/${c}`));
    this.attachments.addIndex(BY_VOLUME, (va) => [vaSpec(va).source?.persistentVolumeName ?? '']);
    this.attachments.addIndex(BY_NODE, (va) => [vaSpec(va).nodeName ?? '']);

    const pod = (p: KObject): void => {
      for (const c of claimNamesOf(p)) this.enqueueClaim(`${p.metadata.namespace ?? ''}/${c}`);
    };
    this.pods.on({
      add: pod,
      update: (p, old) => {
        if (nodeNameOf(p) !== nodeNameOf(old) || isPodTerminal(p) !== isPodTerminal(old)) pod(p);
      },
      delete: (p) => {
        this.reported.delete(p.metadata.uid ?? '');
        pod(p);
      },
    });
    const claim = (c: KObject): void => this.enqueueClaim(objectKey(c));
    this.claims.on({ add: claim, update: claim });
    const volume = (pv: KObject): void => this.controller.enqueue(pv.metadata.name ?? '');
    this.volumes.on({ add: volume, update: volume, delete: volume });
    const attachment = (va: KObject): void => this.controller.enqueue(vaSpec(va).source?.persistentVolumeName ?? '');
    this.attachments.on({ add: attachment, update: attachment, delete: attachment });
    // A node's report or taints may allow a detach.
    const node = (n: KObject): void => {
      for (const va of this.attachments.byIndex(BY_NODE, n.metadata.name ?? '')) attachment(va);
    };
    this.nodes.on({ add: node, update: node, delete: node });
  }

  protected reconcile(k: string): Promise<void> {
    return this.sync(k);
  }

  private enqueueClaim(key: string): void {
    const c = this.claims.get(key);
    const v = (c?.spec as { volumeName?: string } | undefined)?.volumeName;
    if (v) this.controller.enqueue(v);
  }

  /** node → the pods there that need the volume */
  private desired(pv: KObject): Map<string, KObject[]> {
    const out = new Map<string, KObject[]>();
    const ref = (pv.spec as { claimRef?: { namespace?: string; name?: string; uid?: string } } | undefined)?.claimRef;
    if (!ref?.name) return out;
    const claim = this.claims.get(`${ref.namespace ?? ''}/${ref.name}`);
    if (!claim || (claim.spec as { volumeName?: string } | undefined)?.volumeName !== pv.metadata.name) return out;
    for (const p of this.pods.byIndex(BY_CLAIM, `${ref.namespace ?? ''}/${ref.name}`)) {
      const node = nodeNameOf(p);
      if (!node || isPodTerminal(p) || !referencesClaim(p, claim)) continue;
      const list = out.get(node) ?? [];
      list.push(p);
      out.set(node, list);
    }
    return out;
  }

  private async sync(pvName: string): Promise<void> {
    if (!pvName) return;
    const pv = this.volumes.get(pvName);
    const want = pv ? this.desired(pv) : new Map<string, KObject[]>();
    const existing = this.attachments.byIndex(BY_VOLUME, pvName);
    // Detach first.
    for (const va of existing) {
      const node = vaSpec(va).nodeName ?? '';
      if (want.has(node) || va.metadata.deletionTimestamp) continue;
      await this.maybeDetach(va, pv);
    }
    if (!pv) return;
    const attacher = attacherOf(pv as PVShape);
    if (!attacher) return;
    for (const [node, pods] of want) {
      const name = attachmentName(pvName, attacher, node);
      let va = this.attachments.get(name);
      if (!va) {
        if (singleNode((pv.spec as { accessModes?: string[] } | undefined)?.accessModes) && (await this.attachedElsewhere(pvName, node))) {
          this.reportMultiAttach(pvName, pods, want, node);
          continue;
        }
        va = await this.create(name, attacher, node, pvName, uniqueVolumeName(pv as PVShape));
      }
      if (!(va.status as { attached?: boolean } | undefined)?.attached) {
        await this.markAttached(va);
        for (const p of pods) this.recorder.record(p, 'Normal', 'SuccessfulAttachVolume', `AttachVolume.Attach succeeded for volume "${pvName}"`);
      }
      for (const p of pods) this.reported.delete(p.metadata.uid ?? '');
    }
  }

  /**
   * Whether the volume has an attachment to another node. Read fresh from the
   * API, not the cache: an attachment this controller created a moment ago
   * may not be in the cache yet, and a single-node volume must never get two.
   */
  private async attachedElsewhere(pvName: string, node: string): Promise<boolean> {
    const cached = this.attachments.byIndex(BY_VOLUME, pvName).some((a) => vaSpec(a).nodeName !== node);
    if (cached) return true;
    const live = await this.ctx.client.list(VOLUMEATTACHMENTS);
    return live.items.some((a) => vaSpec(a).source?.persistentVolumeName === pvName && vaSpec(a).nodeName !== node);
  }

  private reportMultiAttach(pvName: string, pods: KObject[], want: Map<string, KObject[]>, node: string): void {
    const usersElsewhere = [...want.entries()].filter(([n]) => n !== node).flatMap(([, ps]) => ps);
    for (const p of pods) {
      const msg = multiAttachMessage(pvName, p, usersElsewhere);
      if (this.reported.get(p.metadata.uid ?? '') === msg) continue;
      this.reported.set(p.metadata.uid ?? '', msg);
      this.recorder.record(p, 'Warning', 'FailedAttachVolume', msg);
    }
  }

  /**
   * Detaches in two phases, so a node that starts using the volume while we
   * decide can never lose it under a running container: (1) the attachment
   * is marked `attached: false` (a compare-and-swap on its resourceVersion)
   * — from then on no agent mounts it, because an agent publishes the volume
   * in use *before* it reads the attachment and requires `attached: true`;
   * (2) the node is read fresh: if it lists the volume in use (its mount
   * got in first) and is not out of service, the attachment is marked
   * attached again; otherwise it is deleted (uid and resourceVersion
   * preconditions).
   */
  private async maybeDetach(va: KObject, pv: KObject | undefined): Promise<void> {
    const nodeName = vaSpec(va).nodeName ?? '';
    const unique = va.metadata.annotations?.[ANNOTATION_UNIQUE_NAME] ?? (pv ? uniqueVolumeName(pv as PVShape) : undefined);
    const cached = this.nodes.get(nodeName);
    if (!cached) {
      // Confirm with a fresh read before saying anything.
      const fresh = await this.freshNode(nodeName);
      if (!fresh) {
        this.ctx.log.warn({ attachment: va.metadata.name, node: nodeName }, 'volume attached to a node that no longer exists; delete the VolumeAttachment once that machine is known to be off');
        return;
      }
    } else if (!outOfService(cached) && (!unique || volumesInUse(cached).includes(unique))) return; // still mounted there: wait for the node's report
    let cur = va;
    try {
      if ((va.status as { attached?: boolean } | undefined)?.attached) cur = await this.ctx.client.update(VOLUMEATTACHMENTS, { ...va, status: { ...((va.status ?? {}) as object), attached: false } }, 'status');
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err; // 409: the cache was behind; look again
    }
    const node = await this.freshNode(nodeName);
    const fenced = !!node && outOfService(node);
    if (!node || (!fenced && (!unique || volumesInUse(node).includes(unique)))) {
      // The node took the volume (or vanished) meanwhile: it stays attached.
      await this.ctx.client.update(VOLUMEATTACHMENTS, { ...cur, status: { ...((cur.status ?? {}) as object), attached: true } }, 'status');
      return;
    }
    try {
      await this.ctx.client.delete(VOLUMEATTACHMENTS, '', cur.metadata.name ?? '', { preconditions: { uid: cur.metadata.uid ?? '', resourceVersion: cur.metadata.resourceVersion ?? '' } });
      this.ctx.log.info({ attachment: va.metadata.name, volume: vaSpec(va).source?.persistentVolumeName, node: nodeName, reason: fenced ? 'out-of-service' : 'unmounted' }, 'volume detached');
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  private async freshNode(name: string): Promise<KObject | undefined> {
    try {
      return await this.ctx.client.get(NODES, '', name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  private async create(name: string, attacher: string, node: string, pvName: string, unique: string): Promise<KObject> {
    try {
      return await this.ctx.client.create(VOLUMEATTACHMENTS, '', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'VolumeAttachment',
        // The volume's name in volumesInUse, kept so a detach can be judged after the PV itself is gone.
        metadata: { name, annotations: { [ANNOTATION_UNIQUE_NAME]: unique } },
        spec: { attacher, nodeName: node, source: { persistentVolumeName: pvName } },
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === 409) return this.ctx.client.get(VOLUMEATTACHMENTS, '', name);
      throw err;
    }
  }

  private async markAttached(va: KObject): Promise<void> {
    await this.ctx.client.update(VOLUMEATTACHMENTS, { ...va, status: { ...((va.status ?? {}) as object), attached: true } }, 'status');
  }
}
