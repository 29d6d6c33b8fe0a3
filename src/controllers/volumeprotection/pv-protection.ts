// PV protection (kube-controller-manager's pv-protection): a volume being
// deleted keeps its `kubernetes.io/pv-protection` finalizer while it is Bound
// to a claim; once it is not, the finalizer goes (and the provisioner's own
// finalizer decides about the data).

import type { KObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { PVS } from '../../client/resources.js';
import { ApiError } from '../../machinery/errors.js';
import { Controller } from '../../controller/controller.js';
import type { ControllerContext, RunnableController } from '../../controller/context.js';
import { FINALIZER_PV_PROTECTION } from '../../api/storage.js';

export class PvProtectionController implements RunnableController {
  readonly name = 'pv-protection-controller';
  private readonly ctx: ControllerContext;
  private readonly controller: Controller;
  private readonly volumes: Informer;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
    this.controller = new Controller({ name: this.name, reconcile: (k) => this.sync(k), clock: ctx.clock, log: ctx.log });
    this.volumes = ctx.informers.for(PVS);
    const volume = (pv: KObject): void => {
      if (pv.metadata.deletionTimestamp) this.controller.enqueue(pv.metadata.name ?? '');
    };
    this.volumes.on({ add: volume, update: volume });
  }

  start(): void {
    this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  idle(): Promise<void> {
    return this.controller.idle();
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
