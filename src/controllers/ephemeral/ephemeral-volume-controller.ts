// The ephemeral volume controller (kube-controller-manager's ephemeral-volume,
// KEP-1698): for every `ephemeral` volume of a pod, a claim named
// `<pod>-<volume>` from the volume's claim template, owned by the pod
// (controller, blockOwnerDeletion), so the garbage collector deletes it with
// the pod. A claim of that name the pod does not own is left alone: the
// node refuses it ("pod is not owner"), as the kubelet does.

import type { KObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import type { Informer } from '../../client/informer.js';
import { PODS, PVCS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import type { EventRecorder } from '../../client/event-recorder.js';

interface EphemeralVolume {
  name: string;
  ephemeral?: { volumeClaimTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } };
}

export class EphemeralVolumeController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly pods: Informer;
  private readonly claims: Informer;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('ephemeral-volume-controller', ctx);
    this.ctx = ctx;
    this.recorder = ctx.recorder(this.name);
    this.pods = ctx.informers.for(PODS);
    this.claims = ctx.informers.for(PVCS);
    const pod = (p: KObject): void => {
      if (volumesOf(p).length > 0) this.controller.enqueue(objectKey(p));
    };
    this.pods.on({ add: pod, update: pod });
    // A claim deleted by hand comes back while its pod lives.
    this.claims.on({
      delete: (c) => {
        for (const r of c.metadata.ownerReferences ?? []) if (r.kind === 'Pod' && r.controller) this.controller.enqueue(`${c.metadata.namespace ?? ''}/${r.name}`);
      },
    });
  }

  protected reconcile(k: string): Promise<void> {
    return this.sync(k);
  }

  private async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const ns = pod.metadata.namespace ?? 'default';
    for (const v of volumesOf(pod)) {
      const name = `${pod.metadata.name ?? ''}-${v.name}`;
      if (this.claims.get(`${ns}/${name}`)) continue;
      const tpl = v.ephemeral?.volumeClaimTemplate ?? {};
      try {
        await this.ctx.client.create(PVCS, ns, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
            ...(tpl.metadata?.labels ? { labels: tpl.metadata.labels } : {}),
            ...(tpl.metadata?.annotations ? { annotations: tpl.metadata.annotations } : {}),
          },
          spec: tpl.spec ?? {},
        });
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue; // exists: the node checks whose it is
        this.recorder.record(pod, 'Warning', 'FailedCreate', `PVC ${ns}/${name} creation failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    }
  }
}

function volumesOf(pod: KObject): EphemeralVolume[] {
  return ((pod.spec as { volumes?: EphemeralVolume[] } | undefined)?.volumes ?? []).filter((v) => v.ephemeral);
}
