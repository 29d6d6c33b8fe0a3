// hale's kube-controller-manager: the workload controllers on one set of
// shared informers over the in-process API (LocalClient: same registry,
// admission and validation as any request, no TLS). Controllers are built
// first (they register their informer handlers), then the informers start,
// and the workers start once every cache has synced.

import type { Registry } from '../apiserver/registry/registry.js';
import type { Registry as PromRegistry } from 'prom-client';
import { EventRecorder } from '../client/event-recorder.js';
import { LocalClient } from '../client/local/local-client.js';
import type { ControllerContext, RunnableController } from '../controller/context.js';
import { SharedInformers } from '../controller/informers.js';
import type { Clock } from '../lib/clock/clock.js';
import type { Logger } from '../lib/log/log.js';
import { ReplicaSetController } from '../controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../controllers/deployment/deployment-controller.js';
import { StatefulSetController } from '../controllers/statefulset/statefulset-controller.js';
import { DaemonSetController } from '../controllers/daemonset/daemonset-controller.js';
import { DisruptionController } from '../controllers/disruption/disruption-controller.js';
import { PodGcController } from '../controllers/podgc/podgc-controller.js';
import { TaintEvictionController } from '../controllers/tainteviction/taint-eviction-controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from '../controllers/nodelifecycle/node-lifecycle-controller.js';
import { NodeFencingController, type NodeFencingOptions } from '../controllers/nodefencing/node-fencing-controller.js';
import { PersistentVolumeBinder } from '../controllers/persistentvolume/pv-binder.js';
import { ProvisioningController } from '../controllers/provisioning/provisioning-controller.js';
import { SharedProvisioner } from '../volumes/shared-provisioner.js';
import { PvcProtectionController } from '../controllers/volumeprotection/pvc-protection.js';
import { PvProtectionController } from '../controllers/volumeprotection/pv-protection.js';
import { AttachDetachController } from '../controllers/attachdetach/attach-detach-controller.js';
import { EphemeralVolumeController } from '../controllers/ephemeral/ephemeral-volume-controller.js';
import { EndpointSliceController } from '../controllers/endpointslice/endpointslice-controller.js';
import { EndpointsController } from '../controllers/endpoints/endpoints-controller.js';
import { ServiceAccountsController } from '../controllers/serviceaccount/serviceaccounts-controller.js';
import { RootCaPublisher } from '../controllers/serviceaccount/root-ca-publisher.js';
import { NodeAutoscaler, type NodeAutoscalerOptions } from '../controllers/nodeautoscaler/autoscaler-controller.js';

/** Settings of individual controllers (flags of `hale server` / `hale up`). */
export interface ControllerSettings {
  nodeLifecycle?: NodeLifecycleOptions;
  nodeFencing?: NodeFencingOptions;
  /** the node autoscaler's providers and timing; absent: NodePools report that this server has no providers */
  nodeAutoscaler?: NodeAutoscalerOptions;
  /** the CA bundle the root CA publisher puts in every namespace's kube-root-ca.crt (the API server's serving CA) */
  rootCaPem?: string;
}

/** Every controller the manager runs, in start order. */
const CONTROLLERS: ((ctx: ControllerContext, settings: ControllerSettings) => RunnableController)[] = [
  (ctx) => new ReplicaSetController(ctx),
  (ctx) => new DeploymentController(ctx),
  (ctx) => new StatefulSetController(ctx),
  (ctx) => new DaemonSetController(ctx),
  (ctx) => new DisruptionController(ctx),
  (ctx) => new PodGcController(ctx),
  (ctx) => new TaintEvictionController(ctx),
  (ctx, s) => new NodeLifecycleController(ctx, s.nodeLifecycle),
  (ctx, s) => new NodeFencingController(ctx, s.nodeFencing),
  (ctx) => new EndpointSliceController(ctx, ctx.metrics ? { metricsRegistry: ctx.metrics } : {}),
  (ctx) => new EndpointsController(ctx, ctx.metrics ? { metricsRegistry: ctx.metrics } : {}),
  (ctx) => new PersistentVolumeBinder(ctx),
  (ctx) => new ProvisioningController(ctx, new SharedProvisioner()),
  (ctx) => new PvcProtectionController(ctx),
  (ctx) => new PvProtectionController(ctx),
  (ctx) => new AttachDetachController(ctx),
  (ctx) => new EphemeralVolumeController(ctx),
  (ctx) => new ServiceAccountsController(ctx),
  (ctx, s) => new RootCaPublisher(ctx, { rootCaPem: s.rootCaPem ?? '' }),
  (ctx, s) => new NodeAutoscaler(ctx, s.nodeAutoscaler ?? { providers: noProviders }),
];

function noProviders(): never {
  throw new Error('this server runs no node providers');
}

export interface ControllerManager {
  controllers: RunnableController[];
  informers: SharedInformers;
  stop(): Promise<void>;
}

export async function startControllerManager(o: { registry: Registry; clock: Clock; log: Logger; settings?: ControllerSettings; metrics?: PromRegistry }): Promise<ControllerManager> {
  const client = new LocalClient(o.registry, { user: 'system:kube-controller-manager' });
  const informers = new SharedInformers(client, o.log.child({ component: 'informers' }));
  const recorders = new Map<string, EventRecorder>();
  const ctx: ControllerContext = {
    client,
    informers,
    clock: o.clock,
    log: o.log,
    recorder(component) {
      let r = recorders.get(component);
      if (!r) recorders.set(component, (r = new EventRecorder({ client, source: { component }, clock: o.clock, log: o.log })));
      return r;
    },
    ...(o.metrics ? { metrics: o.metrics } : {}),
  };
  const controllers = CONTROLLERS.map((make) => make(ctx, o.settings ?? {}));
  informers.start();
  await informers.synced();
  for (const c of controllers) c.start();
  return {
    controllers,
    informers,
    async stop() {
      await Promise.all(controllers.map((c) => c.stop()));
      await informers.stop();
      await Promise.all([...recorders.values()].map((r) => r.flush()));
    },
  };
}
