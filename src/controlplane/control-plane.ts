// The control plane `hale server` and `hale up` run: the API server plus the
// components that act on the cluster from inside it — node IPAM (pod CIDRs),
// the scheduler (in its own thread: scheduler-thread.ts), the workload controllers (controller-manager.ts, on the
// in-process client) — and the pods/log proxy to node agents.
//
// Everything here talks to the API through the in-process LocalClient: the
// same registry, admission and validation as any request, without TLS, JSON
// or sockets (a replacement pod is bound microseconds after it is created).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from '../apiserver/api-server.js';
import { findResource } from '../api/resources.js';
import { LocalClient } from '../client/local/local-client.js';
import { ApiError } from '../machinery/errors.js';
import { parseJoinToken } from '../apiserver/auth/tokens.js';
import { NodeIpamController } from '../controllers/node-ipam/node-ipam-controller.js';
import { logProxy } from './log-proxy.js';
import { schedulingAdmission } from './scheduling-admission.js';
import { SchedulerThread } from './scheduler-thread.js';
import { realClock } from '../lib/clock/clock.js';
import { timedStep } from '../lib/log/timed-step.js';
import { startControllerManager, type ControllerSettings } from './controller-manager.js';
import { ensureDnsService } from './cluster-dns-service.js';
import { KubernetesService, apiEndpointIp, kubernetesServiceSans } from './kubernetes-service.js';
import { serviceAccountAdmission } from '../apiserver/admission/service-account.js';
import { providerFactory, type ProviderContext } from '../nodepool/providers/context.js';

export interface ControlPlaneOptions extends ApiServerOptions {
  /** the range node pod CIDRs come from, default 10.42.0.0/16 */
  clusterCidr?: string;
  /** settings of individual controllers */
  controllers?: ControllerSettings;
  /** the address pods reach the API server at (the `kubernetes` Endpoints); default the first advertise address, else the listen address */
  serviceEndpointIp?: string;
  /** Lease timing of the `sim` node provider's nodes; default Kubernetes' 10 s / 40 s */
  simLease?: { renewMs: number; durationSeconds: number };
}

export interface RunningControlPlane {
  api: RunningApiServer;
  nodeToken: string;
  clusterCidr: string;
  /** what the node autoscaler's providers run with; `hale up` adds its local fleet here once it started */
  providers: ProviderContext;
  stop(): Promise<void>;
}

export const DEFAULT_CLUSTER_CIDR = '10.42.0.0/16';

export async function startControlPlane(opts: ControlPlaneOptions): Promise<RunningControlPlane> {
  const nodes = findResource('', 'v1', 'nodes')!;
  let secret = '';
  let api: RunningApiServer | undefined;
  const logs = logProxy({
    nodeSecret: () => secret,
    getNode: async (name) => {
      try {
        return await api!.registry.get(nodes, '', name);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return undefined;
        throw err;
      }
    },
  });
  const serviceCidr = opts.serviceCidr ?? '10.43.0.0/16';
  const serviceAccounts = serviceAccountAdmission({
    getServiceAccount: async (ns, name) => {
      try {
        return await api!.registry.getCached(findResource('', 'v1', 'serviceaccounts')!, ns, name);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return undefined;
        throw err;
      }
    },
  });
  api = await startApiServer({
    ...opts,
    // Pods reach the server as kubernetes.default.svc / the Service's ClusterIP.
    tlsSans: [...(opts.tlsSans ?? []), ...kubernetesServiceSans(serviceCidr)],
    logs,
    admission: [serviceAccounts, ...(opts.admission ?? []), schedulingAdmission()],
  });
  await ensureDnsService(api.registry, serviceCidr, opts.logger);
  const kubernetesService = new KubernetesService({
    registry: api.registry,
    serviceCidr,
    endpoint: { ip: apiEndpointIp({ serviceEndpointIp: opts.serviceEndpointIp, advertiseAddresses: opts.advertiseAddresses, host: api.host }), port: api.port },
    clock: opts.clock ?? realClock,
    log: opts.logger.child({ component: 'kubernetes-service' }),
  });
  await kubernetesService.start();
  const nodeToken = (await readFile(join(opts.dataDir, 'node-token'), 'utf8')).trim();
  secret = parseJoinToken(nodeToken)?.secret ?? '';
  const clusterCidr = opts.clusterCidr ?? DEFAULT_CLUSTER_CIDR;
  const ipam = new NodeIpamController({ client: new LocalClient(api.registry, { user: 'system:serviceaccount:kube-system:node-ipam-controller' }), log: opts.logger, clusterCidr });
  ipam.start();
  const scheduler = new SchedulerThread({ client: new LocalClient(api.registry, { user: 'system:kube-scheduler' }), log: opts.logger });
  scheduler.start();
  const providers: ProviderContext = { server: api.url, token: nodeToken, dataDir: opts.dataDir, log: opts.logger.child({ component: 'node-provider' }), ...(opts.simLease ? { simLease: opts.simLease } : {}) };
  const controllers = await startControllerManager({
    registry: api.registry,
    metrics: api.metrics,
    clock: opts.clock ?? realClock,
    log: opts.logger.child({ component: 'controller-manager' }),
    settings: { nodeAutoscaler: { providers: providerFactory(providers) }, ...opts.controllers, rootCaPem: api.caPem },
  });
  const running = api;
  return {
    api: running,
    nodeToken,
    clusterCidr,
    providers,
    async stop() {
      // Each step's time is logged (timedStep): a stop that runs into the hard-exit timer shows where it stalled.
      kubernetesService.stop();
      ipam.stop();
      await timedStep(opts.logger, 'scheduler', () => scheduler.stop());
      await timedStep(opts.logger, 'controllers', () => controllers.stop());
      await running.stop();
    },
  };
}
