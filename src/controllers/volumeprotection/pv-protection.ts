// PV protection (kube-controller-manager's pv-protection): a volume being
// deleted keeps its `kubernetes.io/pv-protection` finalizer while it is Bound
// to a claim; once it is not, the finalizer goes (and the provisioner's own
// finalizer decides about the data).

import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { PVS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { QueueController } from '../../controller/queue-controller.js';
import type { ControllerContext } from '../../controller/context.js';
import { FINALIZER_PV_PROTECTION } from '../../api/storage.js';

export class PvProtectionController extends QueueController {
  private readonly ctx: ControllerContext;
  private readonly volumes: Informer;

  constructor(ctx: ControllerContext) {
    super('pv-protection-controller', ctx);
    this.ctx = ctx;
    this.volumes = ctx.informers.for(PVS);
    const volume = (pv: KObject): void => {
      if (pv.metadata.deletionTimestamp) this.controller.enqueue(pv.metadata.name ?? '');
    };
    this.volumes.on({ add: volume, update: volume });
  }

  protected reconcile(k: string): Promise<void> {
    return this.sync(k);
  }

  private async sync(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv?.metadata.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(FINALIZER_PV_PROTECTION)) return;
    if ((pv.status as { phase?: string } | undefined)?.phase === 'Bound') return;
    try {
      await this.ctx.client.patch(PVS, '', name, 'merge', { metadata: { resourceVersion: pv.metadata.resourceVersion, finalizers: (pv.metadata.finalizers ?? []).filter((f) => f !== FINALIZER_PV_PROTECTION) } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
