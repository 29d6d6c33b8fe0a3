// Persistent volumes on the node: what the agent checks before a container
// may see a claim's volume, in this order (each a fresh read of the API, not
// a cache, because a wrong "yes" here means two writers):
//
//   1. the claim exists, is not being deleted, and is Bound;
//   2. its PersistentVolume exists and hale can mount it;
//   3. the volume is recorded in use by this pod and published in the
//      node's `status.volumesInUse` (from then on the attach/detach
//      controller will not detach it from this node behind our back);
//   4. this node's VolumeAttachment says `attached: true`, and for a
//      single-node volume no other node has one (the controller enforces
//      this; the agent re-checks it); a ReadWriteOncePod volume is not in
//      use by another pod here;
//   5. the backing directory exists and is writable — otherwise a storage
//      failure: FailedMount on the pod, VolumeUnavailable on the volume,
//      nothing deleted, and the pod starts by itself once it is back.
//
// Once a pod's volume passed all five in this agent's life, a container
// restart of that pod checks only 5: the volume is in volumesInUse, so the
// attach/detach controller keeps it attached here, and a claim being
// deleted is kept by its protection while the pod lives.
//
// A pod's volumes leave `volumesInUse` only when the pod is cleaned up (its
// containers removed), so "the node confirms the pod is gone" is literal.

import type { KObject } from '../../api/object.js';
import type { ApiClient } from '../../client/api-client.js';
import { Informer } from '../../client/informer.js';
import { NODES, PVCS, PVS, VOLUMEATTACHMENTS } from '../../client/resources.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Logger } from '../../lib/log/log.js';
import { ApiError } from '../../machinery/errors.js';
import { attacherOf, attachmentName, backingPathOf, singleNode, uniqueVolumeName, type PVShape } from '../../api/storage.js';
import { VolumeError, type PreparedVolume } from '../pods/volumes.js';
import type { Volume } from '../pods/pod-types.js';
import { backingProblem } from './backing-check.js';
import type { InUseBook } from './in-use-book.js';

export interface ClaimVolumesOptions {
  client: ApiClient;
  nodeName: string;
  book: InUseBook;
  log: Logger;
  /** called when an attachment of this node changes (pods waiting for it retry) */
  onAttachmentChange: () => void;
}

interface AttachmentSpec {
  nodeName?: string;
  source?: { persistentVolumeName?: string };
}

/** The claim a pod volume refers to (ephemeral volumes: `<pod>-<volume>`), or undefined. */
export function claimOf(pod: KObject, v: Volume): string | undefined {
  if (v.persistentVolumeClaim) return v.persistentVolumeClaim.claimName;
  if (v.ephemeral) return `${pod.metadata.name ?? ''}-${v.name}`;
  return undefined;
}

export class ClaimVolumes {
  private readonly o: ClaimVolumesOptions;
  private readonly attachments: Informer;
  private readonly abort = new AbortController();
  private recorder: EventRecorder | undefined;
  /** `<pod uid>/<unique name>` → PV name: fully checked and mounted in this agent's life */
  private readonly mountedPv = new Map<string, string>();
  /** what was last published, so an unchanged set is not written again */
  private published: string | undefined;
  private publishing: Promise<void> = Promise.resolve();

  constructor(o: ClaimVolumesOptions) {
    this.o = o;
    const onError = (err: unknown): void => o.log.warn({ err: String(err) }, 'volumeattachment watch failed; retrying');
    this.attachments = new Informer(o.client, VOLUMEATTACHMENTS, { onError });
    const mine = (va: KObject): void => {
      if ((va.spec as AttachmentSpec | undefined)?.nodeName === o.nodeName) o.onAttachmentChange();
    };
    this.attachments.on({ add: mine, update: mine, delete: mine });
  }

  /** Starts watching attachments and publishes the recorded in-use set (it survives agent restarts). Once; later calls do nothing. */
  start(recorder: EventRecorder): void {
    if (this.recorder) return;
    this.recorder = recorder;
    void this.attachments.run(this.abort.signal);
    void this.publish().catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'could not publish volumesInUse; will retry with the next mount or cleanup'));
  }

  stop(): void {
    this.abort.abort();
  }

  /** Makes a claim's volume available to `pod`, or throws VolumeError saying why not. */
  async mount(pod: KObject, v: Volume): Promise<PreparedVolume> {
    const ns = pod.metadata.namespace ?? 'default';
    const claimName = claimOf(pod, v) ?? '';
    const waitMsg = (why: string): string => `Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[${v.name}]: ${why}`;
    const claim = await this.get(PVCS, ns, claimName);
    if (!claim) throw new VolumeError(v.name, waitMsg(`persistentvolumeclaim "${claimName}" not found`), 'ClaimNotFound');
    if (v.ephemeral && !(claim.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'Pod' && r.uid === pod.metadata.uid)) {
      throw new VolumeError(v.name, waitMsg(`PVC ${ns}/${claimName} was not created for pod ${ns}/${pod.metadata.name ?? ''} (pod is not owner)`), 'ClaimNotOwned');
    }
    const pvName = (claim.spec as { volumeName?: string } | undefined)?.volumeName;
    const mountedBefore = pvName !== undefined && [...this.mountedPv].some(([k, pv]) => k.startsWith(`${pod.metadata.uid ?? ''}/`) && pv === pvName);
    // A claim being deleted is kept while pods use it (protection), but no new pod may start using it.
    if (claim.metadata.deletionTimestamp && !mountedBefore) throw new VolumeError(v.name, waitMsg(`persistentvolumeclaim "${claimName}" is being deleted`), 'ClaimBeingDeleted');
    if (!pvName || (claim.status as { phase?: string } | undefined)?.phase !== 'Bound') throw new VolumeError(v.name, waitMsg(`persistentvolumeclaim "${claimName}" is not bound yet`), 'ClaimNotBound');
    const pv = await this.get(PVS, '', pvName);
    if (!pv) throw new VolumeError(v.name, waitMsg(`persistentvolume "${pvName}" not found`), 'VolumeNotFound');
    const shape = pv as PVShape;
    const attacher = attacherOf(shape);
    const path = backingPathOf(shape);
    if (!attacher || !path) throw new VolumeError(v.name, `MountVolume.SetUp failed for volume "${pvName}" : hale cannot mount this kind of volume (supported: hale/shared and hale/local volumes, hostPath and local)`, 'VolumeUnsupported');
    const modes = (pv.spec as { accessModes?: string[] } | undefined)?.accessModes ?? [];
    const unique = uniqueVolumeName(shape);
    const uid = pod.metadata.uid ?? '';
    const readOnly = !!v.persistentVolumeClaim?.readOnly || (modes.length > 0 && modes.every((m) => m === 'ReadOnlyMany'));
    // Mounted for this pod before, in this agent's life: it is in volumesInUse, so it stays attached here;
    // a container restart needs only the storage itself (the claim may be Terminating, kept by protection).
    if (this.mountedPv.has(`${uid}/${unique}`)) return this.checkBacking(pv, pvName, path, readOnly, v);

    // ReadWriteOncePod: one pod, even on this node.
    if (modes.includes('ReadWriteOncePod')) {
      const others = this.o.book.usersOf(unique, uid);
      if (others.length > 0) throw new VolumeError(v.name, waitMsg(`volume "${pvName}" is ReadWriteOncePod and already used by another pod on this node`), 'VolumeInUse');
    }
    // In use before attached: from now on the node holds it.
    await this.o.book.add(uid, unique);
    await this.publish(); // a no-op when already published; a retry when an earlier write failed

    const va = await this.get(VOLUMEATTACHMENTS, '', attachmentName(pvName, attacher, this.o.nodeName));
    if (!(va?.status as { attached?: boolean } | undefined)?.attached) throw new VolumeError(v.name, waitMsg(`volume "${pvName}" is not attached to node "${this.o.nodeName}" yet`), 'VolumeNotAttached');
    if (singleNode(modes)) {
      // The controller never attaches a single-node volume twice; the node checks anyway, with a fresh list.
      const all = await this.o.client.list(VOLUMEATTACHMENTS);
      const elsewhere = all.items.find((a) => {
        const s = a.spec as AttachmentSpec | undefined;
        return s?.source?.persistentVolumeName === pvName && s.nodeName !== this.o.nodeName;
      });
      if (elsewhere) throw new VolumeError(v.name, waitMsg(`volume "${pvName}" is still attached to node "${(elsewhere.spec as AttachmentSpec).nodeName}"`), 'VolumeNotAttached');
    }
    const out = await this.checkBacking(pv, pvName, path, readOnly, v);
    this.mountedPv.set(`${uid}/${unique}`, pvName);
    return out;
  }

  private async checkBacking(pv: KObject, pvName: string, path: string, readOnly: boolean, v: Volume): Promise<PreparedVolume> {
    const problem = await backingProblem(path, !readOnly);
    if (problem) {
      this.recorder?.record(pv, 'Warning', 'VolumeUnavailable', `volume is unavailable on node ${this.o.nodeName}: ${problem}; pods using it wait, nothing was deleted`);
      throw new VolumeError(v.name, `MountVolume.SetUp failed for volume "${pvName}" : ${problem}`, 'VolumeUnavailable');
    }
    return { hostPath: path, file: false };
  }

  /** The pod's containers are gone: its volumes leave volumesInUse. */
  async release(podUid: string): Promise<void> {
    for (const k of [...this.mountedPv.keys()]) if (k.startsWith(`${podUid}/`)) this.mountedPv.delete(k);
    if (await this.o.book.remove(podUid)) await this.publish();
  }

  /** Pods the node no longer has (gone from the API, containers removed): their records go. */
  async forgetExcept(keep: ReadonlySet<string>): Promise<void> {
    for (const uid of this.o.book.pods()) if (!keep.has(uid)) await this.release(uid);
  }

  /** The Node object was (re)created: write volumesInUse again even if unchanged. */
  republish(): Promise<void> {
    this.published = undefined;
    return this.publish();
  }

  /** Writes the node's volumesInUse (serialized; the latest set wins). */
  private publish(): Promise<void> {
    const next = this.publishing.catch(() => undefined).then(async () => {
      const names = this.o.book.names();
      const key = JSON.stringify(names);
      if (key === this.published) return;
      await this.o.client.patch(NODES, '', this.o.nodeName, 'merge', { status: { volumesInUse: names } }, 'status');
      this.published = key;
    });
    this.publishing = next;
    return next;
  }

  private async get(r: typeof PVCS, ns: string, name: string): Promise<KObject | undefined> {
    try {
      return await this.o.client.get(r, ns, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }
}
